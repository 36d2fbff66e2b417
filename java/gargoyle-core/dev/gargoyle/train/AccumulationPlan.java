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
        if (k < 1) {
            throw new IllegalArgumentException("accumulation steps must be >= 1, got " + k);
        }
        this.batchWeights = batchWeights.clone();
        this.k = k;
        this.groupWeights = new double[updates()];
        for (int i = 0; i < batchWeights.length; i++) {
            if (!(batchWeights[i] > 0)) {
                throw new IllegalArgumentException("micro-batch " + i + " weighs " + batchWeights[i]
                        + ", expected a positive weight");
            }
            groupWeights[i / k] += batchWeights[i];
        }
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

    public int microBatches() {
        return batchWeights.length;
    }

    /** Optimizer updates in the epoch: ceil(micro-batches / k). */
    public int updates() {
        return (batchWeights.length + k - 1) / k;
    }

    /** The factor for micro-batch {@code i}'s mean loss: its weight over its group's weight. */
    public float lossScale(int i) {
        return (float) (batchWeights[i] / groupWeights[i / k]);
    }

    /** True when the optimizer steps after micro-batch {@code i}. */
    public boolean endsUpdate(int i) {
        return (i + 1) % k == 0 || i == batchWeights.length - 1;
    }

}
