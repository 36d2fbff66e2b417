package dev.gargoyle.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Pooling, batch-norm, linear and ReLU on cases small enough to work out by hand. */
class CpuLayersTest extends CpuBackendCase {
    @Test
    void maxPoolPicksTheFirstMaximumAndRoutesItsGradient() {
        Pool2dSpec spec = Pool2dSpec.max(2, 2, 0);
        Shape xs = Shape.of(1, 1, 2, 4);
        try (Tensor x = t(xs, 5, 5, 1, 2, 5, 5, 3, 0); Tensor y = cpu.allocate(Shape.of(1, 1, 1, 2));
             Tensor ws = cpu.allocate(cpu.pool2dWorkspaceShape(spec, xs)); Tensor dx = cpu.allocate(xs);
             Tensor dy = t(Shape.of(1, 1, 1, 2), 10, 20)) {
            cpu.pool2dForward(x, spec, y, ws);
            assertArrayEquals(new float[] {5, 3}, y.toArray());
            cpu.fill(dx, -1);
            cpu.pool2dBackward(x, y, dy, spec, ws, dx);
            assertArrayEquals(new float[] {10, 0, 0, 0, 0, 0, 20, 0}, dx.toArray());
        }
    }

    @Test
    void maxPoolInferenceNeedsNoWorkspaceAndIgnoresPadding() {
        Pool2dSpec spec = Pool2dSpec.max(2, 2, 1);
        try (Tensor x = t(Shape.of(1, 1, 2, 2), -1, -2, -3, -4); Tensor y = cpu.allocate(Shape.of(1, 1, 2, 2))) {
            cpu.pool2dForward(x, spec, y, null);
            assertArrayEquals(new float[] {-1, -2, -3, -4}, y.toArray(), "padding is not a zero candidate");
        }
    }

    @Test
    void averagePoolCountsPaddingUnlessExcluded() {
        // 2x2 input padded by 1, 2x2 windows with stride 2: each window holds one real pixel
        Pool2dSpec include = Pool2dSpec.avg(2, 2, 1);
        try (Tensor x = t(Shape.of(1, 1, 2, 2), 4, 8, 12, 16); Tensor y = cpu.allocate(Shape.of(1, 1, 2, 2));
             Tensor dx = cpu.allocate(Shape.of(1, 1, 2, 2)); Tensor dy = t(Shape.of(1, 1, 2, 2), 4, 4, 4, 4)) {
            cpu.pool2dForward(x, include, y, null);
            assertArrayEquals(new float[] {1, 2, 3, 4}, y.toArray(), 1e-6f);
            cpu.pool2dBackward(x, y, dy, include, null, dx);
            assertArrayEquals(new float[] {1, 1, 1, 1}, dx.toArray(), 1e-6f);
            cpu.pool2dForward(x, include.excludingPadding(), y, null);
            assertArrayEquals(new float[] {4, 8, 12, 16}, y.toArray(), 1e-6f);
            cpu.pool2dBackward(x, y, dy, include.excludingPadding(), null, dx);
            assertArrayEquals(new float[] {4, 4, 4, 4}, dx.toArray(), 1e-6f);
        }
    }

    @Test
    void batchNormTrainingNormalisesAndUpdatesRunningStatistics() {
        // one channel holding 1, 2, 3, 4: mean 2.5, biased var 1.25, unbiased 5/3
        float eps = 1e-5f;
        Shape one = Shape.of(1);
        try (Tensor x = t(Shape.of(2, 1, 1, 2), 1, 2, 3, 4); Tensor gamma = t(one, 2); Tensor beta = t(one, 1);
             Tensor rm = t(one, 1); Tensor rv = t(one, 1); Tensor y = cpu.allocate(x.shape());
             Tensor mean = cpu.allocate(one); Tensor invStd = cpu.allocate(one)) {
            cpu.batchNormForwardTraining(x, gamma, beta, rm, rv, 0.1f, eps, y, mean, invStd);
            double inv = 1 / Math.sqrt(1.25 + eps);
            float[] expected = new float[4];
            for (int i = 0; i < 4; i++) {
                expected[i] = (float) (2 * (i + 1 - 2.5) * inv + 1);
            }
            assertArrayEquals(expected, y.toArray(), 1e-5f);
            assertArrayEquals(new float[] {2.5f}, mean.toArray(), 1e-6f);
            assertArrayEquals(new float[] {(float) inv}, invStd.toArray(), 1e-6f);
            assertArrayEquals(new float[] {0.9f + 0.25f}, rm.toArray(), 1e-6f);
            assertArrayEquals(new float[] {(float) (0.9 + 0.1 * 5.0 / 3.0)}, rv.toArray(), 1e-6f);
        }
    }

    @Test
    void batchNormBackwardOverwritesDxAndAccumulatesParameters() {
        // x = 1..4 (xhat = (x - 2.5)·inv), dy = 1, 0, 0, 0, gamma = 2:
        // dbeta = Σdy = 1, dgamma = Σdy·xhat = -1.5·inv,
        // dx = gamma·inv/n · (n·dy - Σdy - xhat·Σ(dy·xhat))
        float eps = 1e-5f;
        Shape one = Shape.of(1);
        double inv = 1 / Math.sqrt(1.25 + eps);
        try (Tensor x = t(Shape.of(1, 1, 2, 2), 1, 2, 3, 4); Tensor dy = t(x.shape(), 1, 0, 0, 0);
             Tensor gamma = t(one, 2); Tensor mean = t(one, 2.5f); Tensor invStd = t(one, (float) inv);
             Tensor dx = t(x.shape(), 9, 9, 9, 9); Tensor dgamma = t(one, 1); Tensor dbeta = t(one, 1)) {
            cpu.batchNormBackward(x, dy, gamma, mean, invStd, eps, dx, dgamma, dbeta);
            double sumDyXhat = -1.5 * inv;
            float[] expected = new float[4];
            for (int i = 0; i < 4; i++) {
                double xhat = (i + 1 - 2.5) * inv;
                double dyi = i == 0 ? 1 : 0;
                expected[i] = (float) (2 * inv / 4 * (4 * dyi - 1 - xhat * sumDyXhat));
            }
            assertArrayEquals(expected, dx.toArray(), 1e-5f);
            assertArrayEquals(new float[] {(float) (1 + sumDyXhat)}, dgamma.toArray(), 1e-5f);
            assertArrayEquals(new float[] {2}, dbeta.toArray(), 1e-6f);
        }
    }

    @Test
    void batchNormKeepsChannelsApartInTheBlockedLayout() {
        // 32 channels (a whole number of blocks, so oneDNN runs nChw16c): channel c holds c ± 1 in a
        // checkerboard, mean c and biased variance 1; gamma = c, beta = -c
        int c = 32;
        float eps = 1e-5f;
        Shape xs = Shape.of(2, c, 1, 4);
        float[] xv = new float[(int) xs.numel()];
        float[] gv = new float[c];
        float[] bv = new float[c];
        float[] expected = new float[xv.length];
        double inv = 1 / Math.sqrt(1 + eps);
        for (int ch = 0; ch < c; ch++) {
            gv[ch] = ch;
            bv[ch] = -ch;
            for (int n = 0; n < 2; n++) {
                for (int i = 0; i < 4; i++) {
                    int sign = (n + i) % 2 == 0 ? -1 : 1;
                    int at = (n * c + ch) * 4 + i;
                    xv[at] = ch + sign;
                    expected[at] = (float) (ch * sign * inv - ch);
                }
            }
        }
        Shape cs = Shape.of(c);
        try (Tensor x = t(xs, xv); Tensor gamma = t(cs, gv); Tensor beta = t(cs, bv); Tensor rm = cpu.allocate(cs);
             Tensor rv = cpu.allocate(cs); Tensor y = cpu.allocate(xs); Tensor mean = cpu.allocate(cs);
             Tensor invStd = cpu.allocate(cs); Tensor dx = cpu.allocate(xs); Tensor dgamma = cpu.allocate(cs);
             Tensor dbeta = cpu.allocate(cs)) {
            cpu.batchNormForwardTraining(x, gamma, beta, rm, rv, 0.1f, eps, y, mean, invStd);
            assertArrayEquals(expected, y.toArray(), 1e-4f);
            float[] means = mean.toArray();
            for (int ch = 0; ch < c; ch++) {
                assertEquals(ch, means[ch], 1e-5f, "mean of channel " + ch);
            }
            // dy = the checkerboard sign s, xhat = s·inv: dbeta = Σdy = 0, dgamma = Σ dy·xhat = 8·inv,
            // dx = gamma·inv/8 · (8·s - xhat·dgamma) = gamma·s·inv·(1 - inv²) = gamma·s·inv·eps/(1 + eps)
            float[] dyv = new float[xv.length];
            float[] dxExpected = new float[xv.length];
            for (int i = 0; i < dyv.length; i++) {
                int ch = (i / 4) % c;
                dyv[i] = xv[i] - ch;
                dxExpected[i] = (float) (ch * dyv[i] * inv * eps / (1 + eps));
            }
            try (Tensor dy = t(xs, dyv)) {
                cpu.batchNormBackward(x, dy, gamma, mean, invStd, eps, dx, dgamma, dbeta);
            }
            float[] dg = dgamma.toArray();
            float[] db = dbeta.toArray();
            for (int ch = 0; ch < c; ch++) {
                assertEquals(8 * inv, dg[ch], 1e-4, "dgamma of channel " + ch);
                assertEquals(0, db[ch], 1e-5, "dbeta of channel " + ch);
            }
            assertArrayEquals(dxExpected, dx.toArray(), 5e-6f, "float cancellation in 8·s - xhat·dgamma");
        }
    }

    @Test
    void batchNormInferenceUsesRunningStatistics() {
        float eps = 0;
        Shape two = Shape.of(2);
        try (Tensor x = t(Shape.of(1, 2, 1, 2), 1, 3, 10, 20); Tensor gamma = t(two, 1, 2); Tensor beta = t(two, 0, 1);
             Tensor rm = t(two, 1, 10); Tensor rv = t(two, 4, 25); Tensor y = cpu.allocate(x.shape())) {
            cpu.batchNormForwardInference(x, gamma, beta, rm, rv, eps, y);
            assertArrayEquals(new float[] {0, 1, 1, 5}, y.toArray(), 1e-6f);
        }
    }

    @Test
    void linearForwardAndBackward() {
        // x [2,3], w [2,3]: y = x·wᵀ + b
        try (Tensor x = t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6); Tensor w = t(Shape.of(2, 3), 1, 0, -1, 2, 1, 0);
             Tensor b = t(Shape.of(2), 10, 20); Tensor y = cpu.allocate(Shape.of(2, 2));
             Tensor dy = t(Shape.of(2, 2), 1, 2, 3, 4); Tensor dx = t(Shape.of(2, 3), 5, 5, 5, 5, 5, 5);
             Tensor dw = t(Shape.of(2, 3), 1, 1, 1, 1, 1, 1); Tensor db = t(Shape.of(2), 1, 1)) {
            cpu.linearForward(x, w, b, y);
            assertArrayEquals(new float[] {8, 24, 8, 33}, y.toArray(), 1e-5f);
            cpu.linearBackwardData(dy, w, dx);
            assertArrayEquals(new float[] {5, 2, -1, 11, 4, -3}, dx.toArray(), 1e-5f);
            cpu.linearBackwardWeights(x, dy, dw, db);
            // dyᵀ·x = [[1·1+3·4, 1·2+3·5, 1·3+3·6], [2·1+4·4, 2·2+4·5, 2·3+4·6]]
            assertArrayEquals(new float[] {14, 18, 22, 19, 25, 31}, dw.toArray(), 1e-5f);
            assertArrayEquals(new float[] {5, 7}, db.toArray(), 1e-5f);
        }
    }

    @Test
    void reluForwardInPlaceAndBackwardFromOutput() {
        try (Tensor x = t(Shape.of(5), -2, -0.5f, 0, 0.5f, 3); Tensor dy = t(Shape.of(5), 1, 2, 3, 4, 5)) {
            cpu.reluForward(x, x);
            assertArrayEquals(new float[] {0, 0, 0, 0.5f, 3}, x.toArray());
            cpu.reluBackward(x, dy, dy);
            assertArrayEquals(new float[] {0, 0, 0, 4, 5}, dy.toArray());
        }
    }

    @Test
    void reluOnAFourDimensionalTensor() {
        float[] v = new float[2 * 3 * 4 * 5];
        float[] expected = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 7) - 3;
            expected[i] = Math.max(v[i], 0);
        }
        try (Tensor x = t(Shape.of(2, 3, 4, 5), v); Tensor y = cpu.allocate(x.shape())) {
            cpu.reluForward(x, y);
            assertArrayEquals(expected, y.toArray());
            assertEquals(0f, y.toArray()[0]);
        }
    }
}
