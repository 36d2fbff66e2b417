package dev.gargoyle.cuda;

/**
 * One column-major cuBLAS SGEMV, {@code y = op(A)·x + beta·y} with A {@code m×n}; see {@link Gemm}
 * for how row-major matrices read as column-major ones.
 */
record Gemv(boolean transA, int m, int n, int lda, float beta) {

    /**
     * {@code dbias[out] += sum over rows of dy[N,out]}: column-major {@code dyᵀ[out,N]·ones[N]};
     * A = dy, x = ones, y = dbias.
     */
    static Gemv biasBackward(int batch, int out) {
        return new Gemv(false, out, batch, Math.max(1, out), 1f);
    }
}
