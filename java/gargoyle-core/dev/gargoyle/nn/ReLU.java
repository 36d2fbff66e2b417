package dev.gargoyle.nn;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;

/** {@code max(x, 0)}, as PyTorch's {@code nn.ReLU}; backward uses the saved output. */
public final class ReLU extends Module {
    private final Activation output = new Activation();
    private final Activation gradInput = new Activation();
    private Tensor saved;

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    protected Tensor forwardImpl(Tensor x) {
        Backend b = backend();
        Tensor y = output.get(b, x.shape());
        b.reluForward(x, y);
        saved = y;
        return y;
    }

    @Override
    protected Tensor backwardImpl(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) {
            return null;
        }
        Backend b = backend();
        Tensor dx = gradInput.get(b, dy.shape());
        b.reluBackward(saved, dy, dx);
        return dx;
    }

    @Override
    public void close() {
        output.close();
        gradInput.close();
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}
