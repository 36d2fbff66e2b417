package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cublas.CUBLAS_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cublas.CUBLAS_TF32_TENSOR_OP_MATH;
import static org.bytedeco.cuda.global.cublas.cublasCreate_v2;
import static org.bytedeco.cuda.global.cublas.cublasDestroy_v2;
import static org.bytedeco.cuda.global.cublas.cublasSetMathMode;
import static org.bytedeco.cuda.global.cublas.cublasSetStream_v2;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.cuda.global.cudnn.cudnnCreate;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroy;
import static org.bytedeco.cuda.global.cudnn.cudnnSetStream;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.javacpp.FloatPointer;

/**
 * What every op of one CUDA backend shares: the device, the one stream all work is queued on, the
 * cuDNN and cuBLAS handles bound to it, and host-side scalars for cuDNN's and cuBLAS's alpha/beta
 * (both read host scalars when the call is made, so one scratch scalar can be reused).
 */
final class CudaContext implements NativeResource {
    final int device;
    final CUstream_st stream = new CUstream_st();
    final cudnnContext dnn = new cudnnContext();
    final cublasContext blas = new cublasContext();
    final FloatPointer one = new FloatPointer(1f);
    final FloatPointer zero = new FloatPointer(0f);
    private final FloatPointer scalar = new FloatPointer(1);
    private boolean closed;

    /**
     * @param tf32 lets cuBLAS use TF32 tensor cores for FP32 GEMMs; otherwise CUBLAS_DEFAULT_MATH,
     *             which for FP32 keeps full FP32 precision (TF32 needs the explicit mode) while still
     *             allowing cuBLAS's usual kernel choices; CUBLAS_PEDANTIC_MATH would also forbid
     *             those, at a speed cost, for no precision we need.
     */
    CudaContext(int device, boolean tf32) {
        this.device = device;
        try {
            activate();
            CudaStatus.cuda(cudaStreamCreate(stream), "cudaStreamCreate", "cuda:" + device);
            CudaStatus.cudnn(cudnnCreate(dnn), "cudnnCreate", "cuda:" + device);
            CudaStatus.cudnn(cudnnSetStream(dnn, stream), "cudnnSetStream");
            CudaStatus.cublas(cublasCreate_v2(blas), "cublasCreate", "cuda:" + device);
            CudaStatus.cublas(cublasSetStream_v2(blas, stream), "cublasSetStream", null);
            CudaStatus.cublas(cublasSetMathMode(blas, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
                    "cublasSetMathMode", tf32 ? "TF32" : "default FP32");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Makes this backend's device current on the calling thread (CUDA's current device is per thread). */
    void activate() {
        CudaStatus.cuda(cudaSetDevice(device), "cudaSetDevice", "cuda:" + device);
    }

    /** A host float holding {@code value}, valid until the next call. */
    FloatPointer scalar(float value) {
        return scalar.put(0, value);
    }

    void synchronize() {
        CudaStatus.cuda(cudaStreamSynchronize(stream), "cudaStreamSynchronize", "cuda:" + device);
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Release r = new Release();
        if (!stream.isNull()) {
            r.run(this::synchronize);
        }
        if (!blas.isNull()) {
            r.run(() -> CudaStatus.cublas(cublasDestroy_v2(blas), "cublasDestroy", null));
        }
        if (!dnn.isNull()) {
            r.run(() -> CudaStatus.cudnn(cudnnDestroy(dnn), "cudnnDestroy"));
        }
        if (!stream.isNull()) {
            r.run(() -> CudaStatus.cuda(cudaStreamDestroy(stream), "cudaStreamDestroy"));
        }
        one.close();
        zero.close();
        scalar.close();
        r.done();
    }
}
