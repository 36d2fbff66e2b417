package dev.gargoyle.cpu;

import dev.gargoyle.tensor.DropoutRandom;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;

/**
 * The ops oneDNN has no primitive for, as plain Java loops. The long elementwise ones work on a
 * range, through {@link Chunks}, so that {@link Parallel} can split them; the short ones read the
 * direct buffers with absolute get/put.
 */
final class HostLoops {
    private HostLoops() {
    }

    static void fill(FloatBuffer t, float value, int from, int to, Chunks k) {
        Arrays.fill(k.a, value);
        for (int at = from; at < to; at += Chunks.LENGTH) {
            t.put(at, k.a, 0, Math.min(Chunks.LENGTH, to - at));
        }
    }

    static void scale(FloatBuffer t, float alpha, int from, int to, Chunks k) {
        float[] x = k.a;
        for (int at = from; at < to; at += Chunks.LENGTH) {
            int len = Math.min(Chunks.LENGTH, to - at);
            t.get(at, x, 0, len);
            for (int i = 0; i < len; i++) {
                x[i] *= alpha;
            }
            t.put(at, x, 0, len);
        }
    }

    static void axpy(float alpha, FloatBuffer xb, FloatBuffer yb, int from, int to, Chunks k) {
        float[] x = k.a;
        float[] y = k.b;
        for (int at = from; at < to; at += Chunks.LENGTH) {
            int len = Math.min(Chunks.LENGTH, to - at);
            xb.get(at, x, 0, len);
            yb.get(at, y, 0, len);
            for (int i = 0; i < len; i++) {
                y[i] += alpha * x[i];
            }
            yb.put(at, y, 0, len);
        }
    }

    static void add(FloatBuffer ab, FloatBuffer bb, FloatBuffer out, int from, int to, Chunks k) {
        float[] a = k.a;
        float[] b = k.b;
        for (int at = from; at < to; at += Chunks.LENGTH) {
            int len = Math.min(Chunks.LENGTH, to - at);
            ab.get(at, a, 0, len);
            bb.get(at, b, 0, len);
            for (int i = 0; i < len; i++) {
                a[i] += b[i];
            }
            out.put(at, a, 0, len);
        }
    }

    static void multiply(FloatBuffer ab, FloatBuffer bb, FloatBuffer out, int from, int to, Chunks k) {
        float[] a = k.a;
        float[] b = k.b;
        for (int at = from; at < to; at += Chunks.LENGTH) {
            int len = Math.min(Chunks.LENGTH, to - at);
            ab.get(at, a, 0, len);
            bb.get(at, b, 0, len);
            for (int i = 0; i < len; i++) {
                a[i] *= b[i];
            }
            out.put(at, a, 0, len);
        }
    }

    /**
     * {@code y = max(x, 0)} with Java's {@code Math.max}, which keeps NaN as PyTorch's ReLU does;
     * oneDNN's ReLU (a {@code vmaxps} against zero) turns NaN into 0 and would hide a diverged model.
     */
    static void reluForward(FloatBuffer xb, FloatBuffer yb, int from, int to, Chunks k) {
        float[] x = k.a;
        for (int at = from; at < to; at += Chunks.LENGTH) {
            int len = Math.min(Chunks.LENGTH, to - at);
            xb.get(at, x, 0, len);
            for (int i = 0; i < len; i++) {
                x[i] = Math.max(x[i], 0f);
            }
            yb.put(at, x, 0, len);
        }
    }

    /**
     * {@code dx = y <= 0 ? 0 : dy}, PyTorch's threshold_backward: a NaN y passes its gradient. On the
     * raw bits, without a branch: the mask keeps dy where y is NaN or above zero.
     */
    static void reluBackward(IntBuffer yb, IntBuffer dyb, IntBuffer dxb, int from, int to, Chunks k) {
        int[] y = k.bitsA;
        int[] dy = k.bitsB;
        for (int at = from; at < to; at += Chunks.LENGTH) {
            int len = Math.min(Chunks.LENGTH, to - at);
            yb.get(at, y, 0, len);
            dyb.get(at, dy, 0, len);
            for (int i = 0; i < len; i++) {
                int v = y[i];
                int nan = 0x7f800000 - (v & 0x7fffffff);   // negative for NaN of either sign
                int positive = ~v & -v;                     // negative for v > 0 (not for -0.0)
                dy[i] &= (nan | positive) >> 31;
            }
            dxb.put(at, dy, 0, len);
        }
    }

    /** Magnitude bits above which a float is NaN, and at or above which it is not finite. */
    static final int NAN_ABOVE = 0x7f800000;
    static final int NOT_FINITE_ABOVE = 0x7f7fffff;

    /** A bfloat16's 16 bits are a float's upper ones: the same limits for its magnitude's 15 bits. */
    private static int bf16Limit(int limit) {
        return limit >>> 16;
    }

    /**
     * 1 when any element's magnitude bits exceed {@code limit} ({@link #NAN_ABOVE}: any NaN), else
     * 0: an OR over the raw bits the JIT vectorises, with no branch. With {@code bf16Pairs} each int
     * holds two bfloat16 values, checked against {@link #bf16Limit}.
     */
    static double anyAbove(int limit, boolean bf16Pairs, IntBuffer t, int from, int to, Chunks k) {
        int[] x = k.bitsA;
        int limit16 = bf16Limit(limit);
        int any = 0;
        for (int at = from; at < to; at += Chunks.LENGTH) {
            int len = Math.min(Chunks.LENGTH, to - at);
            t.get(at, x, 0, len);
            if (bf16Pairs) {
                for (int i = 0; i < len; i++) {
                    any |= (limit16 - (x[i] & 0x7fff)) | (limit16 - ((x[i] >>> 16) & 0x7fff));
                }
            } else {
                for (int i = 0; i < len; i++) {
                    any |= limit - (x[i] & 0x7fffffff);
                }
            }
        }
        return any < 0 ? 1 : 0;
    }

    /** Four partial sums in double, so the adds do not wait on each other. */
    static double sumOfSquares(FloatBuffer t, int from, int to, Chunks k) {
        float[] x = k.a;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int at = from; at < to; at += Chunks.LENGTH) {
            int len = Math.min(Chunks.LENGTH, to - at);
            t.get(at, x, 0, len);
            int i = 0;
            for (; i + 3 < len; i += 4) {
                double a = x[i];
                double b = x[i + 1];
                double c = x[i + 2];
                double d = x[i + 3];
                s0 += a * a;
                s1 += b * b;
                s2 += c * c;
                s3 += d * d;
            }
            for (; i < len; i++) {
                double a = x[i];
                s0 += a * a;
            }
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

    /**
     * Softmax cross-entropy over the rows of {@code logits [n, k]} (log-sum-exp in double after
     * subtracting the row maximum): the mean, or with class weights the weight-normalised mean, and,
     * when {@code dlogits} is not null, its gradient times {@code gradScale}; see {@code BackendOps}.
     */
    static double softmaxCrossEntropy(FloatBuffer logits, int n, int k, int[] labels, float[] classWeights,
                                      double totalWeight, float gradScale, FloatBuffer dlogits) {
        double total = 0;
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
            double weight = classWeights == null ? 1.0 : classWeights[labels[r]];
            total += weight * (logZ - logits.get(base + labels[r]));
            if (dlogits != null) {
                double gradPerRow = gradScale * weight / totalWeight;
                for (int j = 0; j < k; j++) {
                    double softmax = Math.exp(logits.get(base + j) - logZ);
                    double target = j == labels[r] ? 1.0 : 0.0;
                    dlogits.put(base + j, (float) (gradPerRow * (softmax - target)));
                }
            }
        }
        return total / totalWeight;
    }

    /** uint8 HWC pixels of {@code n} images to normalised float NCHW, through a table of the 256 values per channel. */
    static void imagesToTensor(ByteBuffer pixels, int n, int height, int width, float[] mean, float[] std,
                               FloatBuffer dst) {
        float[][] table = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                table[c][v] = (v / 255f - mean[c]) / std[c];
            }
        }
        int plane = height * width;
        for (int img = 0; img < n; img++) {
            int base = img * plane * 3;
            for (int c = 0; c < 3; c++) {
                float[] t = table[c];
                int to = base + c * plane;
                for (int i = 0, from = base + c; i < plane; i++, from += 3) {
                    dst.put(to + i, t[pixels.get(from) & 0xFF]);
                }
            }
        }
    }
}
