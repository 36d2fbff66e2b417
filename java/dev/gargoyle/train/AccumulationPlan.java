package dev.gargoyle.train;

/**
 * How an epoch's micro-batches group into optimizer updates under gradient accumulation: every
 * {@code k} consecutive micro-batches form one update, the last group may be shorter, and each
 * micro-batch's loss is scaled by its share of its group's samples, so that every update is the
 * mean gradient over exactly the samples it contains (as one big batch of them would give).
 */
public final class AccumulationPlan {
    private final int[] batchSizes;
    private final int k;
    private final int[] groupSamples;

    public AccumulationPlan(int[] batchSizes, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("accumulation steps must be >= 1, got " + k);
        }
        this.batchSizes = batchSizes.clone();
        this.k = k;
        this.groupSamples = new int[updates()];
        for (int i = 0; i < batchSizes.length; i++) {
            if (batchSizes[i] < 1) {
                throw new IllegalArgumentException("micro-batch " + i + " is empty");
            }
            groupSamples[i / k] += batchSizes[i];
        }
    }

    public int microBatches() {
        return batchSizes.length;
    }

    /** Optimizer updates in the epoch: ceil(micro-batches / k). */
    public int updates() {
        return (batchSizes.length + k - 1) / k;
    }

    /** The factor for micro-batch {@code i}'s mean loss: its samples over its group's samples. */
    public float lossScale(int i) {
        return (float) batchSizes[i] / groupSamples[i / k];
    }

    /** True when the optimizer steps after micro-batch {@code i}. */
    public boolean endsUpdate(int i) {
        return (i + 1) % k == 0 || i == batchSizes.length - 1;
    }

    /** Micro-batches in the update that micro-batch {@code i} belongs to. */
    public int groupLength(int i) {
        return Math.min(k, batchSizes.length - i / k * k);
    }

    /** Samples in the update that micro-batch {@code i} belongs to. */
    public int groupSamples(int i) {
        return groupSamples[i / k];
    }
}
