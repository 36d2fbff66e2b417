package dev.gargoyle.nn;

import dev.gargoyle.tensor.Pool2dSpec;

/** 2-D max pooling as PyTorch's {@code nn.MaxPool2d} (floor mode). */
public final class MaxPool2d extends Pool2d {
    public MaxPool2d(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        super(Pool2dSpec.max(kernel, stride, padding));
    }
}
