package dev.gargoyle.bench;

/**
 * How {@code bench train} measures.
 *
 * @param batchSize         images per micro-batch
 * @param size              images are {@code size x size} RGB (a multiple of 16)
 * @param accumulationSteps micro-batches per optimizer update
 * @param warmup            untimed optimizer updates first (and as many untimed inference batches)
 * @param windows           timed windows; the median window's rate is reported
 * @param updatesPerWindow  optimizer updates per training window; inference windows have as many batches
 * @param seed              seeds the weights, the synthetic images and labels, and dropout
 */
public record TrainBenchSettings(int batchSize, int size, int accumulationSteps, int warmup, int windows,
                                 int updatesPerWindow, long seed) {
    /** The AHE data set's classes. */
    public static final int CLASSES = 10;

    public TrainBenchSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (size < 16 || size % 16 != 0) {
            throw new IllegalArgumentException("--size must be a positive multiple of 16, got " + size);
        }
        if (accumulationSteps < 1) {
            throw new IllegalArgumentException("--accumulation-steps must be at least 1, got " + accumulationSteps);
        }
        if (warmup < 0 || windows < 1 || updatesPerWindow < 1) {
            throw new IllegalArgumentException("--warmup must be >= 0, --windows and --updates-per-window >= 1, got "
                    + warmup + ", " + windows + ", " + updatesPerWindow);
        }
    }

    /** Micro-batches (training) or batches (inference) in one timed window. */
    public int batchesPerWindow() {
        return updatesPerWindow * accumulationSteps;
    }

    public int imagesPerWindow() {
        return batchesPerWindow() * batchSize;
    }
}
