package dev.gargoyle.nn;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;

/**
 * Inverted dropout as PyTorch's {@code nn.Dropout}: in training, zeroes each element with
 * probability p and scales the rest by 1/(1-p); in evaluation, the identity. The mask comes from
 * the seed {@link Model#setStepSeed} gives each step, so a resumed run draws the same masks.
 */
public final class Dropout extends Module {
    private final float p;
    private final Activation output = new Activation();
    private final Activation mask = new Activation();
    private final Activation gradInput = new Activation();
    private long seed;
    private boolean masked;

    public Dropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = (float) p;
    }

    public float p() {
        return p;
    }

    void reseed(long newSeed) {
        this.seed = newSeed;
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    protected Tensor forwardImpl(Tensor x) {
        masked = isTraining() && p > 0;
        if (!masked) {
            return x;
        }
        Backend b = backend();
        Tensor y = output.get(b, x.shape());
        b.dropoutForward(x, p, seed, mask.get(b, x.shape()), y);
        return y;
    }

    @Override
    protected Tensor backwardImpl(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) {
            return null;
        }
        if (!masked) {
            return dy;
        }
        Backend b = backend();
        Tensor dx = gradInput.get(b, dy.shape());
        b.dropoutBackward(dy, mask.get(b, dy.shape()), dx);
        return dx;
    }

    @Override
    public void close() {
        output.close();
        mask.close();
        gradInput.close();
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}
