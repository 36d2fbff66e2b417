package dev.gargoyle.viz;

import dev.gargoyle.models.AheNet;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.Module;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.tensor.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Finds layers by name or by AHE conv number, and what each layer's output looks like. */
public final class Layers {
    private Layers() {
    }

    /**
     * The output shape of every leaf layer for one image ({@code [1, ...]}), by full name in forward
     * order, worked out from the shapes alone (nothing runs).
     */
    public static Map<String, Shape> outputShapes(Model model) {
        Map<String, Shape> out = new LinkedHashMap<>();
        int[] in = model.inputShape().dims();
        int[] batched = new int[in.length + 1];
        batched[0] = 1;
        System.arraycopy(in, 0, batched, 1, in.length);
        walk("", model.root(), Shape.of(batched), out);
        return out;
    }

    private static Shape walk(String name, Module m, Shape in, Map<String, Shape> out) {
        if (m instanceof Sequential s) {
            Shape shape = in;
            for (Map.Entry<String, Module> c : s.children().entrySet()) {
                shape = walk(name.isEmpty() ? c.getKey() : name + "." + c.getKey(), c.getValue(), shape, out);
            }
            return shape;
        }
        Shape shape = m.outputShape(in);
        out.put(name, shape);
        return shape;
    }

    /**
     * The layer {@code text} names: a conv number {@code 1..5} of the AHE model ({@code features.0},
     * {@code features.4}, ...) or any layer name whose output is a feature map {@code [1, C, H, W]}.
     *
     * @throws IllegalArgumentException listing the valid names when there is no such layer
     */
    public static String featureLayer(Model model, String text) {
        Map<String, Shape> maps = new LinkedHashMap<>();
        outputShapes(model).forEach((name, shape) -> {
            if (shape.rank() == 4) {
                maps.put(name, shape);
            }
        });
        String name = text.trim();
        if (name.matches("\\d+")) {
            List<String> convs = AheNet.convLayers();
            int i = Integer.parseInt(name);
            if (i >= 1 && i <= convs.size() && maps.containsKey(convs.get(i - 1))) {
                return convs.get(i - 1);
            }
        }
        if (maps.containsKey(name)) {
            return name;
        }
        List<String> valid = new ArrayList<>();
        List<String> convs = AheNet.convLayers();
        if (maps.keySet().containsAll(convs)) {
            valid.add("1-" + convs.size() + " (the conv layers " + String.join(", ", convs) + ")");
        }
        valid.addAll(maps.keySet());
        throw new IllegalArgumentException("no feature-map layer '" + text + "'; layers are: "
                + String.join(", ", valid));
    }

    /** A short name for titles: {@code conv 5 (features.16)} for an AHE conv layer, else the name. */
    public static String describe(String layer) {
        int i = AheNet.convLayers().indexOf(layer);
        return i < 0 ? layer : "conv " + (i + 1) + " (" + layer + ")";
    }
}
