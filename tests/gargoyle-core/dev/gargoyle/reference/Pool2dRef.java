package dev.gargoyle.reference;

import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;

/**
 * Float64 reference of PyTorch's {@code MaxPool2d} and {@code AvgPool2d} (floor mode). Max pooling
 * ignores padded cells and gives a tie to the first maximum, scanning rows then columns, except
 * that a NaN wins its window (the last NaN, as PyTorch's kernels scan); average
 * pooling divides by the window clipped to the padded input ({@code count_include_pad=True}) or by
 * the real cells only.
 */
public final class Pool2dRef {
    private Pool2dRef() {
    }

    /** {@code y [N,C,P,Q] = pool(x [N,C,H,W])}. */
    public static double[] forward(double[] x, Shape xs, Pool2dSpec s) {
        Shape ys = s.outputShape("pool2dRef", xs);
        double[] y = new double[(int) ys.numel()];
        eachWindow(xs, s, (yi, base, h0, h1, w0, w1, divisor) -> {
            if (s.kind() == Pool2dSpec.Kind.MAX) {
                y[yi] = x[argmax(x, base, xs.dim(3), h0, h1, w0, w1)];
            } else {
                double sum = 0;
                for (int h = h0; h < h1; h++) {
                    for (int w = w0; w < w1; w++) {
                        sum += x[base + h * xs.dim(3) + w];
                    }
                }
                y[yi] = sum / divisor;
            }
        });
        return y;
    }

    /** {@code dx [N,C,H,W]}: the gradient of {@code sum(y * dy)} with respect to x. */
    public static double[] backward(double[] x, Shape xs, Pool2dSpec s, double[] dy) {
        double[] dx = new double[x.length];
        eachWindow(xs, s, (yi, base, h0, h1, w0, w1, divisor) -> {
            if (s.kind() == Pool2dSpec.Kind.MAX) {
                dx[argmax(x, base, xs.dim(3), h0, h1, w0, w1)] += dy[yi];
            } else {
                for (int h = h0; h < h1; h++) {
                    for (int w = w0; w < w1; w++) {
                        dx[base + h * xs.dim(3) + w] += dy[yi] / divisor;
                    }
                }
            }
        });
        return dx;
    }

    /** The flat index of the first largest cell of the window, or of its last NaN. */
    private static int argmax(double[] x, int base, int width, int h0, int h1, int w0, int w1) {
        int best = base + h0 * width + w0;
        for (int h = h0; h < h1; h++) {
            for (int w = w0; w < w1; w++) {
                int i = base + h * width + w;
                if (x[i] > x[best] || Double.isNaN(x[i])) {
                    best = i;
                }
            }
        }
        return best;
    }

    /** One output cell: its index, the start of its input plane, its window clipped to x, and its divisor. */
    private interface Window {
        void at(int yi, int base, int h0, int h1, int w0, int w1, int divisor);
    }

    private static void eachWindow(Shape xs, Pool2dSpec s, Window window) {
        Shape ys = s.outputShape("pool2dRef", xs);
        int h = xs.dim(2), w = xs.dim(3), p = ys.dim(2), q = ys.dim(3);
        for (int plane = 0; plane < xs.dim(0) * xs.dim(1); plane++) {
            for (int ip = 0; ip < p; ip++) {
                for (int iq = 0; iq < q; iq++) {
                    // As PyTorch's avg_pool2d: the window is first clipped to the padded input, then to x.
                    int h0 = ip * s.strideH() - s.padH(), h1 = Math.min(h0 + s.kernelH(), h + s.padH());
                    int w0 = iq * s.strideW() - s.padW(), w1 = Math.min(w0 + s.kernelW(), w + s.padW());
                    int padded = (h1 - h0) * (w1 - w0);
                    h0 = Math.max(h0, 0);
                    w0 = Math.max(w0, 0);
                    h1 = Math.min(h1, h);
                    w1 = Math.min(w1, w);
                    int divisor = s.countIncludePad() ? padded : (h1 - h0) * (w1 - w0);
                    window.at((plane * p + ip) * q + iq, plane * h * w, h0, h1, w0, w1, divisor);
                }
            }
        }
    }
}
