package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Compare.assertClose;
import static dev.gargoyle.parity.Scope.read;
import static dev.gargoyle.parity.Scope.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.parity.Scope;
import dev.gargoyle.reference.BatchNormRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.testing.GpuTest;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The finding in {@link CudnnBatchNorm}: cuDNN's exponentialAverageFactor is PyTorch's momentum
 * (not 1 - momentum), its running variance takes the unbiased batch variance, and its saved
 * "inverse variance" is 1/sqrt(var + eps). Checked over several steps against the float64
 * reference, on a batch small enough (8 values per channel) that each wrong reading would miss by
 * far more than the tolerance, which the test also confirms.
 */
@GpuTest
class CudaBatchNormStatisticsTest {
    private static final Shape X = Shape.of(2, 3, 2, 2);
    private static final Shape C = Shape.of(3);
    private static final float MOMENTUM = 0.3f;
    private static final float EPS = 1e-3f;
    private static final double REL = 1e-5;
    private static final double ABS = 1e-6;

    @Test
    void runningStatisticsFollowPyTorchStepAfterStep() {
        Random rng = new Random(2024);
        double[] gamma = uniform(rng, 3);
        double[] beta = uniform(rng, 3);
        double[] runningMean = new double[3];
        double[] runningVar = new double[3];
        Arrays.fill(runningVar, 1.0); // PyTorch's initial running statistics
        try (Backend b = Backends.create(Device.cuda(0)); Scope t = new Scope(b)) {
            Tensor tg = t.tensor(C, gamma);
            Tensor tb = t.tensor(C, beta);
            Tensor rm = t.tensor(C, runningMean);
            Tensor rv = t.tensor(C, runningVar);
            Tensor y = t.garbage(X);
            Tensor saveMean = t.garbage(C);
            Tensor saveInvStd = t.garbage(C);
            for (int step = 0; step < 5; step++) {
                double[] x = uniform(rng, X.numel());
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (4 * x[i] + 3 + step); // mean and variance away from 0 and 1, the mean moving
                }
                b.batchNormForwardTraining(t.tensor(X, x), tg, tb, rm, rv, MOMENTUM, EPS, y, saveMean, saveInvStd);
                BatchNormRef.Training want = BatchNormRef.forwardTraining(x, X, gamma, beta, runningMean, runningVar,
                        MOMENTUM, EPS);
                String at = "step " + step;
                assertClose(at + " y", want.y(), read(y), 1e-4, 1e-5);
                assertClose(at + " saveMean", want.saveMean(), read(saveMean), REL, ABS);
                assertClose(at + " saveInvStd = 1/sqrt(biased var + eps)", want.saveInvStd(), read(saveInvStd), REL, ABS);
                double[] gotMean = read(rm);
                double[] gotVar = read(rv);
                assertClose(at + " runningMean, factor = momentum", want.runningMean(), gotMean, REL, ABS);
                assertClose(at + " runningVar, unbiased", want.runningVar(), gotVar, REL, ABS);
                for (int c = 0; c < 3; c++) {
                    double biased = 1 / (want.saveInvStd()[c] * want.saveInvStd()[c]) - EPS;
                    double ifBiased = (1 - MOMENTUM) * runningVar[c] + MOMENTUM * biased;
                    double ifFactorInverted = MOMENTUM * runningMean[c] + (1 - MOMENTUM) * want.saveMean()[c];
                    double inverseVariance = 1 / (biased + EPS);
                    assertTrue(Math.abs(ifBiased - gotVar[c]) > 100 * (ABS + REL * Math.abs(gotVar[c])),
                            at + ": the biased reading of the running variance must be distinguishable");
                    assertTrue(Math.abs(ifFactorInverted - gotMean[c]) > 100 * (ABS + REL * Math.abs(gotMean[c])),
                            at + ": the 1 - momentum reading must be distinguishable");
                    assertTrue(Math.abs(inverseVariance - want.saveInvStd()[c]) > 100 * REL * want.saveInvStd()[c],
                            at + ": inverse variance and inverse std must be distinguishable");
                }
                runningMean = want.runningMean();
                runningVar = want.runningVar();
            }
        }
    }
}
