package dev.gargoyle.tensor.spi;

import dev.gargoyle.tensor.BackendOptions;
import dev.gargoyle.tensor.Device;
import java.util.Map;
import java.util.Optional;

/**
 * Makes the {@link BackendOps} of one {@link Device.Kind}; found with {@link java.util.ServiceLoader}
 * so that the core needs neither oneDNN nor CUDA. {@link dev.gargoyle.tensor.Backends} wraps what it
 * makes in the checked {@link dev.gargoyle.tensor.Backend}.
 */
public interface BackendProvider {
    Device.Kind kind();

    /** Empty when {@code device} can be used; otherwise why not, naming the missing library or device. */
    Optional<String> unavailableReason(Device device);

    /** New ops on {@code device} honouring {@code options} where the device can; the caller owns them. */
    BackendOps create(Device device, BackendOptions options);

    /** Facts for a description of the machine: library versions, ISA, threads, GPU name; never throws. */
    Map<String, String> describe();
}
