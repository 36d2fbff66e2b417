package dev.gargoyle.nn;

import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;

/** {@code [N, C, H, W] -> [N, C·H·W]} as a view, as PyTorch's {@code nn.Flatten}. */
public final class Flatten extends Module {
    private Shape inputShape;

    @Override
    public Shape outputShape(Shape in) {
        return Shape.of(in.dim(0), Math.toIntExact(in.sampleSize()));
    }

    @Override
    protected Tensor forwardImpl(Tensor x) {
        inputShape = x.shape();
        return x.view(outputShape(inputShape));
    }

    @Override
    protected Tensor backwardImpl(Tensor dy, boolean needInputGrad) {
        return needInputGrad ? dy.view(inputShape) : null;
    }

    @Override
    public String toString() {
        return "Flatten()";
    }
}
