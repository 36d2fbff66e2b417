package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasGetStatusName;
import static org.bytedeco.cuda.global.cudart.cudaDriverGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaErrorInsufficientDriver;
import static org.bytedeco.cuda.global.cudart.cudaErrorNoDevice;
import static org.bytedeco.cuda.global.cudart.cudaErrorStubLibrary;
import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaRuntimeGetVersion;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cudnn.cudnnCreate;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroy;

import dev.gargoyle.tensor.BackendException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudnn.cudnnContext;

/**
 * Decides whether a CUDA device can be used, and if not says exactly why: the runtime binding
 * loads, a device exists, the index is in range, cuBLAS and cuDNN load, and a cuDNN and a cuBLAS
 * handle can be made on it. Runs once per device index on a daemon thread with a time limit, so a
 * hung driver makes a reason instead of a hang; the answer is remembered.
 */
final class CudaProbe {
    static final long TIMEOUT_SECONDS = 120;

    private static final Map<Integer, Optional<String>> RESULTS = new HashMap<>();

    private CudaProbe() {
    }

    /** Empty when device {@code index} is usable, else the reason. */
    static synchronized Optional<String> unavailableReason(int index) {
        Optional<String> known = RESULTS.get(index);
        if (known == null) {
            known = Optional.ofNullable(probeWithTimeout(index));
            RESULTS.put(index, known);
        }
        return known;
    }

    /** Throws a {@link BackendException} with the reason when device {@code index} is not usable. */
    static void requireUsable(int index) {
        unavailableReason(index).ifPresent(r -> {
            throw new BackendException("cuda:" + index + " is not usable: " + r);
        });
    }

    private static String probeWithTimeout(int index) {
        FutureTask<String> task = new FutureTask<>(() -> probe(index));
        Thread t = new Thread(task, "gargoyle-cuda-probe");
        t.setDaemon(true);
        t.start();
        try {
            return task.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return "probing CUDA did not finish within " + TIMEOUT_SECONDS + " s: the NVIDIA driver may be hung"
                    + " (check nvidia-smi)";
        } catch (ExecutionException e) {
            return "probing CUDA failed: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "probing CUDA was interrupted";
        }
    }

    /** Null when usable. Runs on the probe thread, so cudaSetDevice does not touch the caller's thread. */
    private static String probe(int index) {
        String reason = CudaLibraries.runtimeFailure();
        if (reason != null) {
            return reason;
        }
        int[] count = new int[1];
        int status = cudaGetDeviceCount(count);
        if (status != 0) {
            return deviceCountFailure(status);
        }
        if (count[0] == 0) {
            return "no CUDA device";
        }
        if (index >= count[0]) {
            return "cuda:" + index + " requested but only " + count[0] + (count[0] == 1 ? " device" : " devices");
        }
        reason = CudaLibraries.dnnFailure();
        if (reason != null) {
            return reason;
        }
        status = cudaSetDevice(index);
        if (status != 0) {
            return "cudaSetDevice(" + index + ") failed: " + CudaStatus.cudaText(status);
        }
        cudnnContext dnn = new cudnnContext();
        status = cudnnCreate(dnn);
        if (status != CUDNN_STATUS_SUCCESS) {
            return CudaStatus.cudnnError(status, "cudnnCreate on cuda:" + index, null).getMessage();
        }
        cudnnDestroy(dnn);
        cublasContext blas = new cublasContext();
        status = cublasCreate_v2(blas);
        if (status != 0) {
            return "cublasCreate on cuda:" + index + " failed: " + cublasGetStatusName(status).getString();
        }
        cublasDestroy_v2(blas);
        return null;
    }

    private static String deviceCountFailure(int status) {
        if (status == cudaErrorNoDevice) {
            return "no CUDA device (" + CudaStatus.cudaText(status) + ")";
        }
        if (status == cudaErrorInsufficientDriver) {
            int[] driver = new int[1];
            int[] runtime = new int[1];
            cudaDriverGetVersion(driver);
            cudaRuntimeGetVersion(runtime);
            if (driver[0] == 0) {
                return "libcuda.so.1 loads but is not a working NVIDIA driver (" + CudaStatus.cudaText(status) + "; "
                        + CudaLibraries.searchPath() + ")";
            }
            return "the NVIDIA driver supports CUDA " + version(driver[0]) + " but the CUDA runtime is "
                    + version(runtime[0]) + ": update the driver (" + CudaStatus.cudaText(status) + ")";
        }
        if (status == cudaErrorStubLibrary) {
            return "libcuda.so.1 is the CUDA toolkit's stub, not an NVIDIA driver (" + CudaStatus.cudaText(status)
                    + "; " + CudaLibraries.searchPath() + ")";
        }
        return "cudaGetDeviceCount failed: " + CudaStatus.cudaText(status);
    }

    /** 13010 -> "13.1". */
    static String version(int cudaVersion) {
        return cudaVersion / 1000 + "." + cudaVersion % 1000 / 10;
    }
}
