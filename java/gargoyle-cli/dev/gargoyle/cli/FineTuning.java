package dev.gargoyle.cli;

import dev.gargoyle.models.AheNet;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.OptimizerConfig;
import dev.gargoyle.train.Checkpoint;
import dev.gargoyle.train.Safetensors;
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
    /** The parameters of AheNet's head, which {@code --reset-head} replaces. */
    private static final String HEAD = AheNet.HEAD + ".";
    private static final Pattern RANGE = Pattern.compile("([A-Za-z_]\\w*)\\.(\\d+)-(\\d+)");

    private FineTuning() {
    }

    static void apply(TrainConfig config, Model model) {
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

    /** The optimizer {@code --optimizer}, {@code --momentum}, {@code --nesterov} and {@code --weight-decay} ask for. */
    static OptimizerConfig optimizer(TrainConfig config) {
        return switch (config.optimizer()) {
            case "sgd" -> new OptimizerConfig.Sgd(config.momentum(), config.weightDecay(), config.nesterov());
            case "adamw" -> OptimizerConfig.adamW(config.weightDecay());
            default -> OptimizerConfig.adam().withWeightDecay(config.weightDecay());
        };
    }

    /** {@code --backbone-lr} as a multiplier of {@code --lr} for every parameter outside the head. */
    static ToDoubleFunction<String> learningRateScale(TrainConfig config) {
        return config.backboneLr() == null ? name -> 1.0
                : name -> name.startsWith(HEAD) ? 1.0 : config.backboneLr() / config.lr();
    }
}
