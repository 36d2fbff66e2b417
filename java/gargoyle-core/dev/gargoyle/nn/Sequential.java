package dev.gargoyle.nn;

import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Modules run one after another, as PyTorch's {@code nn.Sequential}; children are named 0, 1, ... or by the caller. */
public final class Sequential extends Module {
    private final Map<String, Module> children;
    private final List<Module> order;

    public Sequential(Module... modules) {
        Map<String, Module> m = new LinkedHashMap<>();
        for (int i = 0; i < modules.length; i++) {
            m.put(Integer.toString(i), modules[i]);
        }
        this.children = Collections.unmodifiableMap(m);
        this.order = List.copyOf(m.values());
        markFusablePairs();
    }

    /** Named children in order, as {@code nn.Sequential(OrderedDict(...))}. */
    public Sequential(Map<String, Module> named) {
        this.children = Collections.unmodifiableMap(new LinkedHashMap<>(named));
        this.order = List.copyOf(children.values());
        markFusablePairs();
    }

    private void markFusablePairs() {
        for (int i = 0; i + 1 < order.size(); i++) {
            if (order.get(i) instanceof BatchNorm2d bn && order.get(i + 1) instanceof ReLU) {
                bn.followedByRelu();
            }
        }
    }

    @Override
    public Map<String, Module> children() {
        return children;
    }

    public Module get(int index) {
        return order.get(index);
    }

    public int size() {
        return order.size();
    }

    @Override
    public Shape outputShape(Shape in) {
        Shape s = in;
        for (Module m : order) {
            s = m.outputShape(s);
        }
        return s;
    }

    @Override
    protected Tensor forwardImpl(Tensor x) {
        Tensor t = x;
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i) instanceof BatchNorm2d bn && bn.canFuseRelu() && i + 1 < order.size()
                    && order.get(i + 1) instanceof ReLU relu) {
                t = relu.forwardAfterFused(bn, bn.forwardWithRelu(t));
                i++;
            } else {
                t = order.get(i).forward(t);
            }
        }
        return t;
    }

    /** Stops early once no earlier module has a parameter to train and the input gradient is not wanted. */
    @Override
    protected Tensor backwardImpl(Tensor dy, boolean needInputGrad) {
        int lowest = needInputGrad ? -1 : lowestTrainable();
        Tensor g = dy;
        for (int i = order.size() - 1; i >= 0; i--) {
            boolean below = i > lowest;
            g = order.get(i).backward(g, below);
            if (!below) {
                return null;
            }
        }
        return g;
    }

    /** The index of the first module with a parameter to train, or {@code size()} if none has one. */
    private int lowestTrainable() {
        int i = 0;
        while (i < order.size() && !hasTrainable(order.get(i))) {
            i++;
        }
        return i;
    }

    private static boolean hasTrainable(Module m) {
        for (Parameter p : m.parameters()) {
            if (!p.isFrozen()) {
                return true;
            }
        }
        for (Module c : m.children().values()) {
            if (hasTrainable(c)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        children.forEach((k, v) -> lines.add("  (" + k + "): " + v.toString().replace("\n", "\n  ")));
        return "Sequential(\n" + String.join("\n", lines) + "\n)";
    }
}
