package dev.gargoyle.cpu;

import java.nio.FloatBuffer;

/**
 * One pass of an optimizer over a range of the flat parameter buffer, with the arithmetic of
 * PyTorch's single-tensor {@code torch.optim.SGD} and {@code Adam}/{@code AdamW}, through
 * {@link Chunks} so that the JIT vectorises the update; with {@code zeroGrad} the same pass zeroes
 * the gradient while its cache lines are still loaded (a separate pass writes 4 bytes a parameter again).
 */
final class Optimizers {
    private Optimizers() {
    }

    static void sgd(FloatBuffer param, FloatBuffer grad, FloatBuffer velocity, float lr, float momentum,
                    float weightDecay, boolean nesterov, boolean zeroGrad, int from, int to, Chunks k) {
        float[] p = k.a;
        float[] g = k.b;
        float[] v = k.c;
        for (int at = from; at < to; at += Chunks.LENGTH) {
            int len = Math.min(Chunks.LENGTH, to - at);
            param.get(at, p, 0, len);
            grad.get(at, g, 0, len);
            if (zeroGrad) {
                grad.put(at, k.zeros, 0, len);
            }
            for (int i = 0; i < len; i++) {
                g[i] += weightDecay * p[i];
            }
            if (momentum != 0f) {
                velocity.get(at, v, 0, len);
                for (int i = 0; i < len; i++) {
                    v[i] = momentum * v[i] + g[i];
                    g[i] = nesterov ? g[i] + momentum * v[i] : v[i];
                }
                velocity.put(at, v, 0, len);
            }
            for (int i = 0; i < len; i++) {
                p[i] -= lr * g[i];
            }
            param.put(at, p, 0, len);
        }
    }

    /** {@code stepSize = lr / (1 - β1^t)} and {@code sqrt(1 - β2^t)} are per step, from the caller. */
    static void adam(FloatBuffer param, FloatBuffer grad, FloatBuffer mean, FloatBuffer variance, float lr,
                     float beta1, float beta2, float eps, float weightDecay, boolean decoupled, float stepSize,
                     float biasCorrection2Sqrt, boolean zeroGrad, int from, int to, Chunks k) {
        float decay = decoupled ? 1f - lr * weightDecay : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        float oneMinusBeta1 = 1f - beta1;
        float oneMinusBeta2 = 1f - beta2;
        float[] p = k.a;
        float[] g = k.b;
        float[] m = k.c;
        float[] v = k.d;
        for (int at = from; at < to; at += Chunks.LENGTH) {
            int len = Math.min(Chunks.LENGTH, to - at);
            param.get(at, p, 0, len);
            grad.get(at, g, 0, len);
            if (zeroGrad) {
                grad.put(at, k.zeros, 0, len);
            }
            mean.get(at, m, 0, len);
            variance.get(at, v, 0, len);
            for (int i = 0; i < len; i++) {
                float pi = p[i] * decay;
                float gi = g[i] + l2 * pi;
                float mi = m[i] + oneMinusBeta1 * (gi - m[i]);
                float vi = beta2 * v[i] + oneMinusBeta2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                float denom = (float) Math.sqrt(vi) / biasCorrection2Sqrt + eps;
                p[i] = pi - stepSize * (mi / denom);
            }
            param.put(at, p, 0, len);
            mean.put(at, m, 0, len);
            variance.put(at, v, 0, len);
        }
    }
}
