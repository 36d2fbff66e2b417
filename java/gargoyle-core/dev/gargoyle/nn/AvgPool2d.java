package dev.gargoyle.nn;

import dev.gargoyle.tensor.Pool2dSpec;

/** 2-D average pooling as PyTorch's {@code nn.AvgPool2d}, counting padded cells unless told otherwise. */
public final class AvgPool2d extends Pool2d {
    public AvgPool2d(int kernel, int stride) {
        this(kernel, stride, 0, true);
    }

    public AvgPool2d(int kernel, int stride, int padding, boolean countIncludePad) {
        super(countIncludePad ? Pool2dSpec.avg(kernel, stride, padding)
                : Pool2dSpec.avg(kernel, stride, padding).excludingPadding());
    }
}
