package dev.gargoyle.train;

import java.util.Arrays;

/**
 * The scores of one pass over a data split (train or test) in one epoch: mean loss, accuracy, macro
 * precision, recall and F1, the per-class scores and support, and the confusion matrix
 * {@code [actual][predicted]} they came from. A plain value, as logged and plotted.
 */
public record MetricsSummary(
        double loss,
        double accuracy,
        double precision,
        double recall,
        double f1,
        double[] classPrecision,
        double[] classRecall,
        double[] classF1,
        long[] support,
        long[][] confusion) {

    /** The summary of {@code confusion} with mean loss {@code loss} (NaN when no loss was recorded). */
    public static MetricsSummary of(double loss, ConfusionMatrix confusion) {
        int k = confusion.numClasses();
        double[] p = new double[k];
        double[] r = new double[k];
        double[] f = new double[k];
        long[] s = new long[k];
        for (int c = 0; c < k; c++) {
            p[c] = confusion.precision(c);
            r[c] = confusion.recall(c);
            f[c] = confusion.f1(c);
            s[c] = confusion.support(c);
        }
        return new MetricsSummary(loss, confusion.accuracy(), confusion.macroPrecision(), confusion.macroRecall(),
                confusion.macroF1(), p, r, f, s, confusion.counts());
    }

    public int numClasses() {
        return support.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MetricsSummary m
                && Double.compare(loss, m.loss) == 0 && Double.compare(accuracy, m.accuracy) == 0
                && Double.compare(precision, m.precision) == 0 && Double.compare(recall, m.recall) == 0
                && Double.compare(f1, m.f1) == 0 && Arrays.equals(classPrecision, m.classPrecision)
                && Arrays.equals(classRecall, m.classRecall) && Arrays.equals(classF1, m.classF1)
                && Arrays.equals(support, m.support) && Arrays.deepEquals(confusion, m.confusion);
    }

    @Override
    public int hashCode() {
        return 31 * Double.hashCode(loss) + Arrays.deepHashCode(confusion);
    }

    @Override
    public String toString() {
        return String.format("loss %.4f, accuracy %.4f, precision %.4f, recall %.4f, F1 %.4f", loss, accuracy,
                precision, recall, f1);
    }
}
