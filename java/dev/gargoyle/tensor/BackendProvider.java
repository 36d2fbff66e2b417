package dev.gargoyle.tensor;

import java.util.Map;
import java.util.Optional;

/**
 * Makes the {@link Backend} of one {@link Device.Kind}; found with {@link java.util.ServiceLoader}
 * so that this package needs neither oneDNN nor CUDA.
 */
public interface BackendProvider {
    Device.Kind kind();

    /** Empty when {@code device} can be used; otherwise why not, naming the missing library or device. */
    Optional<String> unavailableReason(Device device);

    /** A new backend on {@code device} with default options; the caller owns it and closes it after its tensors. */
    Backend create(Device device);

    /** A new backend honouring {@code options} where the device can; the default ignores them. */
    default Backend create(Device device, BackendOptions options) {
        return create(device);
    }

    /** Facts for {@code gargoyle info}: library versions, ISA, threads, GPU name; never throws. */
    Map<String, String> describe();
}
