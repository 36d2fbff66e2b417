package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cublas.cublasGetProperty;
import static org.bytedeco.cuda.global.cudart.MAJOR_VERSION;
import static org.bytedeco.cuda.global.cudart.MINOR_VERSION;
import static org.bytedeco.cuda.global.cudart.PATCH_LEVEL;
import static org.bytedeco.cuda.global.cudart.cudaDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion;
import static org.bytedeco.cuda.global.cudnn.cudnnGetVersion;
import static org.bytedeco.cuda.global.nvml.NVML_SUCCESS;
import static org.bytedeco.cuda.global.nvml.NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE;
import static org.bytedeco.cuda.global.nvml.nvmlInit_v2;
import static org.bytedeco.cuda.global.nvml.nvmlShutdown;
import static org.bytedeco.cuda.global.nvml.nvmlSystemGetDriverVersion;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.nvml;
import org.bytedeco.javacpp.Loader;

/**
 * Facts about one usable GPU and the libraries driving it, for {@code gargoyle info} and logs.
 *
 * @param driver the NVIDIA driver's version and the CUDA version it supports, e.g.
 *               {@code 580.95.05, supports CUDA 13.0}
 */
record CudaDeviceInfo(int index, String name, long memoryBytes, int major, int minor, String driver,
                      String runtime, String cudnn, String cublas) {

    /** Queries device {@code index}; only after {@link CudaProbe} found it usable. */
    static CudaDeviceInfo query(int index) {
        String name;
        long memory;
        int major;
        int minor;
        try (cudaDeviceProp p = new cudaDeviceProp()) {
            CudaStatus.cuda(cudaGetDeviceProperties(p, index), "cudaGetDeviceProperties", "cuda:" + index);
            name = p.name().getString();
            memory = p.totalGlobalMem();
            major = p.major();
            minor = p.minor();
        }
        int[] v = new int[1];
        CudaStatus.cuda(cudaDriverGetVersion(v), "cudaDriverGetVersion");
        String driver = driverVersion() + ", supports CUDA " + CudaProbe.version(v[0]);
        CudaStatus.cuda(cudaRuntimeGetVersion(v), "cudaRuntimeGetVersion");
        String runtime = CudaProbe.version(v[0]);
        long dnn = cudnnGetVersion();
        String cudnn = dnn / 10000 + "." + dnn / 100 % 100 + "." + dnn % 100;
        return new CudaDeviceInfo(index, name, memory, major, minor, driver, runtime, cudnn, cublasVersion());
    }

    /** The driver's own version from NVML (which ships with the driver), or "version unknown". */
    private static String driverVersion() {
        try {
            Loader.load(nvml.class);
            if (nvmlInit_v2() != NVML_SUCCESS) {
                return "version unknown";
            }
            try {
                byte[] text = new byte[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE];
                if (nvmlSystemGetDriverVersion(text, text.length) != NVML_SUCCESS) {
                    return "version unknown";
                }
                int end = 0;
                while (end < text.length && text[end] != 0) {
                    end++;
                }
                return new String(text, 0, end, StandardCharsets.US_ASCII);
            } finally {
                nvmlShutdown();
            }
        } catch (LinkageError | RuntimeException e) {
            return "version unknown (" + e.getMessage() + ")";
        }
    }

    private static String cublasVersion() {
        int[] major = new int[1];
        int[] minor = new int[1];
        int[] patch = new int[1];
        CudaStatus.cublas(cublasGetProperty(MAJOR_VERSION, major), "cublasGetProperty", null);
        CudaStatus.cublas(cublasGetProperty(MINOR_VERSION, minor), "cublasGetProperty", null);
        CudaStatus.cublas(cublasGetProperty(PATCH_LEVEL, patch), "cublasGetProperty", null);
        return major[0] + "." + minor[0] + "." + patch[0];
    }

    /** E.g. {@code NVIDIA H200, 139.8 GiB, compute capability 9.0}. */
    String gpu() {
        return String.format(Locale.ROOT, "%s, %.1f GiB, compute capability %d.%d", name,
                memoryBytes / (double) (1L << 30), major, minor);
    }
}
