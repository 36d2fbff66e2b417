package dev.gargoyle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The median and percentiles (linear interpolation between order statistics, as NumPy's default). */
class TimingTest {
    @Test
    void oddCountHasTheMiddleValueAsMedian() {
        Timing t = Timing.of(new double[] {5, 1, 3, 9, 7});
        assertEquals(5.0, t.medianMs());
        assertEquals(1.0, t.minMs());
        // rank 0.9 · 4 = 3.6 in [1, 3, 5, 7, 9]: 7 + 0.6 · 2 = 8.2
        assertEquals(8.2, t.p90Ms(), 1e-12);
        assertEquals(5, t.repeats());
    }

    @Test
    void evenCountAveragesTheMiddleTwo() {
        Timing t = Timing.of(new double[] {4, 1, 3, 2});
        assertEquals(2.5, t.medianMs());
        // rank 0.9 · 3 = 2.7 in [1, 2, 3, 4]: 3 + 0.7 = 3.7
        assertEquals(3.7, t.p90Ms(), 1e-12);
    }

    @Test
    void oneValueIsEveryStatistic() {
        Timing t = Timing.of(new float[] {0.25f});
        assertEquals(0.25, t.medianMs());
        assertEquals(0.25, t.minMs());
        assertEquals(0.25, t.p90Ms());
    }

    @Test
    void percentileEnds() {
        double[] sorted = {1, 2, 10};
        assertEquals(1.0, Timing.percentile(sorted, 0));
        assertEquals(10.0, Timing.percentile(sorted, 1));
        assertEquals(6.0, Timing.percentile(sorted, 0.75));
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Timing.of(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> Timing.of(new double[] {1, Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> Timing.percentile(new double[] {1}, 1.5));
    }
}
