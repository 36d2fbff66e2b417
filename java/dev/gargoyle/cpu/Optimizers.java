package dev.gargoyle.cpu;

import java.nio.FloatBuffer;

/**
 * One pass of an optimizer over a range of the flat parameter buffer, with the arithmetic of
 * PyTorch's single-tensor {@code torch.optim.SGD} and {@code Adam}/{@code AdamW}.
 */
final class Optimizers {
    private Optimizers() {
    }

    static void sgd(FloatBuffer param, FloatBuffer grad, FloatBuffer velocity, float lr, float momentum,
                    float weightDecay, boolean nesterov, int from, int to) {
        for (int i = from; i < to; i++) {
            float p = param.get(i);
            float g = grad.get(i) + weightDecay * p;
            if (momentum != 0f) {
                float v = momentum * velocity.get(i) + g;
                velocity.put(i, v);
                g = nesterov ? g + momentum * v : v;
            }
            param.put(i, p - lr * g);
        }
    }

    /** Bias corrections are per step, computed once by the caller. */
    static void adam(FloatBuffer param, FloatBuffer grad, FloatBuffer m, FloatBuffer v, float lr, float beta1,
                     float beta2, float eps, float weightDecay, boolean decoupled, float stepSize,
                     float biasCorrection2Sqrt, int from, int to) {
        float decay = decoupled ? 1f - lr * weightDecay : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        for (int i = from; i < to; i++) {
            float p = param.get(i) * decay;
            float g = grad.get(i) + l2 * p;
            float mi = m.get(i);
            mi += (1f - beta1) * (g - mi);
            float vi = beta2 * v.get(i) + (1f - beta2) * g * g;
            m.put(i, mi);
            v.put(i, vi);
            float denom = (float) Math.sqrt(vi) / biasCorrection2Sqrt + eps;
            param.put(i, p - stepSize * (mi / denom));
        }
    }
}
