package dev.gargoyle.nn;

import dev.gargoyle.tensor.Tensor;

/** Sees a module's output after each forward pass (valid until the module's next forward). */
@FunctionalInterface
public interface ForwardHook {
    void onForward(Module module, Tensor output);
}
