package dev.gargoyle.cli;

import dev.gargoyle.tensor.Device;
import picocli.CommandLine.Option;

/** {@code --device}, shared by every command that runs on a backend. */
final class DeviceOption {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "<device>", description = "auto, cpu, cuda or cuda:N.")
    String text;

    /** The device asked for ({@code auto} resolved); an unknown value is a usage error. */
    Device resolve() {
        try {
            return Device.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--device: " + e.getMessage());
        }
    }
}
