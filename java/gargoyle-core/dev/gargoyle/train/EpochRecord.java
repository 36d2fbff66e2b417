package dev.gargoyle.train;

/**
 * What the training log keeps of one epoch: its number, the optimizer step count and learning rate at
 * its end, the train and test scores ({@code test} is null when there is no test split), the epoch's
 * wall time and its training throughput.
 */
public record EpochRecord(
        int epoch,
        long step,
        double lr,
        MetricsSummary train,
        MetricsSummary test,
        double epochSeconds,
        double imagesPerSecond) {

    public EpochRecord {
        if (train == null) {
            throw new IllegalArgumentException("epoch record " + epoch + ": train metrics are required");
        }
    }
}
