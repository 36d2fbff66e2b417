package dev.gargoyle.nn;

import dev.gargoyle.tensor.Tensor;

/** Sees the gradient of the loss with respect to a module's output, before the module's backward. */
@FunctionalInterface
public interface BackwardHook {
    void onBackward(Module module, Tensor gradOutput);
}
