package dev.gargoyle.bench;

import java.util.Arrays;

/**
 * Summary of repeated timings, in milliseconds: the median (what tables report), the minimum and
 * the 90th percentile, with percentiles interpolated linearly between order statistics (NumPy's
 * default), so the median of an even count is the mean of the middle two.
 */
public record Timing(double medianMs, double minMs, double p90Ms, int repeats) {

    /** The summary of {@code millis} (at least one value, all finite). */
    public static Timing of(double[] millis) {
        if (millis.length == 0) {
            throw new IllegalArgumentException("timing: no measurements");
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        if (!Double.isFinite(sorted[0]) || !Double.isFinite(sorted[sorted.length - 1])) {
            throw new IllegalArgumentException("timing: measurements must be finite, got " + Arrays.toString(millis));
        }
        return new Timing(percentile(sorted, 0.5), sorted[0], percentile(sorted, 0.9), sorted.length);
    }

    /** The summary of float milliseconds (as CUDA events report them). */
    public static Timing of(float[] millis) {
        double[] d = new double[millis.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = millis[i];
        }
        return of(d);
    }

    /** The {@code p}-quantile ({@code 0 <= p <= 1}) of ascending {@code sorted}, interpolated linearly. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0 || !(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("percentile: need values and 0 <= p <= 1, got " + sorted.length
                    + " values and p = " + p);
        }
        double rank = p * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
