package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cublas.cublasGetProperty;
import static org.bytedeco.cuda.global.cudart.MAJOR_VERSION;
import static org.bytedeco.cuda.global.cudart.MINOR_VERSION;
import static org.bytedeco.cuda.global.cudart.PATCH_LEVEL;
import static org.bytedeco.cuda.global.cudart.cudaDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceProperties;
import static org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion;
import static org.bytedeco.cuda.global.cudnn.cudnnGetVersion;

import java.util.Locale;
import org.bytedeco.cuda.cudart.cudaDeviceProp;

/**
 * Facts about one usable GPU and the libraries driving it, for {@code gargoyle info} and logs.
 *
 * @param driverCuda the CUDA version the installed driver supports, e.g. {@code 13.0}
 */
record CudaDeviceInfo(int index, String name, long memoryBytes, int major, int minor, String driverCuda,
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
        String driver = CudaProbe.version(v[0]);
        CudaStatus.cuda(cudaRuntimeGetVersion(v), "cudaRuntimeGetVersion");
        String runtime = CudaProbe.version(v[0]);
        long dnn = cudnnGetVersion();
        String cudnn = dnn / 10000 + "." + dnn / 100 % 100 + "." + dnn % 100;
        return new CudaDeviceInfo(index, name, memory, major, minor, driver, runtime, cudnn, cublasVersion());
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
