package dev.gargoyle.nn;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;

/**
 * {@code max(x, 0)}, as PyTorch's {@code nn.ReLU}; backward uses the saved output. Right after a
 * {@link BatchNorm2d} in a {@link Sequential} it is usually done already, inside the batch-norm's op,
 * and then only passes its input on (hooks still see its output and output gradient).
 */
public final class ReLU extends Module {
    private final Activation output = new Activation();
    private final Activation gradInput = new Activation();
    private Tensor saved;
    private BatchNorm2d pending;
    private BatchNorm2d fusedInto;

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    /** The forward of {@code x}, which {@code bn} made with this ReLU applied. */
    Tensor forwardAfterFused(BatchNorm2d bn, Tensor x) {
        pending = bn;
        try {
            return forward(x);
        } finally {
            pending = null;
        }
    }

    @Override
    protected Tensor forwardImpl(Tensor x) {
        fusedInto = pending;
        if (fusedInto != null) {
            saved = x;
            return x;
        }
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
        // The batch-norm masks dy inside its own backward, unless a hook of its must see the masked one.
        if (fusedInto != null && fusedInto.takesUnmaskedGradient()) {
            return dy;
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
