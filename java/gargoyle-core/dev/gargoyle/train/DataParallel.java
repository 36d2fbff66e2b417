package dev.gargoyle.train;

import dev.gargoyle.dist.Communicator;
import dev.gargoyle.dist.GradientBuckets;
import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.Optimizer;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntToDoubleFunction;

/**
 * What the {@link Trainer} does differently when it is one of several ranks: its shard of each
 * epoch, loss scales over the whole update, gradients summed once per update, batch-norm statistics
 * shared (with {@code syncBatchNorm}) or taken from rank 0 (without, as DDP's
 * {@code broadcast_buffers}), metrics summed, and one decision to stop. A single process is the
 * case {@code communicator == null}, where each of these is the identity.
 */
final class DataParallel implements AutoCloseable {
    /** PyTorch's DDP uses 25 MiB; smaller buckets let the first all-reduce start earlier in a 42 MB model. */
    static final long BUCKET_BYTES = 4L << 20;

    private final Communicator communicator;
    private final Model model;
    private final boolean syncBatchNorm;
    private final GradientBuckets buckets;
    private final long started = System.nanoTime();

    DataParallel(Communicator communicator, Model model, boolean syncBatchNorm) {
        this.communicator = communicator;
        this.model = model;
        this.syncBatchNorm = syncBatchNorm;
        boolean parallel = communicator != null && communicator.size() > 1;
        this.buckets = parallel ? new GradientBuckets(model, communicator, BUCKET_BYTES) : null;
        if (parallel && syncBatchNorm) {
            model.batchNorms().values().forEach(bn -> bn.synchronizeStatistics(communicator::allReduceSum));
        }
    }

    boolean isParallel() {
        return buckets != null;
    }

    int rank() {
        return isParallel() ? communicator.rank() : 0;
    }

    int ranks() {
        return isParallel() ? communicator.size() : 1;
    }

    /** Rank 0 writes the run folder and talks to listeners. */
    boolean isLeader() {
        return rank() == 0;
    }

    int[] shard(int[] order) {
        return isParallel() ? AccumulationPlan.shard(order, rank(), ranks()) : order;
    }

    AccumulationPlan plan(int[] order, int batchSize, int k, IntToDoubleFunction weightOfSample) {
        return isParallel() ? AccumulationPlan.sharded(order, batchSize, k, rank(), ranks(), weightOfSample)
                : AccumulationPlan.of(order, batchSize, k, weightOfSample);
    }

    /** Dropout masks differ between ranks, as each rank's own random state does in PyTorch. */
    long stepSeed(long seed) {
        return isParallel() ? seed * 0x9E3779B97F4A7C15L + rank() : seed;
    }

    /**
     * Before a forward: without shared statistics, every rank takes rank 0's running statistics, as
     * DDP's {@code broadcast_buffers} does, so evaluation and checkpoints agree with rank 0.
     */
    void beforeForward() {
        if (isParallel() && !syncBatchNorm) {
            for (BatchNorm2d bn : model.batchNorms().values()) {
                bn.buffers().values().forEach(t -> communicator.broadcast(t, 0));
            }
        }
    }

    /** Whether a micro-batch with no samples on this rank must still run, for the collectives inside it. */
    boolean runsEmptyMicroBatches() {
        return isParallel() && syncBatchNorm;
    }

    /** The next backward ends an update: its gradient buckets go out as backward completes them. */
    void beforeLastBackward() {
        if (isParallel()) {
            buckets.arm();
        }
    }

    /** After the update's last backward: every rank holds the gradients summed over the ranks. */
    void sumGradients() {
        if (isParallel()) {
            buckets.finish();
        }
    }

    /** True on every rank when any rank asks to stop, so all ranks stop after the same update. */
    boolean anyStops(boolean stop) {
        if (!isParallel()) {
            return stop;
        }
        double[] votes = {stop ? 1 : 0};
        communicator.allReduceSum(votes);
        return votes[0] > 0;
    }

    /** The epoch's metrics over all ranks' samples. */
    Metrics total(Metrics local, int classes) {
        if (!isParallel()) {
            return local;
        }
        long[][] counts = local.confusion().counts();
        double[] values = new double[2 + classes * classes];
        values[0] = local.lossSum();
        values[1] = local.confusion().total();
        for (int a = 0; a < classes; a++) {
            for (int p = 0; p < classes; p++) {
                values[2 + a * classes + p] = counts[a][p];
            }
        }
        communicator.allReduceSum(values);
        long[][] summed = new long[classes][classes];
        for (int a = 0; a < classes; a++) {
            for (int p = 0; p < classes; p++) {
                summed[a][p] = Math.round(values[2 + a * classes + p]);
            }
        }
        Metrics out = new Metrics(classes);
        out.confusion().addAll(ConfusionMatrix.of(summed));
        out.addLossSum(values[0], Math.round(values[1]));
        return out;
    }

    /**
     * Fails on a rank whose settings differ from rank 0's where they decide which collectives run
     * (sizes, batches, epochs, what is saved), naming each, before any of them could hang the job.
     */
    void requireAgreement(Map<String, Double> settings) {
        if (!isParallel()) {
            return;
        }
        double[] mine = settings.values().stream().mapToDouble(Double::doubleValue).toArray();
        double[] leader = mine.clone();
        communicator.broadcast(leader, 0);
        List<String> differences = new ArrayList<>();
        int i = 0;
        for (String name : settings.keySet()) {
            if (Double.compare(mine[i], leader[i]) != 0) {
                differences.add(name + " " + fmt(mine[i]) + " here, " + fmt(leader[i]) + " on rank 0");
            }
            i++;
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException("rank " + rank() + " of " + ranks() + " was set up unlike rank 0: "
                    + String.join(", ", differences) + "; every rank must train the same model on the same data");
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Every rank waits here for the others, e.g. for rank 0's last save before the job ends. */
    void barrier() {
        if (isParallel()) {
            communicator.allReduceSum(new double[1]);
        }
    }

    /**
     * Makes every rank start where rank 0 starts: its weights, running statistics, optimizer state
     * and place in the run (a resumed run restores on rank 0 only). Other ranks start the epoch's
     * partial metrics from zero, as rank 0's hold the sums over all ranks.
     */
    TrainingState start(Optimizer optimizer, TrainingState state) {
        if (!isParallel()) {
            return state;
        }
        communicator.broadcast(model.flatParameters(), 0);
        Set<Tensor> parameters = Collections.newSetFromMap(new IdentityHashMap<>());
        model.slots().forEach(s -> parameters.add(s.parameter().value()));
        for (Tensor t : model.tensors().values()) {
            if (!parameters.contains(t)) {
                communicator.broadcast(t, 0);
            }
        }
        optimizer.stateTensors().values().forEach(t -> communicator.broadcast(t, 0));
        double[] place = {state.epoch(), state.batchesDone(), state.updates(), state.bestF1(), optimizer.steps()};
        communicator.broadcast(place, 0);
        optimizer.setSteps((long) place[4]);
        BatchNorm2d[] norms = model.batchNorms().values().toArray(BatchNorm2d[]::new);
        double[] tracked = new double[norms.length];
        for (int i = 0; i < norms.length; i++) {
            tracked[i] = norms[i].numBatchesTracked();
        }
        communicator.broadcast(tracked, 0);
        for (int i = 0; i < norms.length; i++) {
            norms[i].setNumBatchesTracked((long) tracked[i]);
        }
        return isLeader() ? state : new TrainingState((int) place[0], (int) place[1], (long) place[2], place[3], 0, 0,
                null);
    }

    /**
     * For the closing log line: the engine, the buckets, the time in gradient all-reduces (where the
     * engine can tell) and the part of it backward did not hide, which the rank waited for.
     */
    String describe() {
        if (!isParallel()) {
            return "1 process";
        }
        double wall = (System.nanoTime() - started) / 1e9;
        double busy = communicator.allReduceNanos() / 1e9;
        double waited = buckets.waitNanos() / 1e9;
        String reduce = busy > 0 ? String.format(Locale.ROOT, "gradient all-reduce %.1f s (%.0f%% of %.1f s), "
                + "%.0f%% of it overlapped with backward, ", busy, 100 * busy / wall, wall,
                100 * Math.max(0, busy - waited) / busy) : "";
        return communicator.describe() + ", " + buckets.bucketCount() + " gradient buckets, " + reduce
                + String.format(Locale.ROOT, "%.1f s waiting for it after backward", waited);
    }

    @Override
    public void close() {
        if (buckets != null) {
            buckets.close();
        }
        if (isParallel() && syncBatchNorm) {
            model.batchNorms().values().forEach(bn -> bn.synchronizeStatistics(null));
        }
    }
}
