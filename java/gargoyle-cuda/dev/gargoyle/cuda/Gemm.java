package dev.gargoyle.cuda;

/**
 * One column-major cuBLAS SGEMM, {@code C = op(A)·op(B) + beta·C} with C {@code m×n}, as the linear
 * layer's row-major products map onto it. The trick (llm.c's): a row-major {@code [r,c]} matrix is
 * the column-major {@code [c,r]} matrix with leading dimension c, its transpose; so a row-major
 * product {@code Y = X·Wᵀ} is the column-major product {@code Yᵀ = W·Xᵀ}, reading the same memory.
 *
 * @param transA whether A is read transposed (CUBLAS_OP_T)
 * @param transB whether B is read transposed
 */
record Gemm(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc, float beta) {

    /** {@code y[N,out] = x[N,in]·w[out,in]ᵀ}: column-major {@code yᵀ = (wᵀ)ᵀ·xᵀ}; A = w, B = x, C = y. */
    static Gemm forward(int batch, int in, int out) {
        return new Gemm(true, false, out, batch, in, ld(in), ld(in), ld(out), 0f);
    }

    /** {@code dx[N,in] = dy[N,out]·w[out,in]}: column-major {@code dxᵀ = wᵀ·dyᵀ}; A = w, B = dy, C = dx. */
    static Gemm backwardData(int batch, int in, int out) {
        return new Gemm(false, false, in, batch, out, ld(in), ld(out), ld(in), 0f);
    }

    /** {@code dw[out,in] += dy[N,out]ᵀ·x[N,in]}: column-major {@code dwᵀ += xᵀ·dy}; A = x, B = dy, C = dw. */
    static Gemm backwardWeights(int batch, int in, int out) {
        return new Gemm(false, true, in, out, batch, ld(in), ld(out), ld(in), 1f);
    }

    /**
     * {@code y[N,out] += bias[out]} broadcast over rows, as a rank-1 product with ones: column-major
     * {@code yᵀ[out,N] += bias[out,1]·ones[1,N]}; A = bias, B = ones, C = y.
     */
    static Gemm biasForward(int batch, int out) {
        return new Gemm(false, false, out, batch, 1, ld(out), 1, ld(out), 1f);
    }

    /** cuBLAS wants a leading dimension of at least 1 even for an empty matrix. */
    private static int ld(int rows) {
        return Math.max(1, rows);
    }
}
