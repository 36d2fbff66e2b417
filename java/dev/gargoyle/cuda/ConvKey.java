package dev.gargoyle.cuda;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;

/**
 * What makes a convolution distinct for cuDNN: input and weight shapes, the geometry and the math
 * type. Algorithms and descriptors are cached under it, like {@code torch.backends.cudnn.benchmark}.
 */
record ConvKey(Shape x, Shape w, Conv2dSpec spec, int mathType) {

    Shape y() {
        return spec.outputShape("conv2d", x, w);
    }

    @Override
    public String toString() {
        return "x " + x + ", w " + w + ", stride " + spec.strideH() + "x" + spec.strideW() + ", padding "
                + spec.padH() + "x" + spec.padW() + ", dilation " + spec.dilationH() + "x" + spec.dilationW()
                + ", groups " + spec.groups() + ", math " + ConvAlgorithm.mathTypeName(mathType);
    }
}
