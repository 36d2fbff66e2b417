package dev.gargoyle.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.function.ToDoubleFunction;

/** Central finite differences in float64, and the random inputs the gradient checks use. */
final class FiniteDifferences {
    static final double H = 1e-6;
    /**
     * Central differences err by about h² (1e-12, truncation) plus eps·|f|/h (2e-10·|f|, round-off);
     * with |f| below 100 that is far below 1e-6, while a wrong gradient term is off by O(1).
     */
    private static final double TOLERANCE = 1e-6;

    private FiniteDifferences() {
    }

    /** The numerical gradient of {@code f} at {@code x} (x is restored after each probe). */
    static double[] gradient(ToDoubleFunction<double[]> f, double[] x) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double saved = x[i];
            x[i] = saved + H;
            double plus = f.applyAsDouble(x);
            x[i] = saved - H;
            double minus = f.applyAsDouble(x);
            x[i] = saved;
            g[i] = (plus - minus) / (2 * H);
        }
        return g;
    }

    /** Asserts {@code analytic} equals the numerical gradient of {@code f} at {@code x}. */
    static void check(String what, ToDoubleFunction<double[]> f, double[] x, double[] analytic) {
        double[] numeric = gradient(f, x);
        assertEquals(numeric.length, analytic.length, what + ": gradient length");
        for (int i = 0; i < numeric.length; i++) {
            if (Math.abs(numeric[i] - analytic[i]) > TOLERANCE * (1 + Math.abs(numeric[i]))) {
                fail(what + ": at " + i + " analytic " + analytic[i] + " but finite differences give " + numeric[i]);
            }
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] uniform(Random rng, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = 2 * rng.nextDouble() - 1;
        }
        return a;
    }

    /** Distinct values at least 0.01 apart, shuffled, so no max or ReLU kink lies within h. */
    static double[] distinct(Random rng, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (i - n / 2.0) * 0.01 + 0.005;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
