package dev.gargoyle.dist;

import static dev.gargoyle.testing.Floats.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.OptimizerConfig;
import dev.gargoyle.optim.Sgd;
import dev.gargoyle.reference.ReferenceBackend;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.testing.ThreadCommunicator;
import dev.gargoyle.testing.TinyNet;
import dev.gargoyle.train.AccumulationPlan;
import dev.gargoyle.train.ArrayDataSource;
import dev.gargoyle.train.Sampler;
import dev.gargoyle.train.TrainStep;
import dev.gargoyle.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Data-parallel training on the float64 reference backend, ranks as threads: N ranks with
 * micro-batch b must train as one process with batch N·b (with synchronised batch-norm), or as one
 * process that normalises each rank's part on its own (without), with and without accumulation,
 * including an epoch whose last micro-batch leaves a rank with no samples.
 */
class DataParallelTest {
    private static final long SEED = 11;

    /** What a run leaves: rank 0's parameters, running statistics and scores. */
    private record Outcome(float[] parameters, float[] runningStats, Trainer.Result result) {
    }

    private static Trainer.Builder builder(Model model, ArrayDataSource train, int batch, int k) {
        return Trainer.builder(model, train).testData(TinyNet.data(7)).batchSize(batch).accumulationSteps(k).epochs(2)
                .optimizer(OptimizerConfig.sgd(0.9).withWeightDecay(1e-3)).learningRate(0.05).seed(SEED);
    }

    private static Outcome outcome(Model model, Trainer.Result result) {
        List<Float> stats = new ArrayList<>();
        for (BatchNorm2d bn : model.batchNorms().values()) {
            for (Tensor t : bn.buffers().values()) {
                for (float v : t.toArray()) {
                    stats.add(v);
                }
            }
        }
        float[] s = new float[stats.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = stats.get(i);
        }
        return new Outcome(model.flatParameters().toArray(), s, result);
    }

    /** One process: its own backend and model, trained as {@code configure} says. */
    private static Outcome single(int samples, int batch, int k) {
        try (Backend backend = ReferenceBackend.create();
             Model model = new Model(TinyNet.net(), backend, SEED, TinyNet.INPUT)) {
            return outcome(model, builder(model, TinyNet.data(samples), batch, k).build().run());
        }
    }

    /** {@code ranks} threads, each a rank with its own backend and model; returns rank 0's outcome. */
    static Outcome parallel(int ranks, Function<Trainer.Builder, Trainer.Builder> configure, int samples, int batch,
                            int k) throws Exception {
        return parallel(ranks, (rank, b) -> configure.apply(b), samples, batch, k);
    }

    /** As above, configuring each rank's trainer by its rank; a failing rank aborts the others, as the CLI does. */
    static Outcome parallel(int ranks, BiFunction<Integer, Trainer.Builder, Trainer.Builder> configure, int samples,
                            int batch, int k) throws Exception {
        List<Communicator> group = ThreadCommunicator.group(ranks);
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                Communicator c = group.get(r);
                // Each rank seeds its model differently: rank 0's weights must reach every rank anyway.
                long seed = SEED + r;
                futures.add(pool.submit(() -> {
                    try (Backend backend = ReferenceBackend.create();
                         Model model = new Model(TinyNet.net(), backend, seed, TinyNet.INPUT)) {
                        Trainer.Builder b = builder(model, TinyNet.data(samples), batch, k).communicator(c);
                        return outcome(model, configure.apply(c.rank(), b).build().run());
                    } catch (RuntimeException e) {
                        ((ThreadCommunicator) c).abort();
                        throw e;
                    }
                }));
            }
            List<Outcome> all = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                try {
                    all.add(f.get());
                } catch (ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            // The rank that failed first explains the others, which time out waiting for it.
            failures.sort(Comparator.comparing(t -> t instanceof CommunicationException));
            if (!failures.isEmpty()) {
                throw new AssertionError("a rank failed", failures.get(0));
            }
            for (int r = 1; r < ranks; r++) {
                assertArrayEquals("rank " + r + " parameters", all.get(0).parameters(), all.get(r).parameters());
            }
            return all.get(0);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertArrayEquals(String what, float[] expected, float[] actual) {
        assertTrue(Arrays.equals(expected, actual), what + ": the ranks differ");
    }

    @ParameterizedTest(name = "{0} samples, 2 ranks x {1}, accumulation {2}")
    @CsvSource({"24, 3, 1", "19, 3, 1", "19, 3, 2", "22, 2, 3"})
    void twoRanksWithSyncBatchNormTrainAsOneProcessWithTheirBatchesTogether(int samples, int batch, int k)
            throws Exception {
        Outcome two = parallel(2, b -> b.syncBatchNorm(true), samples, batch, k);
        Outcome one = single(samples, 2 * batch, k);
        assertClose("parameters", one.parameters(), two.parameters(), 2e-4);
        assertClose("running statistics", one.runningStats(), two.runningStats(), 2e-4);
        assertEquals(one.result().updates(), two.result().updates(), "updates");
        assertEquals(one.result().train().accuracy(), two.result().train().accuracy(), 1e-12, "train accuracy");
        assertEquals(one.result().train().loss(), two.result().train().loss(), 1e-5, "train loss");
        assertEquals(one.result().test().accuracy(), two.result().test().accuracy(), 1e-12, "test accuracy");
        assertEquals(one.result().test().loss(), two.result().test().loss(), 1e-5, "test loss");
        try (Backend backend = ReferenceBackend.create();
             Model untrained = new Model(TinyNet.net(), backend, SEED, TinyNet.INPUT)) {
            assertTrue(maxDiff(untrained.flatParameters().toArray(), two.parameters()) > 1e-3,
                    "training must move the parameters");
        }
    }

    @ParameterizedTest(name = "{0} samples, 2 ranks x {1}, accumulation {2}")
    @CsvSource({"24, 3, 1", "19, 3, 2"})
    void withoutSyncEachRankNormalisesItsOwnBatchAndKeepsRankZerosRunningStatistics(int samples, int batch, int k)
            throws Exception {
        Outcome two = parallel(2, b -> b, samples, batch, k);
        float[][] reference = halvesOnTheirOwn(samples, batch, k);
        assertClose("parameters", reference[0], two.parameters(), 2e-4);
        assertClose("running statistics", reference[1], two.runningStats(), 2e-4);
        Outcome synced = single(samples, 2 * batch, k);
        assertTrue(maxDiff(synced.parameters(), two.parameters()) > 1e-4,
                "normalising each half on its own must differ from normalising the whole batch");
    }

    /**
     * The single-process reference for DDP without SyncBatchNorm: each update's gradient is the sum of
     * each rank's part run on its own (loss scaled by its share of the update), and the running
     * statistics follow rank 0's parts only (DDP broadcasts rank 0's buffers before every forward).
     */
    private static float[][] halvesOnTheirOwn(int samples, int batch, int k) {
        ArrayDataSource data = TinyNet.data(samples);
        try (Backend backend = ReferenceBackend.create();
             Model model = new Model(TinyNet.net(), backend, SEED, TinyNet.INPUT);
             Sgd sgd = new Sgd(model, name -> 1.0, 0.9, 1e-3, false);
             TrainStep step = new TrainStep(model, sgd, CrossEntropyLoss.unweighted(), 0);
             Tensor x = backend.allocate(Shape.of(batch, 3, TinyNet.SIDE, TinyNet.SIDE))) {
            BatchNorm2d bn = model.batchNorms().values().iterator().next();
            for (int epoch = 0; epoch < 2; epoch++) {
                int[] order = Sampler.shuffled(SEED).order(data, epoch);
                int perStep = 2 * batch;
                int steps = (order.length + perStep - 1) / perStep;
                double[] groupWeight = new double[(steps + k - 1) / k];
                for (int p = 0; p < order.length; p++) {
                    groupWeight[p / perStep / k] += 1;
                }
                for (int i = 0; i < steps; i++) {
                    float[] mean = bn.buffers().get("running_mean").toArray();
                    float[] var = bn.buffers().get("running_var").toArray();
                    long tracked = bn.numBatchesTracked();
                    for (int rank : new int[] {1, 0}) {
                        bn.buffers().get("running_mean").copyFrom(mean);
                        bn.buffers().get("running_var").copyFrom(var);
                        bn.setNumBatchesTracked(tracked);
                        List<Integer> mine = new ArrayList<>();
                        for (int p = i * perStep + rank; p < Math.min(order.length, (i + 1) * perStep); p += 2) {
                            mine.add(order[p]);
                        }
                        if (mine.isEmpty()) {
                            continue;
                        }
                        int[] labels;
                        try (var loader = data.open(backend, batch);
                             var pass = loader.pass(epoch, mine.stream().mapToInt(Integer::intValue).toArray())) {
                            labels = pass.next(x);
                        }
                        step.microBatch(x.narrow(labels.length), labels,
                                (float) (labels.length / groupWeight[i / k]));
                    }
                    if ((i + 1) % k == 0 || i == steps - 1) {
                        step.update(0.05);
                    }
                }
            }
            float[] stats = new float[8];
            System.arraycopy(bn.buffers().get("running_mean").toArray(), 0, stats, 0, 4);
            System.arraycopy(bn.buffers().get("running_var").toArray(), 0, stats, 4, 4);
            return new float[][] {model.flatParameters().toArray(), stats};
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    @Test
    void aRankSetUpUnlikeRankZeroFailsNamingWhatDiffers() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> parallel(2, (rank, b) -> b.epochs(rank == 1 ? 3 : 2), 12, 3, 1));
        String message = e.getCause().getMessage();
        assertTrue(message.contains("rank 1 of 2 was set up unlike rank 0: epochs 3 here, 2 on rank 0"), message);
    }

    @Test
    void shardsInterleaveAsDistributedSamplerAndCoverTheEpochOnce() {
        int[] order = {9, 4, 7, 1, 0, 3, 8};
        assertEquals("[9, 7, 0, 8]", Arrays.toString(AccumulationPlan.shard(order, 0, 2)));
        assertEquals("[4, 1, 3]", Arrays.toString(AccumulationPlan.shard(order, 1, 2)));
        assertEquals("[7, 3]", Arrays.toString(AccumulationPlan.shard(order, 2, 3)));
        assertEquals("[]", Arrays.toString(AccumulationPlan.shard(new int[] {5}, 1, 2)));
    }

    @Test
    void aResumedParallelRunEndsAsTheUninterruptedOneAndAnotherRankCountIsRefused(@TempDir Path dir)
            throws Exception {
        Outcome whole = parallel(2, b -> b.syncBatchNorm(true), 19, 3, 1);
        Path run = dir.resolve("run");
        Outcome stopped = parallel(2, b -> b.syncBatchNorm(true).runDirectory(run).maxSteps(3), 19, 3, 1);
        assertTrue(stopped.result().stoppedEarly(), "the step limit must stop the first part");
        Outcome resumed = parallel(2, b -> b.syncBatchNorm(true).runDirectory(run).resume(true), 19, 3, 1);
        assertTrue(Arrays.equals(whole.parameters(), resumed.parameters()),
                "resuming must continue exactly: " + maxDiff(whole.parameters(), resumed.parameters()));
        try (Backend backend = ReferenceBackend.create();
             Model model = new Model(TinyNet.net(), backend, SEED, TinyNet.INPUT)) {
            Trainer alone = builder(model, TinyNet.data(19), 3, 1).runDirectory(run).resume(true).epochs(3).build();
            Exception e = assertThrows(RuntimeException.class, alone::run);
            assertTrue(e.getMessage().contains("ranks (processes of a data-parallel run) 2 (saved) against 1"),
                    e.getMessage());
        }
    }
}
