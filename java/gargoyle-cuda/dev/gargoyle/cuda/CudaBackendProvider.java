package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;

import dev.gargoyle.tensor.BackendException;
import dev.gargoyle.tensor.BackendOptions;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.spi.BackendOps;
import dev.gargoyle.tensor.spi.BackendProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Makes {@link CudaBackend}s; found by {@link java.util.ServiceLoader}. */
public final class CudaBackendProvider implements BackendProvider {

    @Override
    public Device.Kind kind() {
        return Device.Kind.CUDA;
    }

    /**
     * Empty when {@code device} can be used; otherwise the exact reason, e.g.
     * {@code libcuda.so.1 not found: no NVIDIA driver (searched ...)}, {@code no CUDA device},
     * {@code libcudnn_cnn.so.9 not found: cuDNN 9 is not installed (searched ...)} or
     * {@code cuda:3 requested but only 1 device}. Never throws; probes once per device index.
     */
    @Override
    public Optional<String> unavailableReason(Device device) {
        if (!device.isCuda()) {
            return Optional.of(device + " is not a CUDA device");
        }
        return CudaProbe.unavailableReason(device.index());
    }

    @Override
    public BackendOps create(Device device, BackendOptions options) {
        if (options.bf16()) {
            throw new BackendException("bf16 convolutions (BackendOptions.bf16) are a CPU option; the CUDA backend "
                    + "computes in FP32, or TF32 where allowed");
        }
        return new CudaBackend(device, CudaOptions.defaults().withTf32(options.tf32())
                .withDeterministic(options.deterministic()));
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("cuda presets", CudaLibraries.presetsVersion() + " (built for " + CudaLibraries.builtFor() + ")");
        try {
            Optional<String> reason = CudaProbe.unavailableReason(0);
            if (reason.isPresent()) {
                facts.put("cuda", "unavailable: " + reason.get());
                return facts;
            }
            int[] count = new int[1];
            CudaStatus.cuda(cudaGetDeviceCount(count), "cudaGetDeviceCount");
            facts.put("cuda", "usable, " + count[0] + (count[0] == 1 ? " device" : " devices"));
            CudaDeviceInfo info = CudaDeviceInfo.query(0);
            facts.put("cuda:0", info.gpu());
            facts.put("cuda driver", info.driver());
            facts.put("cuda runtime", info.runtime());
            facts.put("cudnn", info.cudnn());
            facts.put("cublas", info.cublas());
            facts.put("cuda kernels", KernelLibrary.isAvailable() ? "gargoyle_kernels " + KernelLibrary.version()
                    : "unavailable: " + KernelLibrary.unavailableReason());
        } catch (RuntimeException | LinkageError e) {
            facts.put("cuda", "unavailable: " + e);
        }
        return facts;
    }
}
