package dev.gargoyle.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** Option handling shared by the commands that run a checkpoint on a data set or an image. */
final class Commands {
    private Commands() {
    }

    /**
     * The class names to report: the model's, which must be the data set's. A PyTorch checkpoint with
     * no names ({@code class_0..}) takes the data set's when the counts agree.
     */
    static List<String> matchClasses(List<String> model, List<String> data, Path weights, Path dataRoot) {
        if (model.equals(data)) {
            return model;
        }
        boolean unnamed = model.stream().allMatch(n -> n.matches("class_\\d+"));
        if (unnamed && model.size() == data.size()) {
            return data;
        }
        throw new IllegalArgumentException(weights + " was trained on classes " + model + " but " + dataRoot
                + " has classes " + data);
    }

    /**
     * Runs {@code lookup} (resolving an option value against the model: a layer, a filter, a class)
     * and turns its {@link IllegalArgumentException} into a usage error naming {@code option}.
     */
    static <T> T option(String option, Supplier<T> lookup) {
        try {
            return lookup.get();
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
    }

    /**
     * A library's options record refused a value in a message that starts with the setting's name
     * ({@code blurEvery must be >= 0, got -1}): the same as a usage error naming the flag
     * ({@code --blur-every}), which is the setting's name in kebab case.
     */
    static UsageException optionsRefused(IllegalArgumentException e) {
        String message = String.valueOf(e.getMessage());
        int space = message.indexOf(' ');
        String setting = space < 0 ? message : message.substring(0, space);
        String flag = "--" + setting.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
        return new UsageException(flag + (space < 0 ? "" : message.substring(space)));
    }
}
