package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gargoyle.reference.LinearRef;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The linear layer's cuBLAS calls, run through a column-major BLAS written from the BLAS
 * definition, must compute PyTorch's row-major products (the float64 {@link LinearRef}) on the
 * same memory: no GPU needed to check the layout mapping of {@link Gemm} and {@link Gemv}.
 */
class GemmLayoutTest {
    private static final double EXACT = 1e-12;

    private static double[] random(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = 2 * r.nextDouble() - 1;
        }
        return a;
    }

    private static double[] ones(int n) {
        double[] a = new double[n];
        Arrays.fill(a, 1);
        return a;
    }

    @ParameterizedTest(name = "N{0} in{1} out{2}")
    @CsvSource({"1,1,1", "5,7,10", "3,64,10", "8,32,3", "2,1,9", "6,20,7"})
    void forwardIsXTimesWTransposedPlusBias(int n, int in, int out) {
        Random r = new Random(n * 1000L + in * 10L + out);
        double[] x = random(r, n * in);
        double[] w = random(r, out * in);
        double[] bias = random(r, out);
        double[] y = new double[n * out];
        Arrays.fill(y, Double.NaN); // overwritten, as beta = 0 does not read it
        // As CublasLinear.forward binds them: A = w, B = x, C = y; then A = bias, B = ones.
        ColumnMajorBlas.gemm(Gemm.forward(n, in, out), w, x, y);
        ColumnMajorBlas.gemm(Gemm.biasForward(n, out), bias, ones(n), y);
        assertArrayEquals(LinearRef.forward(x, n, in, w, out, bias), y, EXACT);
    }

    @ParameterizedTest(name = "N{0} in{1} out{2}")
    @CsvSource({"1,1,1", "5,7,10", "3,64,10", "8,32,3", "2,1,9", "6,20,7"})
    void backwardDataIsDyTimesW(int n, int in, int out) {
        Random r = new Random(n * 1000L + in * 10L + out + 1);
        double[] dy = random(r, n * out);
        double[] w = random(r, out * in);
        double[] dx = new double[n * in];
        Arrays.fill(dx, Double.NaN);
        ColumnMajorBlas.gemm(Gemm.backwardData(n, in, out), w, dy, dx);
        assertArrayEquals(LinearRef.backwardData(dy, n, w, out, in), dx, EXACT);
    }

    @ParameterizedTest(name = "N{0} in{1} out{2}")
    @CsvSource({"1,1,1", "5,7,10", "3,64,10", "8,32,3", "2,1,9", "6,20,7"})
    void backwardWeightsAccumulateDyTransposedTimesXAndTheBiasSum(int n, int in, int out) {
        Random r = new Random(n * 1000L + in * 10L + out + 2);
        double[] x = random(r, n * in);
        double[] dy = random(r, n * out);
        double[] dw0 = random(r, out * in);
        double[] db0 = random(r, out);
        double[] dw = dw0.clone();
        double[] db = db0.clone();
        ColumnMajorBlas.gemm(Gemm.backwardWeights(n, in, out), x, dy, dw);
        ColumnMajorBlas.gemv(Gemv.biasBackward(n, out), dy, ones(n), db);
        double[] gw = LinearRef.backwardWeights(x, n, in, dy, out);
        double[] gb = LinearRef.backwardBias(dy, n, out);
        for (int i = 0; i < gw.length; i++) {
            gw[i] += dw0[i];
        }
        for (int i = 0; i < gb.length; i++) {
            gb[i] += db0[i];
        }
        assertArrayEquals(gw, dw, EXACT);
        assertArrayEquals(gb, db, EXACT);
    }

    @ParameterizedTest(name = "N{0} in{1} out{2}")
    @CsvSource({"0,4,3", "4,0,3", "4,3,0"})
    void emptyMatricesKeepLegalLeadingDimensions(int n, int in, int out) {
        double[] y = new double[Math.max(1, n * out)];
        Arrays.fill(y, Double.NaN);
        assertDoesNotThrow(() -> {
            ColumnMajorBlas.gemm(Gemm.forward(n, in, out), new double[1 + out * in], new double[1 + n * in], y);
            ColumnMajorBlas.gemm(Gemm.backwardData(n, in, out), new double[1 + out * in], new double[1 + n * out],
                    new double[1 + n * in]);
            ColumnMajorBlas.gemm(Gemm.backwardWeights(n, in, out), new double[1 + n * in], new double[1 + n * out],
                    new double[1 + out * in]);
            ColumnMajorBlas.gemv(Gemv.biasBackward(n, out), new double[1 + n * out], new double[1 + n],
                    new double[1 + out]);
        });
        if (in == 0 && n * out > 0) {
            // k = 0 with beta = 0: BLAS writes zeros, the right product of empty rows.
            assertArrayEquals(new double[n * out], y, 0);
        }
    }

    @Test
    void theEmulatorRejectsWhatCublasRejects() {
        Gemm bad = new Gemm(false, false, 4, 2, 3, 3, 3, 4, 0f);
        assertThrows(IllegalArgumentException.class, () -> ColumnMajorBlas.gemm(bad, new double[12], new double[6],
                new double[8]));
    }
}
