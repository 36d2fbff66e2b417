package dev.gargoyle.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Float array comparisons for tests that train the same thing two ways. */
public final class Floats {
    private Floats() {
    }

    /**
     * Fails naming the worst element unless every {@code |expected - actual| / (1e-3 + |expected|)} is at
     * most {@code tol}: relative where values are large, absolute (1e-3 scale) near zero.
     */
    public static void assertClose(String what, float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]) / (1e-3 + Math.abs(expected[i]));
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= tol, what + ": largest relative difference " + worst + " at " + at + " (expected "
                + (at < 0 ? 0 : expected[at]) + ", got " + (at < 0 ? 0 : actual[at]) + ")");
    }
}
