package dev.gargoyle.reference;

import dev.gargoyle.tensor.DropoutRandom;

/**
 * Float64 reference of ReLU and of inverted dropout with {@link DropoutRandom}'s mask. ReLU follows
 * PyTorch on non-finite values: NaN stays NaN forward and passes its gradient backward.
 */
public final class ActivationRef {
    private ActivationRef() {
    }

    public static double[] reluForward(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(x[i], 0);
        }
        return y;
    }

    /** {@code dx = y <= 0 ? 0 : dy}, from the forward's output (PyTorch's threshold_backward). */
    public static double[] reluBackward(double[] y, double[] dy) {
        double[] dx = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            dx[i] = y[i] <= 0 ? 0 : dy[i];
        }
        return dx;
    }

    /** {@code mask[i] = u(seed, i) >= p ? 1/(1-p) : 0}, the comparison made in float as on every backend. */
    public static double[] dropoutMask(int n, float p, long seed) {
        double[] mask = new double[n];
        for (int i = 0; i < n; i++) {
            mask[i] = DropoutRandom.uniform(seed, i) >= p ? 1 / (1 - (double) p) : 0;
        }
        return mask;
    }

    /** {@code y = x · mask}. */
    public static double[] dropoutForward(double[] x, double[] mask) {
        return times(x, mask);
    }

    /** {@code dx = dy · mask}. */
    public static double[] dropoutBackward(double[] dy, double[] mask) {
        return times(dy, mask);
    }

    private static double[] times(double[] a, double[] mask) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * mask[i];
        }
        return out;
    }
}
