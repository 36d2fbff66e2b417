package dev.gargoyle.cli;

import dev.gargoyle.models.AheNet;
import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.viz.ModelInput;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --weights} and {@code --device} of the commands that run a trained model, and loading it. */
final class CheckpointOptions {
    @Option(names = "--weights", required = true, paramLabel = "W", description = "A .safetensors checkpoint.")
    Path weights;
    @Mixin
    DeviceOption device;

    /** Throws naming {@code --weights} when the file is not there; call it before any slow work. */
    void requireWeights() {
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("--weights: " + (Files.exists(weights) ? "not a file: " : "no such file: ")
                    + weights);
        }
    }

    /** The checkpoint's model on a new backend for {@code --device}; closing it closes both. */
    Opened open() {
        requireWeights();
        Backend backend = Backends.create(device.resolve());
        try {
            return new Opened(backend, AheNet.load(weights, backend));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** A loaded checkpoint and the backend it lives on. */
    record Opened(Backend backend, AheNet.Loaded loaded) implements AutoCloseable {
        Model model() {
            return loaded.model();
        }

        AheNet net() {
            return loaded.net();
        }

        /** What the visualisation commands need to feed the model. */
        ModelInput input() {
            AheNet n = net();
            return new ModelInput(n.classes(), n.size(), n.mean(), n.std());
        }

        @Override
        public void close() {
            try {
                loaded.close();
            } finally {
                backend.close();
            }
        }
    }
}
