package dev.gargoyle.train;

/**
 * Accumulates one epoch's loss and predictions on one data split; {@link #summary()} turns them into
 * the scores that are logged. Not thread-safe: one accumulator per split.
 */
public final class Metrics {
    private final ConfusionMatrix confusion;
    private double lossSum;
    private long lossSamples;

    public Metrics(int numClasses) {
        this.confusion = new ConfusionMatrix(numClasses);
    }

    /**
     * Records a batch: its mean loss (not scaled for gradient accumulation) weighted by the batch size,
     * and its predicted and actual labels.
     */
    public void addBatch(double meanLoss, int[] predicted, int[] actual) {
        confusion.add(predicted, actual);
        addLoss(meanLoss, predicted.length);
    }

    /** Records the mean loss of {@code samples} samples. */
    public void addLoss(double meanLoss, long samples) {
        addLossSum(meanLoss * samples, samples);
    }

    /** Records {@code samples} samples whose losses add up to {@code sum} (as {@link #lossSum()} gave it). */
    public void addLossSum(double sum, long samples) {
        if (samples < 0) {
            throw new IllegalArgumentException("metrics: negative sample count " + samples);
        }
        lossSum += sum;
        lossSamples += samples;
    }

    /** The sum of the recorded losses: what a resumed epoch carries on from, exactly. */
    public double lossSum() {
        return lossSum;
    }

    /**
     * The row-wise argmax of {@code rows x classes} logits with torch.argmax's rules: the first maximum
     * wins ties and NaN counts as larger than any number.
     */
    public static int[] argmax(float[] logits, int rows, int classes) {
        if (rows < 0 || classes < 1 || (long) rows * classes != logits.length) {
            throw new IllegalArgumentException("argmax: " + logits.length + " logits are not " + rows + " rows of "
                    + classes + " classes");
        }
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int base = r * classes;
            int best = 0;
            for (int c = 1; c < classes; c++) {
                float v = logits[base + c];
                float b = logits[base + best];
                if (v > b || (Float.isNaN(v) && !Float.isNaN(b))) {
                    best = c;
                }
            }
            out[r] = best;
        }
        return out;
    }

    /** The accumulated counts (live, not a copy). */
    public ConfusionMatrix confusion() {
        return confusion;
    }

    /** Sample-weighted mean loss; NaN before any loss was recorded. */
    public double meanLoss() {
        return lossSamples == 0 ? Double.NaN : lossSum / lossSamples;
    }

    public MetricsSummary summary() {
        return MetricsSummary.of(meanLoss(), confusion);
    }

    /** Starts a new epoch. */
    public void reset() {
        confusion.clear();
        lossSum = 0;
        lossSamples = 0;
    }
}
