package dev.gargoyle.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final double EPS = 1e-12;

    // Four classes: class 2 has support but is never predicted, class 3 is predicted but has no support.
    private static final int[] ACTUAL = {0, 0, 0, 0, 1, 1, 1, 2, 2};
    private static final int[] PREDICTED = {0, 0, 1, 3, 1, 1, 0, 1, 3};

    @Test
    void handComputedExampleWithAnUnpredictedClassAndAClassWithoutSupport() {
        ConfusionMatrix m = new ConfusionMatrix(4);
        m.add(PREDICTED, ACTUAL);
        assertArrayEquals(new long[][] {{2, 1, 0, 1}, {1, 2, 0, 0}, {0, 1, 0, 1}, {0, 0, 0, 0}}, m.counts());
        assertEquals(9, m.total());
        assertEquals(4.0 / 9, m.accuracy(), EPS);

        // Per class by hand: TP = 2, 2, 0, 0; predicted = 3, 4, 0, 2; support = 4, 3, 2, 0.
        double[] precision = {2.0 / 3, 2.0 / 4, 0, 0};
        double[] recall = {2.0 / 4, 2.0 / 3, 0, 0};
        double[] f1 = {4.0 / 7, 4.0 / 7, 0, 0};
        long[] support = {4, 3, 2, 0};
        for (int c = 0; c < 4; c++) {
            assertEquals(precision[c], m.precision(c), EPS, "precision " + c);
            assertEquals(recall[c], m.recall(c), EPS, "recall " + c);
            assertEquals(f1[c], m.f1(c), EPS, "f1 " + c);
            assertEquals(support[c], m.support(c), "support " + c);
        }
        // sklearn macro, zero_division=0: all four classes occur as actual or predicted labels.
        assertEquals(7.0 / 24, m.macroPrecision(), EPS);
        assertEquals(7.0 / 24, m.macroRecall(), EPS);
        assertEquals(2.0 / 7, m.macroF1(), EPS);
    }

    @Test
    void aClassAbsentFromBothLabelsIsLeftOutOfTheMacroAverage() {
        ConfusionMatrix m = new ConfusionMatrix(5);
        m.add(PREDICTED, ACTUAL);
        assertEquals(7.0 / 24, m.macroPrecision(), EPS);
        assertEquals(7.0 / 24, m.macroRecall(), EPS);
        assertEquals(2.0 / 7, m.macroF1(), EPS);
        assertEquals(0, m.f1(4));
        assertEquals(0, m.support(4));
    }

    @Test
    void matchesAnIndependentPairwiseComputationOnRandomLabels() {
        Random random = new Random(11);
        int k = 6;
        int n = 500;
        int[] actual = new int[n];
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            actual[i] = random.nextInt(k - 1); // class k-1 never occurs as actual
            predicted[i] = random.nextDouble() < 0.6 ? actual[i] : random.nextInt(k);
        }
        ConfusionMatrix m = new ConfusionMatrix(k);
        for (int i = 0; i < n; i++) {
            m.add(predicted[i], actual[i]);
        }
        double sumP = 0;
        double sumR = 0;
        double sumF = 0;
        int correct = 0;
        for (int c = 0; c < k; c++) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < n; i++) {
                tp += predicted[i] == c && actual[i] == c ? 1 : 0;
                fp += predicted[i] == c && actual[i] != c ? 1 : 0;
                fn += predicted[i] != c && actual[i] == c ? 1 : 0;
            }
            correct += tp;
            double p = tp + fp == 0 ? 0 : tp / (double) (tp + fp);
            double r = tp + fn == 0 ? 0 : tp / (double) (tp + fn);
            double f = p + r == 0 ? 0 : 2 * p * r / (p + r); // harmonic mean: a different formula than the code's
            assertEquals(p, m.precision(c), EPS);
            assertEquals(r, m.recall(c), EPS);
            assertEquals(f, m.f1(c), EPS);
            assertEquals(tp + fn, m.support(c));
            sumP += p;
            sumR += r;
            sumF += f;
        }
        assertTrue(m.predicted(k - 1) > 0, "the unseen class is predicted, so it counts in the macro average");
        assertEquals(sumP / k, m.macroPrecision(), EPS);
        assertEquals(sumR / k, m.macroRecall(), EPS);
        assertEquals(sumF / k, m.macroF1(), EPS);
        assertEquals(correct / (double) n, m.accuracy(), EPS);
    }

    @Test
    void metricsWeightLossBySamplesAndSummarise() {
        Metrics metrics = new Metrics(4);
        assertTrue(Double.isNaN(metrics.meanLoss()));
        metrics.addBatch(1.0, new int[] {0, 0, 1, 3}, new int[] {0, 0, 0, 0});
        metrics.addBatch(4.0, new int[] {1, 1, 0, 1, 3}, new int[] {1, 1, 1, 2, 2});
        assertEquals((1.0 * 4 + 4.0 * 5) / 9, metrics.meanLoss(), EPS);

        MetricsSummary s = metrics.summary();
        assertEquals(4.0 / 9, s.accuracy(), EPS);
        assertEquals(7.0 / 24, s.precision(), EPS);
        assertEquals(7.0 / 24, s.recall(), EPS);
        assertEquals(2.0 / 7, s.f1(), EPS);
        assertArrayEquals(new long[] {4, 3, 2, 0}, s.support());
        assertArrayEquals(new double[] {2.0 / 3, 0.5, 0, 0}, s.classPrecision(), EPS);
        assertArrayEquals(new double[] {0.5, 2.0 / 3, 0, 0}, s.classRecall(), EPS);
        assertArrayEquals(new double[] {4.0 / 7, 4.0 / 7, 0, 0}, s.classF1(), EPS);
        assertEquals(2, s.confusion()[0][0]);
        assertEquals(s, MetricsSummary.of(s.loss(), ConfusionMatrix.of(s.confusion())));

        metrics.reset();
        assertEquals(0, metrics.confusion().total());
        assertTrue(Double.isNaN(metrics.meanLoss()));
        assertEquals(0, metrics.summary().accuracy());
    }

    @Test
    void argmaxFollowsTorchRules() {
        float[] logits = {
            0.1f, 0.9f, 0.9f, // tie: first wins
            -1f, -2f, -3f,
            1f, Float.NaN, 5f, // NaN is the maximum
            Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, -1e30f,
        };
        assertArrayEquals(new int[] {1, 0, 1, 2}, Metrics.argmax(logits, 4, 3));
        assertThrows(IllegalArgumentException.class, () -> Metrics.argmax(logits, 3, 3));
    }

    @Test
    void badLabelsAndShapesAreRejectedClearly() {
        ConfusionMatrix m = new ConfusionMatrix(3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.add(3, 0));
        assertEquals("confusion matrix: predicted label 3 outside [0, 3)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.add(0, -1));
        assertEquals("confusion matrix: actual label -1 outside [0, 3)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.add(new int[2], new int[3]));
        assertThrows(IllegalArgumentException.class, () -> ConfusionMatrix.of(new long[][] {{1, 2}, {3}}));
        assertEquals(0, m.total(), "rejected samples are not counted");

        ConfusionMatrix other = new ConfusionMatrix(3);
        other.add(2, 1);
        m.addAll(other);
        m.addAll(other);
        assertEquals(2, m.count(1, 2));
    }
}
