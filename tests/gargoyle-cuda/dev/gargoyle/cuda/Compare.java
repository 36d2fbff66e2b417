package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.fail;

/** Comparisons of GPU tests' float32 results with expected values. */
final class Compare {
    private Compare() {
    }

    /** Element {@code i} passes when {@code |actual - expected| <= abs + rel·|expected|}. */
    static void assertClose(String what, double[] expected, double[] actual, double rel, double abs) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            if (!(diff <= abs + rel * Math.abs(expected[i]))) {
                fail(String.format("%s: at [%d] expected %.8g, got %.8g (rel %.1g, abs %.1g)", what, i, expected[i],
                        actual[i], rel, abs));
            }
        }
    }

    /**
     * Two float32 computations of the same sums in different orders: the largest difference must
     * stay below {@code tol} times the largest magnitude, which a wrong layout or operand misses by far.
     */
    static void assertNormClose(String what, double[] expected, double[] actual, double tol) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        double scale = 0;
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            double diff = Math.abs(actual[i] - expected[i]);
            if (!(diff <= worst)) {
                worst = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
                at = i;
            }
        }
        if (worst > tol * scale) {
            fail(String.format("%s: largest difference %.4g at [%d] (expected %.8g, got %.8g) exceeds %.1g of the "
                    + "largest magnitude %.4g", what, worst, at, expected[at], actual[at], tol, scale));
        }
    }
}
