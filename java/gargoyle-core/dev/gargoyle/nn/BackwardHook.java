package dev.gargoyle.nn;

import dev.gargoyle.tensor.Tensor;
import java.util.function.Consumer;

/** Sees the gradient of the loss with respect to a module's output, before the module's backward. */
@FunctionalInterface
public interface BackwardHook {
    void onBackward(Module module, Tensor gradOutput);

    /**
     * Whether this hook reads {@code gradOutput}. One that does not (it only marks when a module's
     * backward begins) leaves a batch-norm free to run the ReLU after it inside its own op.
     */
    default boolean readsGradient() {
        return true;
    }

    /** A hook told only which module's backward begins; it never reads the gradient. */
    static BackwardHook onStart(Consumer<Module> starts) {
        return new BackwardHook() {
            @Override
            public void onBackward(Module module, Tensor gradOutput) {
                starts.accept(module);
            }

            @Override
            public boolean readsGradient() {
                return false;
            }
        };
    }
}
