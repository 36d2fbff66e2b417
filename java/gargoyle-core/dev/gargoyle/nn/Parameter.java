package dev.gargoyle.nn;

import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;

/**
 * A learnable tensor of a module and its gradient, both views into the model's flat parameter and
 * gradient buffers (bound by {@link Model}). The name is local to the module ({@code weight}, {@code bias}).
 */
public final class Parameter {
    private final String name;
    private final Shape shape;
    private final Init init;
    private Tensor value;
    private Tensor grad;
    private boolean frozen;

    Parameter(String name, Shape shape, Init init) {
        this.name = name;
        this.shape = shape;
        this.init = init;
    }

    public String name() {
        return name;
    }

    public Shape shape() {
        return shape;
    }

    Init init() {
        return init;
    }

    /** The values; throws until the module is part of a {@link Model}. */
    public Tensor value() {
        if (value == null) {
            throw new IllegalStateException("parameter '" + name + "' is not bound to a Model yet");
        }
        return value;
    }

    /** The gradient, accumulated (+=) by backward passes until {@link Model#zeroGrad()}. */
    public Tensor grad() {
        if (grad == null) {
            throw new IllegalStateException("parameter '" + name + "' is not bound to a Model yet");
        }
        return grad;
    }

    /**
     * A frozen parameter gets no gradient work (its layer skips the weight gradient; the gradient
     * stays as it was), no optimizer update and no optimizer state. A {@link BatchNorm2d} whose
     * parameters are frozen also normalises with its running statistics and stops updating them.
     */
    public boolean isFrozen() {
        return frozen;
    }

    void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    void bind(Tensor value, Tensor grad) {
        this.value = value;
        this.grad = grad;
    }
}
