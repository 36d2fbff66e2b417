package dev.gargoyle.nn;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A module tree bound to a backend, with all parameters in one flat buffer and all gradients in
 * another (llm.c): each {@link Parameter} is a view, so zeroing gradients, scaling them or an
 * optimizer step is one pass over a buffer. Names are PyTorch's {@code state_dict} names.
 */
public final class Model implements AutoCloseable {
    /** Parameters start on 16-float (64-byte) boundaries, which vectorised kernels prefer. */
    private static final int ALIGN = 16;

    private final Module root;
    private final Backend backend;
    private final Map<String, Module> modules = new LinkedHashMap<>();
    private final List<Slot> slots = new ArrayList<>();
    private final List<Dropout> dropouts = new ArrayList<>();
    private final Tensor flatParameters;
    private final Tensor flatGradients;
    private final Shape inputShape;

    /** Where one parameter lives in the flat buffers. */
    public record Slot(String name, Parameter parameter, long offset, long length) {
    }

    /**
     * Binds {@code root} to {@code backend}, allocates the flat buffers and initialises every parameter
     * as PyTorch's defaults would, from {@code seed}. {@code inputShape} is one sample's {@code [C, H, W]}.
     */
    public Model(Module root, Backend backend, long seed, Shape inputShape) {
        this.root = root;
        this.backend = backend;
        this.inputShape = inputShape;
        collect("", root);
        root.outputShape(Shape.of(concat(1, inputShape.dims())));
        long total = 0;
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            for (Parameter p : e.getValue().parameters()) {
                String name = e.getKey().isEmpty() ? p.name() : e.getKey() + "." + p.name();
                slots.add(new Slot(name, p, total, p.shape().numel()));
                total += (p.shape().numel() + ALIGN - 1) / ALIGN * ALIGN;
            }
        }
        this.flatParameters = backend.allocate(Shape.of(Math.toIntExact(Math.max(total, 1))));
        this.flatGradients = backend.allocate(Shape.of(Math.toIntExact(Math.max(total, 1))));
        SplittableRandom random = new SplittableRandom(seed);
        for (Slot s : slots) {
            Parameter p = s.parameter();
            p.bind(flatParameters.slice(s.offset(), p.shape()), flatGradients.slice(s.offset(), p.shape()));
            float[] v = new float[Math.toIntExact(s.length())];
            p.init().fill(v, random);
            p.value().copyFrom(v);
        }
        root.bind(backend);
    }

    private static int[] concat(int first, int[] rest) {
        int[] d = new int[rest.length + 1];
        d[0] = first;
        System.arraycopy(rest, 0, d, 1, rest.length);
        return d;
    }

    private void collect(String prefix, Module m) {
        modules.put(prefix, m);
        if (m instanceof Dropout d) {
            dropouts.add(d);
        }
        for (Map.Entry<String, Module> c : m.children().entrySet()) {
            collect(prefix.isEmpty() ? c.getKey() : prefix + "." + c.getKey(), c.getValue());
        }
    }

    public Backend backend() {
        return backend;
    }

    public Module root() {
        return root;
    }

    /** One sample's input shape {@code [C, H, W]}. */
    public Shape inputShape() {
        return inputShape;
    }

    /** Runs the model; the output is owned by the model and valid until the next forward. */
    public Tensor forward(Tensor x) {
        Shape expected = Shape.of(concat(x.shape().dim(0), inputShape.dims()));
        Shape.require("Model.forward", "input", x.shape(), expected);
        return root.forward(x);
    }

    /**
     * Back-propagates the gradient of the loss with respect to the last forward's output, adding
     * into the parameter gradients; returns the input gradient when {@code needInputGrad}, else null.
     */
    public Tensor backward(Tensor gradOutput, boolean needInputGrad) {
        return root.backward(gradOutput, needInputGrad);
    }

    /** Training behaviour: batch statistics in batch-norm, dropout on. */
    public void train() {
        root.setTraining(true);
    }

    /** Evaluation behaviour: running statistics, no dropout. */
    public void eval() {
        root.setTraining(false);
    }

    public boolean isTraining() {
        return root.isTraining();
    }

    /** Zeroes every gradient in one pass over the flat gradient buffer. */
    public void zeroGrad() {
        backend.fill(flatGradients, 0f);
    }

    /** Gives each dropout layer its mask seed for this step, derived from {@code stepSeed} and its position. */
    public void setStepSeed(long stepSeed) {
        for (int i = 0; i < dropouts.size(); i++) {
            dropouts.get(i).reseed(new SplittableRandom(stepSeed * 31 + i).nextLong());
        }
    }

    /**
     * Freezes the parameters whose full name matches: no gradient work, no optimizer updates, no
     * optimizer state; frozen batch-norm layers keep (and use) their running statistics. See
     * {@link Parameter#isFrozen()}.
     */
    public void freeze(Predicate<String> parameterName) {
        for (Slot s : slots) {
            if (parameterName.test(s.name())) {
                s.parameter().setFrozen(true);
            }
        }
    }

    /** Every parameter with its full name and place in the flat buffers, in registration order. */
    public List<Slot> slots() {
        return Collections.unmodifiableList(slots);
    }

    /** Every module by full name ({@code ""} is the root, then {@code features}, {@code features.0}, ...). */
    public Map<String, Module> modules() {
        return Collections.unmodifiableMap(modules);
    }

    /** The module called {@code name}; throws listing the valid names if there is none. */
    public Module module(String name) {
        Module m = modules.get(name);
        if (m == null) {
            List<String> names = new ArrayList<>(modules.keySet());
            names.remove("");
            throw new IllegalArgumentException("no layer '" + name + "'; layers are: " + String.join(", ", names));
        }
        return m;
    }

    public Tensor flatParameters() {
        return flatParameters;
    }

    public Tensor flatGradients() {
        return flatGradients;
    }

    public long parameterCount() {
        return slots.stream().mapToLong(Slot::length).sum();
    }

    /**
     * Every tensor of PyTorch's {@code state_dict} except the int64 counters: parameters and buffers by
     * full name, in PyTorch's order (per module: parameters, then buffers).
     */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Module> e : modules.entrySet()) {
            String prefix = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            for (Parameter p : e.getValue().parameters()) {
                out.put(prefix + p.name(), p.value());
            }
            e.getValue().buffers().forEach((k, v) -> out.put(prefix + k, v));
        }
        return out;
    }

    /** Batch-norm layers by full name, whose {@code num_batches_tracked} counters complete the state dict. */
    public Map<String, BatchNorm2d> batchNorms() {
        Map<String, BatchNorm2d> out = new LinkedHashMap<>();
        modules.forEach((k, v) -> {
            if (v instanceof BatchNorm2d bn) {
                out.put(k, bn);
            }
        });
        return out;
    }

    /** Frees activations, state and the flat buffers; the backend stays open. */
    @Override
    public void close() {
        root.close();
        flatParameters.close();
        flatGradients.close();
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
