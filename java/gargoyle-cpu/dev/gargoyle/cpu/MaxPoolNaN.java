package dev.gargoyle.cpu;

import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import java.nio.FloatBuffer;

/**
 * PyTorch's rule for NaN in max pooling, which oneDNN's kernels do not follow (they compare and keep
 * the number): a window holding a NaN gives NaN, and its gradient goes to its last NaN, as PyTorch
 * scans. oneDNN still does the pooling; these loops on plain NCHW run only after a cheap scan has
 * found a NaN, so a run without one pays one read of the tensor.
 */
final class MaxPoolNaN {
    private MaxPoolNaN() {
    }

    /** Sets {@code y} to NaN for every window of {@code x} that holds a NaN. */
    static void forward(FloatBuffer x, Shape xs, Pool2dSpec spec, FloatBuffer y) {
        eachWindow(xs, spec, (yi, from, h0, h1, w0, w1) -> {
            if (Float.isNaN(x.get(winner(x, xs.dim(3), from, h0, h1, w0, w1)))) {
                y.put(yi, Float.NaN);
            }
        });
    }

    /** {@code dx}, overwritten: each window's {@code dy} to its last NaN, else to its first maximum. */
    static void backward(FloatBuffer x, Shape xs, Pool2dSpec spec, FloatBuffer dy, FloatBuffer dx) {
        for (int i = 0; i < xs.numel(); i++) {
            dx.put(i, 0f);
        }
        eachWindow(xs, spec, (yi, from, h0, h1, w0, w1) -> {
            int at = winner(x, xs.dim(3), from, h0, h1, w0, w1);
            dx.put(at, dx.get(at) + dy.get(yi));
        });
    }

    private static int winner(FloatBuffer x, int width, int from, int h0, int h1, int w0, int w1) {
        int best = from + h0 * width + w0;
        float max = x.get(best);
        for (int h = h0; h < h1; h++) {
            for (int w = w0; w < w1; w++) {
                int i = from + h * width + w;
                float v = x.get(i);
                if (v > max || Float.isNaN(v)) {
                    best = i;
                    max = v;
                }
            }
        }
        return best;
    }

    /** One output cell: its flat index, the start of its input plane, and its window clipped to x. */
    private interface Window {
        void at(int yi, int from, int h0, int h1, int w0, int w1);
    }

    private static void eachWindow(Shape xs, Pool2dSpec s, Window window) {
        Shape ys = s.outputShape("pool2dForward", xs);
        int h = xs.dim(2), w = xs.dim(3), p = ys.dim(2), q = ys.dim(3);
        for (int plane = 0; plane < xs.dim(0) * xs.dim(1); plane++) {
            for (int ip = 0; ip < p; ip++) {
                int h0 = ip * s.strideH() - s.padH();
                int h1 = Math.min(h0 + s.kernelH(), h);
                for (int iq = 0; iq < q; iq++) {
                    int w0 = iq * s.strideW() - s.padW();
                    int w1 = Math.min(w0 + s.kernelW(), w);
                    window.at((plane * p + ip) * q + iq, plane * h * w, Math.max(h0, 0), h1, Math.max(w0, 0), w1);
                }
            }
        }
    }
}
