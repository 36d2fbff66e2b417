package dev.gargoyle.optim;

import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Updates a model's parameters from its gradients, one pass over each contiguous group of the flat
 * buffers. Frozen parameters are in no group: they get no update and no optimizer state.
 */
public abstract class Optimizer implements AutoCloseable {
    /** A contiguous run of trainable parameters sharing one learning-rate multiplier, from element {@code offset}. */
    protected record Group(Tensor params, Tensor grads, double lrScale, long offset) {
    }

    protected final Backend backend;
    private final List<Group> groups;
    /** The gradients of frozen parameters, between and around the groups. */
    private final List<Tensor> ungroupedGrads;
    private final Map<String, Tensor> state = new LinkedHashMap<>();
    private long steps;

    /** {@code lrScale} gives each parameter (by full name) a multiplier of the learning rate, e.g. for a backbone. */
    protected Optimizer(Model model, ToDoubleFunction<String> lrScale) {
        this.backend = model.backend();
        this.groups = groups(model, lrScale);
        this.ungroupedGrads = ungrouped(model.flatGradients(), groups);
    }

    private static List<Tensor> ungrouped(Tensor flat, List<Group> groups) {
        List<Tensor> out = new ArrayList<>();
        long at = 0;
        for (Group g : groups) {
            long start = g.offset();
            if (start > at) {
                out.add(flat.slice(at, Shape.of(Math.toIntExact(start - at))));
            }
            at = start + g.grads().numel();
        }
        if (flat.numel() > at) {
            out.add(flat.slice(at, Shape.of(Math.toIntExact(flat.numel() - at))));
        }
        return out;
    }

    private static List<Group> groups(Model model, ToDoubleFunction<String> lrScale) {
        List<Group> out = new ArrayList<>();
        Model.Slot start = null;
        Model.Slot prev = null;
        double scale = 0;
        for (Model.Slot s : model.slots()) {
            double sc = lrScale.applyAsDouble(s.name());
            boolean joins = start != null && !s.parameter().isFrozen() && sc == scale;
            if (!joins && start != null) {
                out.add(group(model, start, prev, scale));
                start = null;
            }
            if (start == null && !s.parameter().isFrozen()) {
                start = s;
                scale = sc;
            }
            prev = s;
        }
        if (start != null) {
            out.add(group(model, start, prev, scale));
        }
        return out;
    }

    private static Group group(Model model, Model.Slot first, Model.Slot last, double scale) {
        long from = first.offset();
        Shape len = Shape.of(Math.toIntExact(last.offset() + last.length() - from));
        return new Group(model.flatParameters().slice(from, len), model.flatGradients().slice(from, len), scale, from);
    }

    /** Applies one update at base learning rate {@code lr}; counts steps from 1. */
    public final void step(double lr) {
        step(lr, false);
    }

    /**
     * {@link #step} and then {@link Model#zeroGrad}, in one pass over each group's buffers (a
     * gradient is zeroed as the update reads it) instead of two.
     */
    public final void stepAndZeroGrad(double lr) {
        step(lr, true);
        for (Tensor t : ungroupedGrads) {
            backend.fill(t, 0f);
        }
    }

    private void step(double lr, boolean zeroGrad) {
        steps++;
        for (int i = 0; i < groups.size(); i++) {
            update(i, groups.get(i), lr * groups.get(i).lrScale(), steps, zeroGrad);
        }
    }

    /** One group's update; with {@code zeroGrad} its gradients are zeroed in the same pass. */
    protected abstract void update(int index, Group group, double lr, long step, boolean zeroGrad);

    /** Per-group state buffer {@code kind} (e.g. {@code exp_avg}), made zeroed on first use. */
    protected final Tensor state(String kind, int groupIndex) {
        Group g = groups.get(groupIndex);
        return state.computeIfAbsent(kind + "." + groupIndex, k -> backend.allocate(g.params().shape()));
    }

    /** Updates done so far. */
    public long steps() {
        return steps;
    }

    /** For checkpoints: the state buffers by name ({@code exp_avg.0}, ...); restoring writes into them. */
    public Map<String, Tensor> stateTensors() {
        for (int i = 0; i < groups.size(); i++) {
            for (String kind : stateKinds()) {
                state(kind, i);
            }
        }
        return Collections.unmodifiableMap(state);
    }

    /** The kinds of per-group state this optimizer keeps. */
    protected abstract List<String> stateKinds();

    /** For resuming: continue counting (and bias-correcting) from {@code steps}. */
    public void setSteps(long steps) {
        this.steps = steps;
    }

    /** Hyper-parameters for logs and checkpoints. */
    public abstract Map<String, Object> describe();

    @Override
    public void close() {
        state.values().forEach(Tensor::close);
        state.clear();
    }
}
