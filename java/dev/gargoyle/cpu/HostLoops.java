package dev.gargoyle.cpu;

import dev.gargoyle.tensor.DropoutRandom;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * The ops oneDNN has no primitive for, as plain loops over direct buffers (absolute get/put,
 * which the JIT compiles to plain loads and stores). Each works on a range so that
 * {@link Parallel} can split it.
 */
final class HostLoops {
    private HostLoops() {
    }

    static void fill(FloatBuffer t, float value, int from, int to) {
        for (int i = from; i < to; i++) {
            t.put(i, value);
        }
    }

    static void scale(FloatBuffer t, float alpha, int from, int to) {
        for (int i = from; i < to; i++) {
            t.put(i, t.get(i) * alpha);
        }
    }

    static void axpy(float alpha, FloatBuffer x, FloatBuffer y, int from, int to) {
        for (int i = from; i < to; i++) {
            y.put(i, y.get(i) + alpha * x.get(i));
        }
    }

    static void add(FloatBuffer a, FloatBuffer b, FloatBuffer out, int from, int to) {
        for (int i = from; i < to; i++) {
            out.put(i, a.get(i) + b.get(i));
        }
    }

    /** Four partial sums, so the adds do not wait on each other. */
    static double sumOfSquares(FloatBuffer t, int from, int to) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            double a = t.get(i);
            double b = t.get(i + 1);
            double c = t.get(i + 2);
            double d = t.get(i + 3);
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < to; i++) {
            double a = t.get(i);
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Inverted dropout; element {@code i} keeps with {@code u(seed, i) >= p}. */
    static void dropoutForward(FloatBuffer x, float p, long seed, FloatBuffer mask, FloatBuffer y, int from, int to) {
        float keep = p < 1f ? 1f / (1f - p) : 0f;
        for (int i = from; i < to; i++) {
            float m = DropoutRandom.uniform(seed, i) >= p ? keep : 0f;
            mask.put(i, m);
            y.put(i, x.get(i) * m);
        }
    }

    static void multiply(FloatBuffer a, FloatBuffer b, FloatBuffer out, int from, int to) {
        for (int i = from; i < to; i++) {
            out.put(i, a.get(i) * b.get(i));
        }
    }

    /**
     * Mean softmax cross-entropy over the rows of {@code logits [n, k]} (log-sum-exp in double
     * after subtracting the row maximum) and, when {@code dlogits} is not null, its gradient times
     * {@code gradScale}.
     */
    static double softmaxCrossEntropy(FloatBuffer logits, int n, int k, int[] labels, float gradScale,
                                      FloatBuffer dlogits) {
        double total = 0;
        double gradPerRow = (double) gradScale / n;
        for (int r = 0; r < n; r++) {
            int base = r * k;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits.get(base + j));
            }
            double z = 0;
            for (int j = 0; j < k; j++) {
                z += Math.exp(logits.get(base + j) - max);
            }
            double logZ = Math.log(z) + max;
            total += logZ - logits.get(base + labels[r]);
            if (dlogits != null) {
                for (int j = 0; j < k; j++) {
                    double softmax = Math.exp(logits.get(base + j) - logZ);
                    double target = j == labels[r] ? 1.0 : 0.0;
                    dlogits.put(base + j, (float) (gradPerRow * (softmax - target)));
                }
            }
        }
        return total / n;
    }

    /** uint8 HWC pixels of {@code n} images to normalised float NCHW. */
    static void imagesToTensor(ByteBuffer pixels, int n, int height, int width, float[] mean, float[] std,
                               FloatBuffer dst) {
        int plane = height * width;
        for (int img = 0; img < n; img++) {
            int src = img * plane * 3;
            int out = img * plane * 3;
            for (int c = 0; c < 3; c++) {
                float m = mean[c];
                float s = std[c];
                int to = out + c * plane;
                for (int i = 0; i < plane; i++) {
                    float v = (pixels.get(src + 3 * i + c) & 0xFF) / 255f;
                    dst.put(to + i, (v - m) / s);
                }
            }
        }
    }
}
