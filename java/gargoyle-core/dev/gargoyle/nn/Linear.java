package dev.gargoyle.nn;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;

/** A fully connected layer as PyTorch's {@code nn.Linear}: {@code y = x·Wᵀ + b}, W of shape {@code [out, in]}. */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final Activation output = new Activation();
    private final Activation gradInput = new Activation();
    private Tensor input;

    public Linear(int inFeatures, int outFeatures) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear: features must be >= 1, got in=" + inFeatures
                    + " out=" + outFeatures);
        }
        this.weight = parameter("weight", Shape.of(outFeatures, inFeatures), Init.uniformFanIn(inFeatures));
        this.bias = parameter("bias", Shape.of(outFeatures), Init.uniformFanIn(inFeatures));
    }

    public int inFeatures() {
        return weight.shape().dim(1);
    }

    public int outFeatures() {
        return weight.shape().dim(0);
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 2 || in.dim(1) != inFeatures()) {
            throw new IllegalArgumentException("Linear: input has shape " + in + ", expected [N, " + inFeatures() + "]");
        }
        return Shape.of(in.dim(0), outFeatures());
    }

    @Override
    protected Tensor forwardImpl(Tensor x) {
        Backend b = backend();
        Tensor y = output.get(b, outputShape(x.shape()));
        b.linearForward(x, weight.value(), bias.value(), y);
        input = x;
        return y;
    }

    @Override
    protected Tensor backwardImpl(Tensor dy, boolean needInputGrad) {
        Backend b = backend();
        if (!weight.isFrozen()) {
            b.linearBackwardWeights(input, dy, weight.grad(), bias.grad());
        }
        if (!needInputGrad) {
            return null;
        }
        Tensor dx = gradInput.get(b, input.shape());
        b.linearBackwardData(dy, weight.value(), dx);
        return dx;
    }

    @Override
    public void close() {
        output.close();
        gradInput.close();
    }

    @Override
    public String toString() {
        return "Linear(" + inFeatures() + ", " + outFeatures() + ")";
    }
}
