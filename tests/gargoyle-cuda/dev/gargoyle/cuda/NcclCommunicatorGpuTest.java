package dev.gargoyle.cuda;

import static dev.gargoyle.testing.Floats.assertClose;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gargoyle.dist.Communicator;
import dev.gargoyle.dist.GradientBuckets;
import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.OptimizerConfig;
import dev.gargoyle.optim.Sgd;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.BackendOptions;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.testing.GpuTest;
import dev.gargoyle.testing.ThreadCommunicator;
import dev.gargoyle.testing.TinyNet;
import dev.gargoyle.train.TrainStep;
import dev.gargoyle.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NCCL between real GPUs, ranks as threads (ncclCommInitRank blocks until every rank has joined),
 * each with its own backend on {@code cuda:<rank>} and a {@link ThreadCommunicator} as bootstrap.
 * One rank runs everywhere; two need two GPUs, as NCCL refuses two ranks on one.
 */
@GpuTest
class NcclCommunicatorGpuTest {
    private static final BackendOptions DETERMINISTIC = new BackendOptions(false, true);
    private static final long SEED = 11;

    @BeforeEach
    void ncclLoads() {
        String reason = NcclCommunicator.unavailableReason();
        assumeTrue(reason == null, () -> "NCCL is not usable: " + reason);
    }

    private static void assumeTwoGpus() {
        int[] count = new int[1];
        CudaStatus.cuda(cudaGetDeviceCount(count), "cudaGetDeviceCount");
        assumeTrue(count[0] >= 2, () -> "two ranks need two GPUs (NCCL refuses two ranks on one GPU), this machine has "
                + count[0]);
    }

    /** What one rank does with its backend and communicator. */
    private interface RankWork<T> {
        T run(Backend backend, NcclCommunicator nccl) throws Exception;
    }

    /** {@code work} on {@code ranks} threads joined by NCCL; each rank's result, by rank. */
    private static <T> List<T> onRanks(int ranks, RankWork<T> work) throws Exception {
        List<Communicator> group = ThreadCommunicator.group(ranks);
        // Daemons: a rank stuck in NCCL, whose calls no interrupt ends, must not keep the JVM alive.
        ExecutorService pool = Executors.newFixedThreadPool(ranks, r -> {
            Thread t = new Thread(r, "nccl-rank");
            t.setDaemon(true);
            return t;
        });
        try {
            CompletionService<T> done = new ExecutorCompletionService<>(pool);
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                Communicator bootstrap = group.get(r);
                Device device = Device.cuda(r);
                futures.add(done.submit(() -> {
                    try (Backend backend = Backends.create(device, DETERMINISTIC);
                         NcclCommunicator nccl = NcclCommunicator.join(bootstrap, backend)) {
                        return work.run(backend, nccl);
                    }
                }));
            }
            // The first rank to fail explains the others, which wait for it (in NCCL, for ever).
            for (int i = 0; i < ranks; i++) {
                Future<T> f = done.poll(5, TimeUnit.MINUTES);
                if (f == null) {
                    throw new AssertionError("a rank did not finish within 5 minutes");
                }
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new AssertionError("a rank failed", e.getCause());
                }
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void oneRankAllReduceAndBroadcastLeaveTheValuesAndDescribeNamesNcclsVersion() throws Exception {
        float[] values = random(10_007, 1);
        List<Object[]> out = onRanks(1, (backend, nccl) -> {
            try (Tensor t = backend.allocate(Shape.of(values.length))) {
                t.copyFrom(values);
                nccl.allReduceSum(t).await();
                float[] reduced = t.toArray();
                nccl.broadcast(t, 0);
                return new Object[] {reduced, t.toArray(), nccl.describe(), nccl.rank(), nccl.size()};
            }
        });
        Object[] rank = out.get(0);
        assertArrayEquals(values, (float[]) rank[0], "after the all-reduce");
        assertArrayEquals(values, (float[]) rank[1], "after the broadcast");
        assertTrue(((String) rank[2]).matches("NCCL 2\\.\\d+\\.\\d+ on cuda:0 over threads, rank 0 of 1"),
                (String) rank[2]);
        assertEquals(0, rank[3]);
        assertEquals(1, rank[4]);
    }

    @Test
    void twoGpusSumASliceElementwiseAndBroadcastFromRankOne() throws Exception {
        assumeTwoGpus();
        int n = 10_007;
        int from = 1_000;
        int length = 5_003;
        float[][] inputs = {random(n, 1), random(n, 2)};
        List<float[][]> out = onRanks(2, (backend, nccl) -> {
            float[] mine = inputs[nccl.rank()];
            try (Tensor t = backend.allocate(Shape.of(n)); Tensor slice = t.slice(from, Shape.of(length))) {
                t.copyFrom(mine);
                nccl.allReduceSum(slice).await();
                float[] summed = t.toArray();
                t.copyFrom(mine);
                nccl.broadcast(t, 1);
                return new float[][] {summed, t.toArray()};
            }
        });
        for (int r = 0; r < 2; r++) {
            float[] expected = inputs[r].clone();
            for (int i = from; i < from + length; i++) {
                expected[i] = inputs[0][i] + inputs[1][i];
            }
            assertArrayEquals(expected, out.get(r)[0], "rank " + r + ": the slice summed, the rest untouched");
            assertArrayEquals(inputs[1], out.get(r)[1], "rank " + r + ": rank 1's values after the broadcast");
        }
    }

    /**
     * Eight SGD updates on fixed random batches; with {@code nccl}, each update's gradients go
     * through {@link GradientBuckets} of 256 bytes (several slices at offsets of the flat gradients),
     * started from backward's hooks as the trainer's are. {@code reducedBytes[0]} gets what was reduced.
     */
    private static float[] trainEightUpdates(Backend backend, NcclCommunicator nccl, long[] reducedBytes) {
        int batch = 6;
        Random r = new Random(5);
        try (Model model = new Model(TinyNet.net(), backend, SEED, TinyNet.INPUT);
             Sgd sgd = new Sgd(model, name -> 1.0, 0.9, 1e-3, false);
             TrainStep step = new TrainStep(model, sgd, CrossEntropyLoss.unweighted(), 0);
             GradientBuckets buckets = nccl == null ? null : new GradientBuckets(model, nccl, 256);
             Tensor x = backend.allocate(Shape.of(batch, 3, TinyNet.SIDE, TinyNet.SIDE))) {
            for (int update = 0; update < 8; update++) {
                x.copyFrom(random(Math.toIntExact(x.numel()), r.nextLong()));
                int[] labels = r.ints(batch, 0, TinyNet.CLASSES).toArray();
                if (buckets != null) {
                    buckets.arm();
                }
                step.microBatch(x, labels, 1f);
                if (buckets != null) {
                    buckets.finish();
                    reducedBytes[0] = buckets.reducedBytes();
                }
                step.update(0.05);
            }
            return model.flatParameters().toArray();
        }
    }

    /**
     * One rank: the trainer leaves a single process's gradients alone, so this drives the buckets
     * itself. NCCL's sum over one rank is the identity; what may go wrong is the plumbing (a slice's
     * address, the stream order against backward and the optimizer), which would change the weights.
     */
    @Test
    void oneRankTrainingThroughNcclBucketsEndsWithTheWeightsOfTrainingWithout() throws Exception {
        long[] reduced = new long[1];
        List<float[][]> out = onRanks(1, (backend, nccl) -> {
            float[] without = trainEightUpdates(backend, null, reduced);
            float[] through = trainEightUpdates(backend, nccl, reduced);
            try (Model untrained = new Model(TinyNet.net(), backend, SEED, TinyNet.INPUT)) {
                return new float[][] {without, through, untrained.flatParameters().toArray()};
            }
        });
        float[] without = out.get(0)[0];
        assertEquals(8L * without.length * Float.BYTES, reduced[0], "every gradient all-reduced once per update");
        assertClose("weights", without, out.get(0)[1], 1e-6);
        assertTrue(maxDiff(out.get(0)[2], without) > 1e-3, "training must move the weights");
    }

    /**
     * Two GPUs through the trainer, with synchronised batch-norm, against one GPU with both ranks'
     * batches together: the same updates up to float rounding (sums split differently).
     */
    @Test
    void twoGpusTrainAsOneGpuWithTheirBatchesTogether() throws Exception {
        assumeTwoGpus();
        int samples = 22;
        int batch = 3;
        List<float[]> ranks = onRanks(2, (backend, nccl) -> {
            // Each rank starts from other weights: rank 0's must reach rank 1 anyway.
            try (Model model = new Model(TinyNet.net(), backend, SEED + nccl.rank(), TinyNet.INPUT)) {
                trainer(model, samples, batch).communicator(nccl).syncBatchNorm(true).build().run();
                return model.flatParameters().toArray();
            }
        });
        float[] one;
        try (Backend backend = Backends.create(Device.cuda(0), DETERMINISTIC);
             Model model = new Model(TinyNet.net(), backend, SEED, TinyNet.INPUT)) {
            trainer(model, samples, 2 * batch).build().run();
            one = model.flatParameters().toArray();
        }
        assertArrayEquals(ranks.get(0), ranks.get(1), "both ranks apply the same summed gradients");
        assertClose("two GPUs against one", one, ranks.get(0), 1e-3);
    }

    private static Trainer.Builder trainer(Model model, int samples, int batch) {
        return Trainer.builder(model, TinyNet.data(samples)).batchSize(batch).epochs(2)
                .optimizer(OptimizerConfig.sgd(0.9))
                .learningRate(0.05).seed(SEED);
    }

    private static double maxDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
