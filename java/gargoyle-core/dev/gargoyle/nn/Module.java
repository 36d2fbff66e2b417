package dev.gargoyle.nn;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A layer or a container of layers: {@link #forward} and {@link #backward} side by side, the
 * context saved between them owned by the module and reused across steps.
 *
 * <p>Outputs and input gradients returned by a module are owned by it and stay valid until its next
 * forward (or backward). Backward overwrites the input gradient and accumulates (+=) into parameter
 * gradients, so micro-batch gradients add up until {@link Model#zeroGrad()}.
 */
public abstract class Module implements AutoCloseable {
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<ForwardHook> forwardHooks = new CopyOnWriteArrayList<>();
    private final List<BackwardHook> backwardHooks = new CopyOnWriteArrayList<>();
    private Backend backend;
    private boolean training = true;

    /** Runs the layer on {@code x} and returns its output; forward hooks see the output. */
    public final Tensor forward(Tensor x) {
        Tensor y = forwardImpl(x);
        for (ForwardHook h : forwardHooks) {
            h.onForward(this, y);
        }
        return y;
    }

    /**
     * Back-propagates {@code gradOutput} (the loss gradient of the last forward's output): adds
     * parameter gradients, and returns the gradient of the input when {@code needInputGrad}, else null.
     */
    public final Tensor backward(Tensor gradOutput, boolean needInputGrad) {
        for (BackwardHook h : backwardHooks) {
            h.onBackward(this, gradOutput);
        }
        return backwardImpl(gradOutput, needInputGrad);
    }

    protected abstract Tensor forwardImpl(Tensor x);

    protected abstract Tensor backwardImpl(Tensor gradOutput, boolean needInputGrad);

    /** The output shape for an input shape, without running anything; throws naming the layer on misfit. */
    public abstract Shape outputShape(Shape input);

    /** Registers a hook; returns a handle whose {@code close()} removes it. */
    public HookHandle addForwardHook(ForwardHook hook) {
        forwardHooks.add(hook);
        return () -> forwardHooks.remove(hook);
    }

    /** Registers a hook; returns a handle whose {@code close()} removes it. */
    public HookHandle addBackwardHook(BackwardHook hook) {
        backwardHooks.add(hook);
        return () -> backwardHooks.remove(hook);
    }

    /** Whether any hook would see this module's output or output gradient. */
    final boolean hasHooks() {
        if (!forwardHooks.isEmpty()) {
            return true;
        }
        for (BackwardHook h : backwardHooks) {
            if (h.readsGradient()) {
                return true;
            }
        }
        return false;
    }

    /** Direct children by local name (PyTorch's {@code named_children}); empty for leaf layers. */
    public Map<String, Module> children() {
        return Collections.emptyMap();
    }

    /** This module's own parameters, not its children's. */
    public List<Parameter> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    /** This module's own non-learnable state tensors by local name (e.g. batch-norm running statistics). */
    public Map<String, Tensor> buffers() {
        return new LinkedHashMap<>();
    }

    public boolean isTraining() {
        return training;
    }

    /** Switches this module and its children between training and evaluation behaviour. */
    public void setTraining(boolean training) {
        this.training = training;
        for (Module c : children().values()) {
            c.setTraining(training);
        }
    }

    protected final Parameter parameter(String name, Shape shape, Init init) {
        Parameter p = new Parameter(name, shape, init);
        parameters.add(p);
        return p;
    }

    /** The backend this module runs on; set when it joins a {@link Model}. */
    protected final Backend backend() {
        if (backend == null) {
            throw new IllegalStateException(getClass().getSimpleName() + " is not part of a Model yet");
        }
        return backend;
    }

    /** Attaches this module and its children to a backend; subclasses allocate state in {@link #onBind}. */
    final void bind(Backend b) {
        this.backend = b;
        onBind(b);
        for (Module c : children().values()) {
            c.bind(b);
        }
    }

    protected void onBind(Backend b) {
    }

    /** Frees the module's own activations and state, and its children's. */
    @Override
    public void close() {
        for (Module c : children().values()) {
            c.close();
        }
    }
}
