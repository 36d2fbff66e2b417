package dev.gargoyle.cpu;

import dev.gargoyle.tensor.BackendException;
import dev.gargoyle.tensor.BackendOptions;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.spi.BackendOps;
import dev.gargoyle.tensor.spi.BackendProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Loader;

/**
 * Makes {@link CpuBackend}s; registered for {@link java.util.ServiceLoader}. The CPU computes in
 * FP32 and deterministically, so the {@link BackendOptions} change nothing here.
 */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public Device.Kind kind() {
        return Device.Kind.CPU;
    }

    @Override
    public Optional<String> unavailableReason(Device device) {
        if (!device.isCpu()) {
            return Optional.of("the CPU backend runs only on device cpu, not " + device);
        }
        try {
            Loader.load(dnnl.class);
            return Optional.empty();
        } catch (UnsatisfiedLinkError e) {
            return Optional.of("oneDNN (libdnnl from the org.bytedeco:dnnl preset) does not load: " + e.getMessage());
        }
    }

    @Override
    public BackendOps create(Device device, BackendOptions options) {
        Optional<String> reason = unavailableReason(device);
        if (reason.isPresent()) {
            throw new BackendException(reason.get());
        }
        if (options.bf16()) {
            String refusal = CpuInfo.bf16Refusal();
            if (refusal != null) {
                throw new BackendException(refusal);
            }
        }
        return new CpuBackend(options.bf16());
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> facts = new LinkedHashMap<>();
        try {
            Loader.load(dnnl.class);
            facts.put("onednn", CpuInfo.versionDetails());
            facts.put("cpu isa", CpuInfo.isa());
            facts.put("cpu threads", CpuInfo.threadsDetails());
            facts.put("cpu layouts", CpuInfo.layouts());
            String bf16 = CpuInfo.bf16Refusal();
            facts.put("cpu bf16", bf16 == null ? "supported: convolutions multiply, activations stay in bfloat16"
                    : "unsupported: " + bf16);
        } catch (RuntimeException | LinkageError e) { // info prints a broken library as a fact
            facts.put("onednn", "not loadable: " + e);
        }
        return facts;
    }
}
