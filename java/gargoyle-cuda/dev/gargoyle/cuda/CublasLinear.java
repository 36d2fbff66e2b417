package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Addresses.floats;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_N;
import static org.bytedeco.cuda.global.cublas.CUBLAS_OP_T;
import static org.bytedeco.cuda.global.cublas.cublasSgemm_v2;
import static org.bytedeco.cuda.global.cublas.cublasSgemv_v2;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The linear layer on cuBLAS with PyTorch's row-major layouts (x {@code [N,in]}, w {@code [out,in]},
 * y {@code [N,out]}) mapped onto column-major calls by {@link Gemm} and {@link Gemv}. The bias is
 * broadcast and reduced against a cached device vector of ones: a GEMM with inner dimension 1 adds
 * it in forward, a matrix-vector product (beta = 1) sums dy into its gradient.
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
        gemm(Gemm.forward(batch, in, out), w, x, y, shapes("linearForward", batch, in, out));
        if (bias != 0) {
            gemm(Gemm.biasForward(batch, out), bias, ones(batch), y, shapes("linearForward bias", batch, in, out));
        }
    }

    void backwardData(int batch, int in, int out, long dy, long w, long dx) {
        gemm(Gemm.backwardData(batch, in, out), w, dy, dx, shapes("linearBackwardData", batch, in, out));
    }

    void backwardWeights(int batch, int in, int out, long x, long dy, long dw, long dbias) {
        gemm(Gemm.backwardWeights(batch, in, out), x, dy, dw, shapes("linearBackwardWeights", batch, in, out));
        if (dbias != 0) {
            Gemv g = Gemv.biasBackward(batch, out);
            CudaStatus.cublas(cublasSgemv_v2(ctx.blas, g.transA() ? CUBLAS_OP_T : CUBLAS_OP_N, g.m(), g.n(), ctx.one,
                    floats(dy), g.lda(), floats(ones(batch)), 1, g.beta() == 0f ? ctx.zero : ctx.one, floats(dbias), 1),
                    "cublasSgemv", shapes("linearBackwardWeights bias", batch, in, out) + ", " + g);
        }
    }

    private void gemm(Gemm g, long a, long b, long c, String op) {
        FloatPointer beta = g.beta() == 0f ? ctx.zero : ctx.one;
        CudaStatus.cublas(cublasSgemm_v2(ctx.blas, g.transA() ? CUBLAS_OP_T : CUBLAS_OP_N,
                g.transB() ? CUBLAS_OP_T : CUBLAS_OP_N, g.m(), g.n(), g.k(), ctx.one, floats(a), g.lda(), floats(b),
                g.ldb(), beta, floats(c), g.ldc()), "cublasSgemm", op + ", " + g);
    }

    private static String shapes(String op, int batch, int in, int out) {
        return op + ": x [" + batch + ", " + in + "], w [" + out + ", " + in + "], y [" + batch + ", " + out + "]";
    }

    /** The address of at least {@code n} device floats equal to 1, uploaded once per growth. */
    private long ones(int n) {
        if (n > onesLength) {
            // A failed growth (out of memory) leaves a fresh block of the old size with undefined content.
            onesLength = 0;
            ones.ensure((long) n * Float.BYTES);
            float[] values = new float[n];
            Arrays.fill(values, 1f);
            staging.upload(values, 0, n, ones.address(), "ones for the linear bias");
            onesLength = n;
        }
        return ones.address();
    }

    @Override
    public void close() {
        ones.close();
    }
}
