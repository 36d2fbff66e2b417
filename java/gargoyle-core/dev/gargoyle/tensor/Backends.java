package dev.gargoyle.tensor;

import dev.gargoyle.tensor.spi.BackendProvider;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the backend providers on the class path and makes backends for devices. */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static volatile Map<Device.Kind, BackendProvider> providers;

    private Backends() {
    }

    /** A new backend for {@code device}; throws a {@link BackendException} naming the reason when the device cannot be used. */
    public static Backend create(Device device) {
        return create(device, BackendOptions.defaults());
    }

    /** A new backend for {@code device} with {@code options}; throws naming the reason when it cannot be used. */
    public static Backend create(Device device, BackendOptions options) {
        BackendProvider p = provider(device.kind());
        Optional<String> reason = p.unavailableReason(device);
        if (reason.isPresent()) {
            throw new BackendException("device " + device + " is not usable: " + reason.get());
        }
        return Backend.of(p.create(device, options));
    }

    /** Empty when {@code device} is usable, else the reason it is not. */
    public static Optional<String> unavailableReason(Device device) {
        Map<Device.Kind, BackendProvider> all = providers();
        BackendProvider p = all.get(device.kind());
        if (p == null) {
            return Optional.of("no " + device.kind() + " backend on the class path");
        }
        return p.unavailableReason(device);
    }

    /** Facts about the {@code kind} backend for a description of the machine (versions, ISA, GPU), or why it is missing. */
    public static Map<String, String> describe(Device.Kind kind) {
        BackendProvider p = providers().get(kind);
        return p == null ? Map.of(kind.name().toLowerCase(java.util.Locale.ROOT), "no " + kind
                + " backend on the class path") : p.describe();
    }

    private static BackendProvider provider(Device.Kind kind) {
        BackendProvider p = providers().get(kind);
        if (p == null) {
            throw new BackendException("no " + kind + " backend on the class path (add gargoyle-"
                    + kind.name().toLowerCase(java.util.Locale.ROOT) + " to the dependencies)");
        }
        return p;
    }

    static Device auto() {
        Device cuda = Device.cuda(0);
        Optional<String> reason = unavailableReason(cuda);
        if (reason.isEmpty()) {
            LOG.info("device auto: using {} (CUDA runtime, a GPU and cuDNN all load)", cuda);
            return cuda;
        }
        LOG.info("device auto: using cpu, because CUDA is not usable: {}", reason.get());
        return Device.cpu();
    }

    private static Map<Device.Kind, BackendProvider> providers() {
        Map<Device.Kind, BackendProvider> p = providers;
        if (p == null) {
            synchronized (Backends.class) {
                if (providers == null) {
                    Map<Device.Kind, BackendProvider> found = new EnumMap<>(Device.Kind.class);
                    for (BackendProvider bp : ServiceLoader.load(BackendProvider.class)) {
                        found.put(bp.kind(), bp);
                    }
                    providers = found;
                }
                p = providers;
            }
        }
        return p;
    }
}
