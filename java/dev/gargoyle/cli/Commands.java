package dev.gargoyle.cli;

import dev.gargoyle.tensor.Device;
import java.nio.file.Path;
import java.util.List;

/** Option handling shared by the commands that load a checkpoint. */
final class Commands {
    private Commands() {
    }

    /** Parses {@code --device}; an unknown value is a usage error. */
    static Device device(String text) {
        try {
            return Device.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--device: " + e.getMessage());
        }
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
}
