package dev.gargoyle.viz;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Tensor;

/**
 * Adam on one input tensor instead of a model's parameters: the backend's own
 * {@link Backend#adamStep} (the kernel {@code optim.Adam} runs over parameter groups) with the two
 * moment buffers it needs. Kept here rather than generalising {@code optim.Optimizer}, whose job is a
 * model's flat parameter buffer; this is the only other thing that is optimised.
 */
final class InputAdam implements AutoCloseable {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final Tensor m;
    private final Tensor v;
    private final float lr;
    private final float weightDecay;
    private long step;

    /** {@code weightDecay} is torch.optim.Adam's: L2, added to the gradient. */
    InputAdam(Tensor input, double lr, double weightDecay) {
        this.m = input.backend().allocate(input.shape());
        this.v = input.backend().allocate(input.shape());
        this.lr = (float) lr;
        this.weightDecay = (float) weightDecay;
    }

    /** One descent step of {@code input} along {@code grad} (the gradient of the quantity to minimise). */
    void step(Tensor input, Tensor grad) {
        step++;
        input.backend().adamStep(input, grad, m, v, lr, BETA1, BETA2, EPS, weightDecay, false, step);
    }

    @Override
    public void close() {
        m.close();
        v.close();
    }
}
