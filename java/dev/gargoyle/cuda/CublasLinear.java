package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Addresses.floats;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;
import static org.bytedeco.cuda.global.cublas.cublasSgemv_v2;
import static org.bytedeco.cuda.global.cublas.cublasSger_v2;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;

import org.bytedeco.javacpp.FloatPointer;

/**
 * The linear layer on cuBLAS with PyTorch's row-major layouts (x {@code [N,in]}, w {@code [out,in]},
 * y {@code [N,out]}) mapped onto column-major calls by {@link Gemm}. The bias is broadcast and
 * reduced against a cached device vector of ones: a rank-1 update (SGER) adds it in forward, a
 * matrix-vector product (SGEMV, beta = 1) sums dy into its gradient.
 */
final class CublasLinear implements NativeResource {
    private final CudaContext ctx;
    private final HostStaging staging;
    private final DeviceBuffer ones;
    private int onesLength;

    CublasLinear(CudaContext ctx, HostStaging staging) {
        this.ctx = ctx;
        this.staging = staging;
        this.ones = new DeviceBuffer(ctx, "linear layer's vector of ones");
    }

    void forward(int batch, int in, int out, long x, long w, long bias, long y) {
        gemm(Gemm.forward(batch, in, out), w, x, y, "linearForward");
        if (bias != 0) {
            // y[N,out] is column-major yᵀ [out, N]: yᵀ += bias · onesᵀ.
            CudaStatus.cublas(cublasSger_v2(ctx.blas, out, batch, ctx.one, floats(bias), 1, floats(ones(batch)), 1,
                    floats(y), Math.max(1, out)), "cublasSger", shapes("linearForward bias", batch, in, out));
        }
    }

    void backwardData(int batch, int in, int out, long dy, long w, long dx) {
        gemm(Gemm.backwardData(batch, in, out), w, dy, dx, "linearBackwardData");
    }

    void backwardWeights(int batch, int in, int out, long x, long dy, long dw, long dbias) {
        gemm(Gemm.backwardWeights(batch, in, out), x, dy, dw, "linearBackwardWeights");
        if (dbias != 0) {
            // dy[N,out] is column-major dyᵀ [out, N]: dbias += dyᵀ · ones.
            CudaStatus.cublas(cublasSgemv_v2(ctx.blas, CUBLAS_OP_N, out, batch, ctx.one, floats(dy), Math.max(1, out),
                    floats(ones(batch)), 1, ctx.one, floats(dbias), 1), "cublasSgemv",
                    shapes("linearBackwardWeights bias", batch, in, out));
        }
    }

    private void gemm(Gemm g, long a, long b, long c, String op) {
        FloatPointer beta = g.beta() == 0f ? ctx.zero : ctx.one;
        CudaStatus.cublas(cublasSgemm_v2(ctx.blas, g.transA() ? CUBLAS_OP_T : CUBLAS_OP_N,
                g.transB() ? CUBLAS_OP_T : CUBLAS_OP_N, g.m(), g.n(), g.k(), ctx.one, floats(a), g.lda(), floats(b),
                g.ldb(), beta, floats(c), g.ldc()), "cublasSgemm", op + " " + g);
    }

    /** The address of at least {@code n} device floats equal to 1, uploaded once per growth. */
    private long ones(int n) {
        if (n > onesLength) {
            ones.ensure((long) n * Float.BYTES);
            long host = staging.acquire((long) n * Float.BYTES);
            float[] values = new float[n];
            java.util.Arrays.fill(values, 1f);
            floats(host).put(values, 0, n);
            CudaStatus.cuda(cudaMemcpyAsync(Addresses.raw(ones.address()), Addresses.raw(host), (long) n * Float.BYTES,
                    cudaMemcpyHostToDevice, ctx.stream), "cudaMemcpyAsync", "ones for the linear bias");
            staging.release();
            onesLength = n;
        }
        return ones.address();
    }

    private static String shapes(String op, int batch, int in, int out) {
        return op + ": x [" + batch + ", " + in + "], w [" + out + ", " + in + "]";
    }

    @Override
    public void close() {
        ones.close();
    }
}
