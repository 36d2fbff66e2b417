package dev.gargoyle.cuda;

/**
 * SGEMM and SGEMV exactly as the reference BLAS defines them on column-major arrays (in double),
 * including its argument checks: what cuBLAS computes for a {@link Gemm} or {@link Gemv}, so the
 * row-major-to-column-major mapping can be tested without a GPU.
 */
final class ColumnMajorBlas {
    private ColumnMajorBlas() {
    }

    /** {@code C = op(A)·op(B) + beta·C}; with beta 0, C is not read (as BLAS: NaN there does not spread). */
    static void gemm(Gemm g, double[] a, double[] b, double[] c) {
        require(g.m() >= 0 && g.n() >= 0 && g.k() >= 0, "negative size in " + g);
        require(g.lda() >= Math.max(1, g.transA() ? g.k() : g.m()), "lda too small in " + g);
        require(g.ldb() >= Math.max(1, g.transB() ? g.n() : g.k()), "ldb too small in " + g);
        require(g.ldc() >= Math.max(1, g.m()), "ldc too small in " + g);
        for (int j = 0; j < g.n(); j++) {
            for (int i = 0; i < g.m(); i++) {
                double sum = 0;
                for (int l = 0; l < g.k(); l++) {
                    double av = g.transA() ? a[l + i * g.lda()] : a[i + l * g.lda()];
                    double bv = g.transB() ? b[j + l * g.ldb()] : b[l + j * g.ldb()];
                    sum += av * bv;
                }
                int at = i + j * g.ldc();
                c[at] = g.beta() == 0 ? sum : sum + g.beta() * c[at];
            }
        }
    }

    /** {@code y = op(A)·x + beta·y} with A {@code m×n}, unit strides. */
    static void gemv(Gemv g, double[] a, double[] x, double[] y) {
        require(g.m() >= 0 && g.n() >= 0, "negative size in " + g);
        require(g.lda() >= Math.max(1, g.m()), "lda too small in " + g);
        int rows = g.transA() ? g.n() : g.m();
        int inner = g.transA() ? g.m() : g.n();
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int l = 0; l < inner; l++) {
                double av = g.transA() ? a[l + r * g.lda()] : a[r + l * g.lda()];
                sum += av * x[l];
            }
            y[r] = g.beta() == 0 ? sum : sum + g.beta() * y[r];
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("cuBLAS would reject this call: " + message);
        }
    }
}
