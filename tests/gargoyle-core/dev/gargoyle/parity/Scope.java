package dev.gargoyle.parity;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Random;

/**
 * The tensors of one test case: made on the backend from float64 values, all closed together.
 * Public for the backend packages' own tests, which build their cases the same way.
 */
public final class Scope implements AutoCloseable {
    private final Backend backend;
    private final Deque<Tensor> tensors = new ArrayDeque<>();

    public Scope(Backend backend) {
        this.backend = backend;
    }

    /** A tensor holding {@code values} rounded to float32. */
    public Tensor tensor(Shape shape, double[] values) {
        Tensor t = zeros(shape);
        t.copyFrom(floats(values));
        return t;
    }

    public Tensor zeros(Shape shape) {
        Tensor t = backend.allocate(shape);
        tensors.push(t);
        return t;
    }

    /** A tensor full of NaN, so that an op which reads what it should overwrite shows. */
    public Tensor garbage(Shape shape) {
        float[] nan = new float[Math.toIntExact(shape.numel())];
        Arrays.fill(nan, Float.NaN);
        Tensor t = zeros(shape);
        t.copyFrom(nan);
        return t;
    }

    public static double[] read(Tensor t) {
        return doubles(t.toArray());
    }

    static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Uniform values in [-1, 1) that are exact in float32, so both sides start from the same numbers. */
    public static double[] uniform(Random rng, long n) {
        double[] a = new double[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return a;
    }

    /** {@code a} with about one value in six replaced by NaN, +Inf or -Inf (a third each). */
    static double[] withNonFinite(Random rng, double[] a) {
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < a.length; i++) {
            if (rng.nextInt(6) == 0) {
                a[i] = special[rng.nextInt(3)];
            }
        }
        return a;
    }

    static float[] floats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    public static double[] plus(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    @Override
    public void close() {
        while (!tensors.isEmpty()) {
            tensors.pop().close();
        }
    }
}
