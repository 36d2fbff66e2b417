package dev.gargoyle.bench;

import dev.gargoyle.data.Batch;
import dev.gargoyle.data.BatchLoader;
import dev.gargoyle.data.DataSplits;
import dev.gargoyle.data.Epoch;
import dev.gargoyle.data.ImageFolder;
import dev.gargoyle.data.LoaderOptions;
import dev.gargoyle.tensor.HostBuffer;
import java.nio.file.Path;
import java.util.function.LongFunction;

/**
 * Data loading alone: the training split of an image folder through the {@link BatchLoader} with
 * the trainer's options (shuffled, standard augmentation, one worker per processor), one untimed
 * epoch (which also fills the loader's cache of decoded images, as the trainer's first epoch does),
 * then images per second of each timed epoch.
 */
public final class LoaderBench {
    private LoaderBench() {
    }

    /**
     * @param allocator the host buffers the loader fills, as the trainer passes {@code backend::allocateHostBuffer}
     */
    public static Throughput run(Path dataRoot, int batchSize, int size, long seed, int epochs,
                                 LongFunction<HostBuffer> allocator, Progress progress) {
        DataSplits splits = ImageFolder.open(dataRoot);
        LoaderOptions options = LoaderOptions.training(batchSize, size, seed);
        try (BatchLoader loader = new BatchLoader(splits.train(), options, allocator)) {
            epoch(loader, 0);
            progress.step("loader");
            double[] seconds = new double[epochs];
            for (int e = 0; e < epochs; e++) {
                long start = System.nanoTime();
                epoch(loader, e + 1);
                seconds[e] = (System.nanoTime() - start) / 1e9;
                progress.step("loader");
            }
            return Throughput.of(splits.train().size(), seconds);
        }
    }

    private static void epoch(BatchLoader loader, int number) {
        try (Epoch batches = loader.epoch(number)) {
            while (batches.hasNext()) {
                try (Batch b = batches.next()) {
                    // Touch the batch as a consumer would; the loader has already written every byte.
                    b.pixels();
                }
            }
        }
    }
}
