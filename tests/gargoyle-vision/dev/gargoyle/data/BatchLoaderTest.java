package dev.gargoyle.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.tensor.HostBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLoaderTest {
    @TempDir
    Path dir;

    private final List<HostBuffer> allocated = new ArrayList<>();

    private HostBuffer allocate(long bytes) {
        HostBuffer b = HostBuffer.allocate(bytes);
        allocated.add(b);
        return b;
    }

    /** Image i of 23 is a solid colour (i·10, 250 - i·10, 7·i) in class i % 3, sizes varying. */
    private ImageFolder solids() throws IOException {
        for (int i = 0; i < 23; i++) {
            TestImages.solid(dir.resolve("c" + (i % 3)).resolve(String.format("%02d.png", i)), 9 + i % 4, 7 + i % 5,
                    i * 10, 250 - i * 10, 7 * i);
        }
        return ImageFolder.open(dir, OpenOptions.defaults().withValSplit(0)).train();
    }

    private ImageFolder noise(int count, int size) throws IOException {
        for (int i = 0; i < count; i++) {
            TestImages.noise(dir.resolve("k" + (i % 4)).resolve(i + ".png"), size, size + i % 3, i);
        }
        return ImageFolder.open(dir, OpenOptions.defaults().withValSplit(0)).train();
    }

    private static byte[] bytes(Batch b) {
        ByteBuffer buf = b.pixels().buffer().duplicate();
        byte[] out = new byte[b.size() * b.imageSize() * b.imageSize() * 3];
        buf.position(0);
        buf.get(out);
        return out;
    }

    /** Everything an epoch hands out, batch by batch: pixels, labels and indices. */
    private record Seen(List<byte[]> pixels, List<int[]> labels, List<int[]> indices) {
    }

    private Seen run(ImageFolder data, LoaderOptions options, int epoch) {
        Seen seen = new Seen(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        try (BatchLoader loader = new BatchLoader(data, options, this::allocate); Epoch batches = loader.epoch(epoch)) {
            while (batches.hasNext()) {
                try (Batch b = batches.next()) {
                    seen.pixels().add(bytes(b));
                    seen.labels().add(b.labels());
                    seen.indices().add(b.indices());
                }
            }
        }
        return seen;
    }

    private static void assertSame(Seen a, Seen b) {
        assertEquals(a.pixels().size(), b.pixels().size());
        for (int i = 0; i < a.pixels().size(); i++) {
            assertArrayEquals(a.pixels().get(i), b.pixels().get(i), "pixels of batch " + i);
            assertArrayEquals(a.labels().get(i), b.labels().get(i), "labels of batch " + i);
            assertArrayEquals(a.indices().get(i), b.indices().get(i), "indices of batch " + i);
        }
    }

    @Test
    void inOrderBatchesCarryTheImagesLabelsAndASmallerLastBatch() throws IOException {
        ImageFolder data = solids();
        LoaderOptions options = LoaderOptions.evaluation(5, 4).withWorkers(2);
        try (BatchLoader loader = new BatchLoader(data, options, this::allocate)) {
            assertEquals(5, loader.batchesPerEpoch());
            assertArrayEquals(new int[] {5, 5, 5, 5, 3}, loader.batchSizes());
        }
        Seen seen = run(data, options, 0);
        int position = 0;
        for (int b = 0; b < seen.pixels().size(); b++) {
            int[] idx = seen.indices().get(b);
            for (int j = 0; j < idx.length; j++, position++) {
                assertEquals(position, idx[j], "no shuffle: the ImageFolder order");
                Sample s = data.sample(position);
                assertEquals(s.label(), seen.labels().get(b)[j]);
                int i = Integer.parseInt(s.path().getFileName().toString().substring(0, 2));
                byte[] want = TestImages.solidRgb(4, i * 10, 250 - i * 10, 7 * i);
                assertArrayEquals(want, Arrays.copyOfRange(seen.pixels().get(b), j * 48, (j + 1) * 48),
                        "image " + s.path());
            }
        }
        assertEquals(23, position);
    }

    @Test
    void batchesDoNotDependOnTheNumberOfWorkers() throws IOException {
        ImageFolder data = noise(17, 14);
        for (Augmentation a : List.of(Augmentation.none(), Augmentation.standard())) {
            LoaderOptions options = LoaderOptions.training(4, 10, 5).withAugmentation(a).withPrefetch(2);
            assertSame(run(data, options.withWorkers(1), 3), run(data, options.withWorkers(3), 3));
        }
    }

    /** Epochs 0 to 2 through one loader (so its cache carries over); the decoded bytes it kept at the end. */
    private long runEpochs(ImageFolder data, LoaderOptions options, List<Seen> out) {
        try (BatchLoader loader = new BatchLoader(data, options, this::allocate)) {
            for (int epoch = 0; epoch < 3; epoch++) {
                Seen seen = new Seen(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
                try (Epoch batches = loader.epoch(epoch)) {
                    while (batches.hasNext()) {
                        try (Batch b = batches.next()) {
                            seen.pixels().add(bytes(b));
                            seen.labels().add(b.labels());
                            seen.indices().add(b.indices());
                        }
                    }
                }
                out.add(seen);
            }
            return loader.cachedBytes();
        }
    }

    @Test
    void keepingDecodedImagesChangesNoBatchAndStaysUnderItsLimit() throws IOException {
        ImageFolder data = noise(17, 14);
        long all = 0;
        for (int i = 0; i < 17; i++) {
            all += 14L * (14 + i % 3) * 3;
        }
        LoaderOptions options = LoaderOptions.training(4, 10, 5).withPrefetch(2).withWorkers(2);
        List<Seen> none = new ArrayList<>();
        assertEquals(0, runEpochs(data, options.withCacheBytes(0), none));
        List<Seen> every = new ArrayList<>();
        assertEquals(all, runEpochs(data, options, every), "every image kept under the default limit");
        List<Seen> some = new ArrayList<>();
        long limit = all / 3;
        long kept = runEpochs(data, options.withCacheBytes(limit), some);
        assertTrue(kept > 0 && kept <= limit, "kept " + kept + " bytes under a limit of " + limit);
        for (int epoch = 0; epoch < 3; epoch++) {
            assertSame(none.get(epoch), every.get(epoch));
            assertSame(none.get(epoch), some.get(epoch));
        }
    }

    @Test
    void shuffleIsAPermutationThatChangesPerEpochAndRepeatsPerSeed() throws IOException {
        ImageFolder data = noise(17, 8);
        LoaderOptions options = LoaderOptions.training(5, 8, 11).withWorkers(2);
        Seen epoch0 = run(data, options, 0);
        Seen epoch1 = run(data, options, 1);
        assertSame(epoch0, run(data, options, 0));
        int[] order0 = Arrays.stream(epoch0.indices().toArray(int[][]::new)).flatMapToInt(Arrays::stream).toArray();
        int[] order1 = Arrays.stream(epoch1.indices().toArray(int[][]::new)).flatMapToInt(Arrays::stream).toArray();
        assertNotEquals(Arrays.toString(order0), Arrays.toString(order1));
        int[] sorted = order0.clone();
        Arrays.sort(sorted);
        int[] all = new int[17];
        Arrays.setAll(all, i -> i);
        assertArrayEquals(all, sorted, "each sample once per epoch");
        Seen otherSeed = run(data, options.withSeed(12), 0);
        assertNotEquals(Arrays.toString(order0), Arrays.toString(
                otherSeed.indices().stream().flatMapToInt(Arrays::stream).toArray()));
    }

    /** A sampler drawing with replacement may repeat a sample; each draw gets its own augmentation. */
    @Test
    void aSampleDrawnTwiceInAnEpochIsAugmentedTwice() throws IOException {
        ImageFolder data = noise(3, 12);
        LoaderOptions options = LoaderOptions.training(4, 8, 3).withWorkers(2);
        try (BatchLoader loader = new BatchLoader(data, options, this::allocate);
             Epoch batches = loader.epoch(0, new int[] {1, 1, 1, 0})) {
            try (Batch b = batches.next()) {
                byte[] px = bytes(b);
                byte[] first = Arrays.copyOfRange(px, 0, 192);
                assertFalse(Arrays.equals(first, Arrays.copyOfRange(px, 192, 384)), "second draw of sample 1");
                assertFalse(Arrays.equals(first, Arrays.copyOfRange(px, 384, 576)), "third draw of sample 1");
                assertArrayEquals(new int[] {1, 1, 1, 0}, b.indices());
            }
        }
    }

    @Test
    void augmentationDependsOnEpochAndSampleNotOnBatchPosition() throws IOException {
        ImageFolder data = noise(6, 12);
        LoaderOptions options = LoaderOptions.training(6, 8, 3).withWorkers(2);
        Seen a = run(data, options, 0);
        Seen b = run(data, options.withShuffle(false), 0);
        // the same sample gets the same augmentation whatever its position in the epoch
        for (int j = 0; j < 6; j++) {
            int sample = a.indices().get(0)[j];
            assertArrayEquals(Arrays.copyOfRange(a.pixels().get(0), j * 192, (j + 1) * 192),
                    Arrays.copyOfRange(b.pixels().get(0), sample * 192, (sample + 1) * 192));
        }
        Seen next = run(data, options.withShuffle(false), 1);
        assertFalse(Arrays.equals(b.pixels().get(0), next.pixels().get(0)), "another epoch, other augmentations");
    }

    @Test
    void buffersAreReusedAfterReleaseAndHeldOnesBlockPrefetch() throws IOException {
        ImageFolder data = solids();
        LoaderOptions options = LoaderOptions.evaluation(4, 4).withWorkers(2).withPrefetch(2);
        try (BatchLoader loader = new BatchLoader(data, options, this::allocate); Epoch batches = loader.epoch(0)) {
            assertEquals(2, allocated.size(), "one buffer per prefetched batch");
            Batch first = batches.next();
            Batch second = batches.next();
            assertThrows(IllegalStateException.class, batches::next, "both buffers are held");
            HostBuffer firstBuffer = first.pixels();
            first.close();
            assertThrows(IllegalStateException.class, first::pixels, "a released batch no longer shows its pixels");
            first.close();
            try (Batch third = batches.next()) {
                assertTrue(third.pixels() == firstBuffer, "the released buffer is refilled");
                assertEquals(2, third.index());
                assertArrayEquals(new int[] {8, 9, 10, 11}, third.indices());
            }
            second.close();
            int count = 3;
            while (batches.hasNext()) {
                batches.next().close();
                count++;
            }
            assertEquals(6, count);
            assertEquals(2, allocated.size(), "no allocation after the start");
        }
        for (HostBuffer b : allocated) {
            assertTrue(b.isClosed(), "the loader frees its buffers");
        }
    }

    @Test
    void closingMidEpochStopsTheWorkersPromptly() throws IOException {
        ImageFolder data = noise(60, 96);
        BatchLoader loader = new BatchLoader(data, LoaderOptions.training(8, 64, 1).withWorkers(2), this::allocate);
        Epoch batches = loader.epoch(0);
        batches.next().close();
        long start = System.nanoTime();
        loader.close();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 2.0, "close took " + seconds + " s");
        // awaitTermination returns once the workers' tasks are done; their threads end a moment later.
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (loaderThreadsAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(!loaderThreadsAlive(), "worker threads are gone");
        for (HostBuffer b : allocated) {
            assertTrue(b.isClosed());
        }
        assertThrows(IllegalStateException.class, batches::next);
        assertThrows(IllegalStateException.class, () -> loader.epoch(1));
    }

    private static boolean loaderThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("gargoyle-loader") && t.isAlive());
    }

    @Test
    void aFileThatFailsWhileLoadingIsAnErrorNamingIt() throws IOException {
        ImageFolder data = solids();
        Path victim = data.sample(13).path();
        Files.delete(victim);
        try (BatchLoader loader = new BatchLoader(data, LoaderOptions.evaluation(5, 4).withWorkers(2), this::allocate);
             Epoch batches = loader.epoch(0)) {
            UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> {
                while (batches.hasNext()) {
                    batches.next().close();
                }
            });
            assertEquals(victim, e.file());
            assertTrue(e.getMessage().contains(victim.toString()), e.getMessage());
        }
        for (HostBuffer b : allocated) {
            assertTrue(b.isClosed());
        }
    }

    @Test
    void onlyOneEpochAtATime() throws IOException {
        ImageFolder data = solids();
        LoaderOptions options = LoaderOptions.evaluation(5, 4).withWorkers(1);
        try (BatchLoader loader = new BatchLoader(data, options, this::allocate)) {
            Epoch first = loader.epoch(0);
            IllegalStateException x = assertThrows(IllegalStateException.class, () -> loader.epoch(1));
            assertTrue(x.getMessage().contains("epoch 0 is still open"), x.getMessage());
            first.close();
            try (Epoch e = loader.epoch(1)) {
                assertTrue(e.hasNext());
            }
        }
    }

    @Test
    void nativeMemoryStaysFlatOverEpochs() throws IOException {
        ImageFolder data = noise(24, 20);
        LoaderOptions options = LoaderOptions.training(5, 16, 2).withWorkers(2);
        try (BatchLoader loader = new BatchLoader(data, options, this::allocate)) {
            long[] counts = new long[4];
            long[] bytes = new long[4];
            for (int epoch = 0; epoch < 4; epoch++) {
                try (Epoch batches = loader.epoch(epoch)) {
                    while (batches.hasNext()) {
                        batches.next().close();
                    }
                }
                counts[epoch] = Pointer.totalCount();
                bytes[epoch] = Pointer.totalBytes();
            }
            assertEquals(counts[1], counts[3], "JavaCPP pointers alive after epochs: " + Arrays.toString(counts));
            assertEquals(bytes[1], bytes[3], "JavaCPP bytes after epochs: " + Arrays.toString(bytes));
        }
    }

    @Test
    void anEmptyPartHasNoBatches() throws IOException {
        TestImages.solid(dir.resolve("a/1.png"), 4, 4, 1, 2, 3);
        ImageFolder empty = ImageFolder.open(dir, OpenOptions.defaults().withValSplit(0)).test();
        try (BatchLoader loader = new BatchLoader(empty, LoaderOptions.evaluation(4, 4), this::allocate);
             Epoch batches = loader.epoch(0)) {
            assertEquals(0, loader.batchesPerEpoch());
            assertFalse(batches.hasNext());
        }
        assertTrue(allocated.isEmpty());
    }
}
