package dev.gargoyle.train;

import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.Adam;
import dev.gargoyle.optim.Optimizer;
import dev.gargoyle.optim.Sgd;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Transfer learning: start from another model's weights ({@code --init}), with a new head
 * ({@code --reset-head}), frozen layers ({@code --freeze}, {@code --freeze-until}) and a smaller
 * learning rate for the backbone ({@code --backbone-lr}); and the optimizer that goes with it.
 */
final class FineTuning {
    /** The last Linear of AheNet's classifier: the head that {@code --reset-head} replaces. */
    static final String HEAD = "classifier.8.";
    private static final Pattern RANGE = Pattern.compile("([A-Za-z_]\\w*)\\.(\\d+)-(\\d+)");

    private FineTuning() {
    }

    static void apply(TrainConfig config, Model model, ModelSpec spec) throws IOException {
        if (config.init() != null) {
            Safetensors.Contents contents = Safetensors.read(config.init());
            Predicate<String> skip = config.resetHead() ? name -> name.startsWith(HEAD) : name -> false;
            Checkpoint.loadWeights(model, contents, config.init(), skip);
        }
        if (config.freeze() != null && !config.freeze().isBlank()) {
            model.freeze(frozen(config.freeze(), model));
        }
    }

    /**
     * Parses a freeze spec: comma-separated layer names or ranges ({@code features.0-11}), or
     * {@code until:NAME} (every layer up to and including NAME). Throws listing the valid layer names.
     */
    static Predicate<String> frozen(String spec, Model model) {
        List<String> layers = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            Matcher m = RANGE.matcher(p);
            if (p.startsWith("until:")) {
                String last = p.substring(6);
                model.module(last);
                // Modules come in pre-order, so a container (e.g. "features") precedes its layers:
                // stop after the last module inside NAME, not at NAME itself.
                boolean reached = false;
                for (String name : model.modules().keySet()) {
                    boolean inside = name.equals(last) || name.startsWith(last + ".");
                    if (reached && !inside) {
                        break;
                    }
                    reached |= inside;
                    if (!name.isEmpty() && model.module(name).children().isEmpty()) {
                        layers.add(name);
                    }
                }
            } else if (m.matches()) {
                for (int i = Integer.parseInt(m.group(2)); i <= Integer.parseInt(m.group(3)); i++) {
                    String name = m.group(1) + "." + i;
                    model.module(name);
                    layers.add(name);
                }
            } else {
                model.module(p);
                layers.add(p);
            }
        }
        return param -> layers.stream().anyMatch(l -> param.startsWith(l + "."));
    }

    static Optimizer optimizer(TrainConfig config, Model model) {
        ToDoubleFunction<String> scale = config.backboneLr() == null ? name -> 1.0
                : name -> name.startsWith(HEAD) ? 1.0 : config.backboneLr() / config.lr();
        switch (config.optimizer()) {
            case "sgd":
                return new Sgd(model, scale, config.momentum(), config.weightDecay(), config.nesterov());
            case "adamw":
                return Adam.adamW(model, scale, config.weightDecay());
            default:
                return Adam.adam(model, scale, config.weightDecay());
        }
    }
}
