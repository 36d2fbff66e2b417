package dev.gargoyle.train;

import java.util.Arrays;
import java.util.function.IntToDoubleFunction;

/**
 * Counts of (actual, predicted) label pairs over K classes, rows actual and columns predicted as in
 * scikit-learn, and the scores derived from them. Precision, recall and F1 follow scikit-learn's
 * {@code precision_recall_fscore_support(..., zero_division=0)}: a score whose denominator is zero is 0,
 * and the macro average is over the classes that occur as actual or predicted labels (scikit-learn's
 * default {@code labels}); a class absent from both still reports 0 for itself.
 */
public final class ConfusionMatrix {
    private final int numClasses;
    private final long[] counts;

    public ConfusionMatrix(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("confusion matrix needs at least one class, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.counts = new long[numClasses * numClasses];
    }

    /** A matrix holding {@code counts[actual][predicted]} (square, non-negative), e.g. read back from a log. */
    public static ConfusionMatrix of(long[][] counts) {
        ConfusionMatrix m = new ConfusionMatrix(counts.length);
        for (int a = 0; a < counts.length; a++) {
            if (counts[a].length != counts.length) {
                throw new IllegalArgumentException("confusion matrix must be square: row " + a + " has "
                        + counts[a].length + " entries, expected " + counts.length);
            }
            for (int p = 0; p < counts.length; p++) {
                if (counts[a][p] < 0) {
                    throw new IllegalArgumentException("confusion matrix count [" + a + "][" + p + "] is negative: "
                            + counts[a][p]);
                }
                m.counts[a * m.numClasses + p] = counts[a][p];
            }
        }
        return m;
    }

    public int numClasses() {
        return numClasses;
    }

    /** Counts one sample. */
    public void add(int predicted, int actual) {
        check("predicted", predicted);
        check("actual", actual);
        counts[actual * numClasses + predicted]++;
    }

    /** Counts one sample per index of the two equally long arrays. */
    public void add(int[] predicted, int[] actual) {
        if (predicted.length != actual.length) {
            throw new IllegalArgumentException("confusion matrix: " + predicted.length + " predictions for "
                    + actual.length + " labels");
        }
        for (int i = 0; i < predicted.length; i++) {
            add(predicted[i], actual[i]);
        }
    }

    /** Adds another matrix's counts, e.g. from another worker. */
    public void addAll(ConfusionMatrix other) {
        if (other.numClasses != numClasses) {
            throw new IllegalArgumentException("confusion matrix: cannot add " + other.numClasses
                    + " classes to " + numClasses);
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }

    public void clear() {
        Arrays.fill(counts, 0);
    }

    public long count(int actual, int predicted) {
        check("actual", actual);
        check("predicted", predicted);
        return counts[actual * numClasses + predicted];
    }

    /** A copy of the counts as {@code [actual][predicted]}. */
    public long[][] counts() {
        long[][] out = new long[numClasses][];
        for (int a = 0; a < numClasses; a++) {
            out[a] = Arrays.copyOfRange(counts, a * numClasses, (a + 1) * numClasses);
        }
        return out;
    }

    public long total() {
        long sum = 0;
        for (long c : counts) {
            sum += c;
        }
        return sum;
    }

    /** Samples whose actual label is {@code c} (true positives + false negatives). */
    public long support(int c) {
        check("class", c);
        long sum = 0;
        for (int p = 0; p < numClasses; p++) {
            sum += counts[c * numClasses + p];
        }
        return sum;
    }

    /** Samples predicted as {@code c} (true positives + false positives). */
    public long predicted(int c) {
        check("class", c);
        long sum = 0;
        for (int a = 0; a < numClasses; a++) {
            sum += counts[a * numClasses + c];
        }
        return sum;
    }

    /** Fraction of samples on the diagonal; 0 for an empty matrix. */
    public double accuracy() {
        long correct = 0;
        for (int c = 0; c < numClasses; c++) {
            correct += counts[c * numClasses + c];
        }
        long total = total();
        return total == 0 ? 0 : (double) correct / total;
    }

    public double precision(int c) {
        return ratio(truePositives(c), predicted(c));
    }

    public double recall(int c) {
        return ratio(truePositives(c), support(c));
    }

    /** 2TP / (2TP + FP + FN), equal to the harmonic mean of precision and recall where both are defined. */
    public double f1(int c) {
        long tp = truePositives(c);
        return ratio(2 * tp, support(c) + predicted(c));
    }

    public double macroPrecision() {
        return macro(this::precision);
    }

    public double macroRecall() {
        return macro(this::recall);
    }

    public double macroF1() {
        return macro(this::f1);
    }

    private double macro(IntToDoubleFunction score) {
        double sum = 0;
        int present = 0;
        for (int c = 0; c < numClasses; c++) {
            if (support(c) > 0 || predicted(c) > 0) {
                sum += score.applyAsDouble(c);
                present++;
            }
        }
        return present == 0 ? 0 : sum / present;
    }

    private long truePositives(int c) {
        check("class", c);
        return counts[c * numClasses + c];
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }

    private void check(String what, int label) {
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException("confusion matrix: " + what + " label " + label + " outside [0, "
                    + numClasses + ")");
        }
    }
}
