package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.fail;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Random;

/** The tensors of one GPU test case, made from float64 values and closed together, and comparisons. */
final class TestTensors implements AutoCloseable {
    private final Backend backend;
    private final Deque<Tensor> tensors = new ArrayDeque<>();

    TestTensors(Backend backend) {
        this.backend = backend;
    }

    Tensor of(Shape shape, double[] values) {
        Tensor t = zeros(shape);
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        t.copyFrom(f);
        return t;
    }

    Tensor zeros(Shape shape) {
        Tensor t = backend.allocate(shape);
        tensors.push(t);
        return t;
    }

    /** Full of NaN, so an op that reads what it should overwrite shows. */
    Tensor nan(Shape shape) {
        double[] v = new double[Math.toIntExact(shape.numel())];
        Arrays.fill(v, Double.NaN);
        return of(shape, v);
    }

    static double[] read(Tensor t) {
        float[] f = t.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Uniform in [-1, 1), exact in float32. */
    static double[] uniform(Random rng, long n) {
        double[] a = new double[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return a;
    }

    static double[] plus(double[] a, double[] b) {
        double[] s = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
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

    @Override
    public void close() {
        while (!tensors.isEmpty()) {
            tensors.pop().close();
        }
    }
}
