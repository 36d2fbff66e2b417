package dev.gargoyle.train;

import java.util.function.IntToDoubleFunction;

/**
 * How an epoch's micro-batches group into optimizer updates under gradient accumulation: every
 * {@code k} consecutive micro-batches form one update, the last group may be shorter, and each
 * micro-batch's loss is scaled by its share of its group's weight (its samples, or the sum of their
 * class weights), so that every update is the (weighted) mean gradient over exactly the samples it
 * contains, as one big batch of them would give.
 */
public final class AccumulationPlan {
    private final double[] batchWeights;
    private final int k;
    private final double[] groupWeights;

    /** A plan from each micro-batch's weight (its sample count when every sample counts 1). */
    public AccumulationPlan(double[] batchWeights, int k) {
        this(batchWeights, k, groups(batchWeights, k));
        for (int i = 0; i < batchWeights.length; i++) {
            if (!(batchWeights[i] > 0)) {
                throw new IllegalArgumentException("micro-batch " + i + " weighs " + batchWeights[i]
                        + ", expected a positive weight");
            }
        }
    }

    private AccumulationPlan(double[] batchWeights, int k, double[] groupWeights) {
        this.batchWeights = batchWeights.clone();
        this.k = k;
        this.groupWeights = groupWeights;
    }

    private static double[] groups(double[] batchWeights, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("accumulation steps must be >= 1, got " + k);
        }
        double[] groups = new double[(batchWeights.length + k - 1) / k];
        for (int i = 0; i < batchWeights.length; i++) {
            groups[i / k] += batchWeights[i];
        }
        return groups;
    }

    /**
     * The plan of an epoch visiting {@code order} in micro-batches of {@code batchSize}, each sample
     * weighing {@code weightOfSample.applyAsDouble(index)}.
     */
    public static AccumulationPlan of(int[] order, int batchSize, int k, IntToDoubleFunction weightOfSample) {
        double[] weights = new double[(order.length + batchSize - 1) / batchSize];
        for (int j = 0; j < order.length; j++) {
            weights[j / batchSize] += weightOfSample.applyAsDouble(order[j]);
        }
        return new AccumulationPlan(weights, k);
    }

    /**
     * Rank {@code rank}'s plan when {@code ranks} processes share the epoch {@code order}, each taking
     * every {@code ranks}-th sample from its own offset (PyTorch's {@code DistributedSampler}) in
     * micro-batches of {@code batchSize}. Micro-batch i of all ranks together holds exactly the samples
     * of one process's micro-batch i at batch size {@code ranks·batchSize}, and each rank's loss scale
     * is its share of the whole update's weight, so the gradients summed over ranks are the update's
     * mean gradient. A rank whose share of a micro-batch is empty gets weight 0.
     */
    public static AccumulationPlan sharded(int[] order, int batchSize, int k, int rank, int ranks,
                                           IntToDoubleFunction weightOfSample) {
        if (ranks < 1 || rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("rank " + rank + " of " + ranks + ": expected 0 <= rank < ranks");
        }
        long perStep = (long) batchSize * ranks;
        double[] all = new double[Math.toIntExact((order.length + perStep - 1) / perStep)];
        double[] mine = new double[all.length];
        for (int p = 0; p < order.length; p++) {
            double w = weightOfSample.applyAsDouble(order[p]);
            int batch = (int) (p / perStep);
            all[batch] += w;
            if (p % ranks == rank) {
                mine[batch] += w;
            }
        }
        for (int i = 0; i < all.length; i++) {
            if (!(all[i] > 0)) {
                throw new IllegalArgumentException("micro-batch " + i + " weighs " + all[i] + " over all " + ranks
                        + " ranks, expected a positive weight");
            }
        }
        return new AccumulationPlan(mine, k, groups(all, k));
    }

    /** Rank {@code rank}'s samples of {@code order}: every {@code ranks}-th, from position {@code rank}. */
    public static int[] shard(int[] order, int rank, int ranks) {
        int[] out = new int[Math.max(0, (order.length - rank + ranks - 1) / ranks)];
        for (int j = 0; j < out.length; j++) {
            out[j] = order[j * ranks + rank];
        }
        return out;
    }

    public int microBatches() {
        return batchWeights.length;
    }

    /** Optimizer updates in the epoch: ceil(micro-batches / k). */
    public int updates() {
        return (batchWeights.length + k - 1) / k;
    }

    /**
     * The factor for micro-batch {@code i}'s mean loss: its weight over its group's weight (over all
     * ranks' groups in a {@link #sharded} plan).
     */
    public float lossScale(int i) {
        return (float) (batchWeights[i] / groupWeights[i / k]);
    }

    /** True when the optimizer steps after micro-batch {@code i}. */
    public boolean endsUpdate(int i) {
        return (i + 1) % k == 0 || i == batchWeights.length - 1;
    }

}
