package dev.gargoyle.parity;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compares a backend's float32 result with the float64 reference: element {@code i} passes when
 * {@code |actual - expected| <= abs + rel·|expected|}, or when both are the same infinity or both
 * NaN (where PyTorch gives NaN, so must we). A failure names the op and the case, lists
 * the first differing elements and the largest difference.
 */
final class Close {
    /**
     * Forward outputs: float32 carries 24 bits (6e-8 relative); a forward sums at most a few hundred
     * products (conv: C/g·R·S = 200), so rounding stays near 1e-6 of the partial sums; 1e-4 relative
     * leaves room for a different summation order (blocked, Winograd-free oneDNN/cuDNN kernels) and
     * 1e-5 absolute covers outputs that cancel to near zero.
     */
    static final Tolerance OUTPUT = new Tolerance(1e-4, 1e-5);
    /**
     * Gradients: weight gradients sum over N·P·Q (up to ~550 products here) and batch-norm's dx
     * subtracts two batch means of similar size, so the cancellation error is ~10x a forward's;
     * 1e-3 relative and 1e-4 absolute.
     */
    static final Tolerance GRADIENT = new Tolerance(1e-3, 1e-4);
    /**
     * The same computation run twice (accumulation, overwrite): equal up to summation order, which
     * atomics in GPU kernels may change; a wrong rule is off by a whole term (a factor 2).
     */
    static final Tolerance TIGHT = new Tolerance(1e-5, 1e-5);
    /** Copies and selections (fill, copy, ReLU): no arithmetic, so no rounding. */
    static final Tolerance EXACT = new Tolerance(0, 0);

    private static final int SHOWN = 5;

    private Close() {
    }

    /** Relative and absolute tolerance of one comparison. */
    record Tolerance(double rel, double abs) {
        boolean accepts(double expected, double actual) {
            return expected == actual || Double.isNaN(expected) && Double.isNaN(actual)
                    || Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
        }
    }

    static void assertClose(String op, String testCase, double[] expected, double[] actual, Tolerance tol) {
        if (expected.length != actual.length) {
            fail(op + " [" + testCase + "]: expected " + expected.length + " values, got " + actual.length);
        }
        StringBuilder shown = new StringBuilder();
        int bad = 0;
        int worst = -1;
        double worstDiff = -1;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]);
            boolean ok = tol.accepts(expected[i], actual[i]);
            if (!ok) {
                if (bad++ < SHOWN) {
                    shown.append(String.format("%n  [%d] expected %.8g, actual %.8g", i, expected[i], actual[i]));
                }
                if (Double.isNaN(diff) || diff > worstDiff) {
                    worstDiff = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
                    worst = i;
                }
            }
        }
        if (bad > 0) {
            fail(String.format("%s [%s]: %d of %d values differ beyond rel %.1g / abs %.1g; first:%s%n"
                            + "  largest difference %.4g at [%d] (expected %.8g, actual %.8g)",
                    op, testCase, bad, expected.length, tol.rel(), tol.abs(), shown, worstDiff, worst,
                    expected[worst], actual[worst]));
        }
    }

    static void assertClose(String op, String testCase, double expected, double actual, Tolerance tol) {
        assertClose(op, testCase, new double[] {expected}, new double[] {actual}, tol);
    }
}
