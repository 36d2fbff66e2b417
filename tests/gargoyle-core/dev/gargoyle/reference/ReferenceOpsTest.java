package dev.gargoyle.reference;

import static dev.gargoyle.reference.FiniteDifferences.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The reference forwards against values worked out by hand and against each other: every conv
 * feature (padding, stride, dilation, groups) reduces to a plain convolution, and a convolution
 * whose kernel covers the input is a linear layer. Finite differences then vouch for the backwards.
 */
class ReferenceOpsTest {
    private static final double EXACT = 1e-12;
    private final Random rng = new Random(7);

    private static double[] range(int n) {
        return IntStream.rangeClosed(1, n).asDoubleStream().toArray();
    }

    @Test
    void convByHandWithPadding() {
        // w = [[1,0],[0,-1]]: y(p,q) = x(p-1,q-1) - x(p,q), x = 1..9 padded with zeros.
        double[] y = Conv2dRef.forward(range(9), Shape.of(1, 1, 3, 3), new double[] {1, 0, 0, -1},
                Shape.of(1, 1, 2, 2), null, Conv2dSpec.of(1, 1));
        assertArrayEquals(new double[] {-1, -2, -3, 0, -4, -4, -4, 3, -7, -4, -4, 6, 0, 7, 8, 9}, y, EXACT);
    }

    @Test
    void convByHandWithStrideDilationAndBias() {
        double[] strided = Conv2dRef.forward(range(16), Shape.of(1, 1, 4, 4), new double[] {2},
                Shape.of(1, 1, 1, 1), new double[] {0.5}, Conv2dSpec.of(2, 0));
        assertArrayEquals(new double[] {2.5, 6.5, 18.5, 22.5}, strided, EXACT);
        // A 2x2 kernel of ones dilated by 2 on x = 1..25 (5x5) sums x(p,q), x(p,q+2), x(p+2,q), x(p+2,q+2).
        double[] dilated = Conv2dRef.forward(range(25), Shape.of(1, 1, 5, 5), new double[] {1, 1, 1, 1},
                Shape.of(1, 1, 2, 2), null, Conv2dSpec.of(1, 0).withDilation(2));
        double[] expected = new double[9];
        for (int p = 0; p < 3; p++) {
            for (int q = 0; q < 3; q++) {
                expected[p * 3 + q] = 28 + 20 * p + 4 * q;
            }
        }
        assertArrayEquals(expected, dilated, EXACT);
    }

    @Test
    void convWithKernelCoveringTheInputIsLinear() {
        Shape xs = Shape.of(3, 2, 3, 4), ws = Shape.of(5, 2, 3, 4);
        double[] x = uniform(rng, 72), w = uniform(rng, 120), b = uniform(rng, 5);
        assertArrayEquals(LinearRef.forward(x, 3, 24, w, 5, b), Conv2dRef.forward(x, xs, w, ws, b, Conv2dSpec.of(1, 0)),
                EXACT);
    }

    @Test
    void convPaddingIsZeroPaddedInput() {
        Shape xs = Shape.of(2, 2, 4, 5), ws = Shape.of(3, 2, 3, 3);
        double[] x = uniform(rng, 80), w = uniform(rng, 54);
        double[] padded = new double[2 * 2 * 8 * 7];
        for (int plane = 0; plane < 4; plane++) {
            for (int h = 0; h < 4; h++) {
                for (int v = 0; v < 5; v++) {
                    padded[(plane * 8 + h + 2) * 7 + v + 1] = x[(plane * 4 + h) * 5 + v];
                }
            }
        }
        assertArrayEquals(Conv2dRef.forward(padded, Shape.of(2, 2, 8, 7), w, ws, null, Conv2dSpec.of(1, 0)),
                Conv2dRef.forward(x, xs, w, ws, null, new Conv2dSpec(1, 1, 2, 1, 1, 1, 1)), EXACT);
    }

    @Test
    void convStrideSubsamplesStrideOne() {
        Shape xs = Shape.of(1, 2, 7, 8), ws = Shape.of(2, 2, 3, 2);
        double[] x = uniform(rng, 112), w = uniform(rng, 24);
        double[] dense = Conv2dRef.forward(x, xs, w, ws, null, Conv2dSpec.of(1, 1)); // [1,2,7,9]
        double[] strided = Conv2dRef.forward(x, xs, w, ws, null, new Conv2dSpec(2, 3, 1, 1, 1, 1, 1)); // [1,2,4,3]
        double[] expected = new double[2 * 4 * 3];
        for (int k = 0; k < 2; k++) {
            for (int p = 0; p < 4; p++) {
                for (int q = 0; q < 3; q++) {
                    expected[(k * 4 + p) * 3 + q] = dense[(k * 7 + 2 * p) * 9 + 3 * q];
                }
            }
        }
        assertArrayEquals(expected, strided, EXACT);
    }

    @Test
    void convDilationIsKernelWithInsertedZeros() {
        Shape xs = Shape.of(2, 1, 9, 8), ws = Shape.of(2, 1, 2, 3);
        double[] x = uniform(rng, 144), w = uniform(rng, 12);
        // Dilation 3x2: the 2x3 kernel spreads to 4x5 with zeros between taps.
        double[] spread = new double[2 * 4 * 5];
        for (int k = 0; k < 2; k++) {
            for (int r = 0; r < 2; r++) {
                for (int s = 0; s < 3; s++) {
                    spread[(k * 4 + 3 * r) * 5 + 2 * s] = w[(k * 2 + r) * 3 + s];
                }
            }
        }
        assertArrayEquals(Conv2dRef.forward(x, xs, spread, Shape.of(2, 1, 4, 5), null, Conv2dSpec.of(1, 1)),
                Conv2dRef.forward(x, xs, w, ws, null, new Conv2dSpec(1, 1, 1, 1, 3, 2, 1)), EXACT);
    }

    @Test
    void convGroupsAreIndependentConvolutions() {
        // groups=2, C=4, K=6: output channels 0..2 see input channels 0..1, 3..5 see 2..3.
        Shape xs = Shape.of(2, 4, 5, 5), ws = Shape.of(6, 2, 3, 3);
        double[] x = uniform(rng, 200), w = uniform(rng, 108), b = uniform(rng, 6);
        double[] grouped = Conv2dRef.forward(x, xs, w, ws, b, Conv2dSpec.of(1, 1).withGroups(2));
        for (int g = 0; g < 2; g++) {
            double[] xg = new double[2 * 2 * 25];
            for (int n = 0; n < 2; n++) {
                System.arraycopy(x, (n * 4 + 2 * g) * 25, xg, n * 2 * 25, 2 * 25);
            }
            double[] yg = Conv2dRef.forward(xg, Shape.of(2, 2, 5, 5), Arrays.copyOfRange(w, g * 54, g * 54 + 54),
                    Shape.of(3, 2, 3, 3), Arrays.copyOfRange(b, 3 * g, 3 * g + 3), Conv2dSpec.of(1, 1));
            for (int n = 0; n < 2; n++) {
                assertArrayEquals(Arrays.copyOfRange(yg, n * 75, n * 75 + 75),
                        Arrays.copyOfRange(grouped, (n * 6 + 3 * g) * 25, (n * 6 + 3 * g) * 25 + 75), EXACT);
            }
        }
    }

    @Test
    void poolByHand() {
        Shape xs = Shape.of(1, 1, 4, 4);
        double[] x = IntStream.range(0, 16).asDoubleStream().toArray();
        assertArrayEquals(new double[] {5, 7, 13, 15}, Pool2dRef.forward(x, xs, Pool2dSpec.max(2, 2, 0)), EXACT);
        assertArrayEquals(new double[] {2.5, 4.5, 10.5, 12.5}, Pool2dRef.forward(x, xs, Pool2dSpec.avg(2, 2, 0)), EXACT);
        // Kernel 3, stride 2 on 4x4: one window per axis (floor mode drops the partial one).
        assertArrayEquals(new double[] {10}, Pool2dRef.forward(x, xs, Pool2dSpec.max(3, 2, 0)), EXACT);
        assertArrayEquals(new double[] {5}, Pool2dRef.forward(x, xs, Pool2dSpec.avg(3, 2, 0)), EXACT);
    }

    @Test
    void averagePoolCountsPaddingUnlessExcluded() {
        Shape xs = Shape.of(1, 1, 2, 2);
        double[] x = {1, 2, 3, 4};
        // Kernel 3, stride 1, padding 1: every window holds all four cells and five padded ones.
        double[] with = Pool2dRef.forward(x, xs, Pool2dSpec.avg(3, 1, 1));
        double[] without = Pool2dRef.forward(x, xs, Pool2dSpec.avg(3, 1, 1).excludingPadding());
        assertArrayEquals(new double[] {10 / 9.0, 10 / 9.0, 10 / 9.0, 10 / 9.0}, with, EXACT);
        assertArrayEquals(new double[] {2.5, 2.5, 2.5, 2.5}, without, EXACT);
        assertArrayEquals(new double[] {4 / 9.0, 4 / 9.0, 4 / 9.0, 4 / 9.0},
                Pool2dRef.backward(x, xs, Pool2dSpec.avg(3, 1, 1), new double[] {1, 1, 1, 1}), EXACT);
        // Kernel 3, stride 2, padding 1 on 3x3 (1..9): four windows of 2x2 real cells each.
        Pool2dSpec corners = Pool2dSpec.avg(3, 2, 1);
        assertArrayEquals(new double[] {3, 4, 6, 7},
                Pool2dRef.forward(range(9), Shape.of(1, 1, 3, 3), corners.excludingPadding()), EXACT);
        assertArrayEquals(new double[] {12 / 9.0, 16 / 9.0, 24 / 9.0, 28 / 9.0},
                Pool2dRef.forward(range(9), Shape.of(1, 1, 3, 3), corners), EXACT);
    }

    @Test
    void maxPoolTieGoesToFirstMaximumRowMajor() {
        Shape xs = Shape.of(1, 1, 2, 2);
        Pool2dSpec spec = Pool2dSpec.max(2, 2, 0);
        assertArrayEquals(new double[] {3, 0, 0, 0}, Pool2dRef.backward(new double[4], xs, spec, new double[] {3}));
        assertArrayEquals(new double[] {0, 3, 0, 0},
                Pool2dRef.backward(new double[] {1, 5, 5, 1}, xs, spec, new double[] {3}));
        assertArrayEquals(new double[] {0, 0, 3, 0},
                Pool2dRef.backward(new double[] {1, 2, 5, 5}, xs, spec, new double[] {3}));
        // Padding never wins, even over negative values.
        assertArrayEquals(new double[] {-4, -3, -2, -2},
                Pool2dRef.forward(new double[] {-5, -4, -3, -2}, Shape.of(1, 1, 1, 4), Pool2dSpec.max(3, 1, 1)));
    }

    @Test
    void batchNormTrainingByHand() {
        double eps = 1e-5;
        BatchNormRef.Training t = BatchNormRef.forwardTraining(new double[] {1, 2, 3, 4}, Shape.of(1, 1, 2, 2),
                new double[] {2}, new double[] {0.5}, new double[] {0}, new double[] {1}, 0.1, eps);
        double invStd = 1 / Math.sqrt(1.25 + eps); // biased variance of 1..4
        assertArrayEquals(new double[] {2.5}, t.saveMean(), EXACT);
        assertArrayEquals(new double[] {invStd}, t.saveInvStd(), EXACT);
        assertArrayEquals(new double[] {0.25}, t.runningMean(), EXACT);
        assertArrayEquals(new double[] {0.9 + 0.1 * 5 / 3.0}, t.runningVar(), EXACT); // unbiased: 5/3
        assertArrayEquals(new double[] {-3 * invStd + 0.5, -invStd + 0.5, invStd + 0.5, 3 * invStd + 0.5}, t.y(), EXACT);
    }

    @Test
    void batchNormTrainingStatisticsSpanBatchAndSpace() {
        Shape xs = Shape.of(3, 2, 2, 3);
        double[] x = uniform(rng, 36);
        BatchNormRef.Training t = BatchNormRef.forwardTraining(x, xs, new double[] {1, 1}, new double[] {0, 0},
                new double[2], new double[2], 1, 0);
        for (int c = 0; c < 2; c++) {
            double sum = 0, sq = 0;
            for (int n = 0; n < 3; n++) {
                for (int j = 0; j < 6; j++) {
                    double v = t.y()[(n * 2 + c) * 6 + j];
                    sum += v;
                    sq += v * v;
                }
            }
            assertEquals(0, sum / 18, EXACT, "mean of channel " + c);
            assertEquals(1, sq / 18, EXACT, "biased variance of channel " + c);
        }
    }

    @Test
    void batchNormInferenceByHand() {
        double[] y = BatchNormRef.forwardInference(new double[] {1, 2, 3, 4}, Shape.of(2, 2, 1, 1),
                new double[] {1, 3}, new double[] {0, -1}, new double[] {1, 2}, new double[] {4, 0.25}, 0);
        // channel 0 holds x[0], x[2]; channel 1 holds x[1], x[3].
        assertArrayEquals(new double[] {0, -1, 1, 11}, y, EXACT);
    }

    @Test
    void linearByHand() {
        double[] y = LinearRef.forward(new double[] {1, 2}, 1, 2, new double[] {1, 0, 3, -1, 0, 2}, 3,
                new double[] {10, 20, 30});
        assertArrayEquals(new double[] {11, 21, 34}, y, EXACT);
    }

    @Test
    void dropoutMaskKeepsAboutOneMinusPScaled() {
        int n = 100_000;
        double[] mask = ActivationRef.dropoutMask(n, 0.3f, 42);
        long zeros = Arrays.stream(mask).filter(m -> m == 0).count();
        assertEquals(0.3, zeros / (double) n, 0.01);
        assertEquals(1 / 0.7, Arrays.stream(mask).filter(m -> m != 0).min().orElseThrow(), 1e-7);
        assertEquals(1 / 0.7, Arrays.stream(mask).max().orElseThrow(), 1e-7);
        assertArrayEquals(mask, ActivationRef.dropoutMask(n, 0.3f, 42));
        assertNotEquals(Arrays.hashCode(mask), Arrays.hashCode(ActivationRef.dropoutMask(n, 0.3f, 43)));
        assertEquals(n, Arrays.stream(ActivationRef.dropoutMask(n, 0, 42)).filter(m -> m == 1).count());
    }

    @Test
    void softmaxCrossEntropyByHand() {
        assertEquals(Math.log(2), SoftmaxCrossEntropyRef.loss(new double[] {0, 0}, 1, 2, new int[] {0}), EXACT);
        // Two rows: uniform over 3 classes, then one logit far ahead on the right label.
        double[] logits = {1, 1, 1, 0, 0, 50};
        assertEquals((Math.log(3) + Math.log(1 + 2 * Math.exp(-50))) / 2,
                SoftmaxCrossEntropyRef.loss(logits, 2, 3, new int[] {1, 2}), EXACT);
        double[] g = SoftmaxCrossEntropyRef.gradient(logits, 2, 3, new int[] {1, 2}, 4);
        assertArrayEquals(new double[] {2 / 3.0, -4 / 3.0, 2 / 3.0, 0, 0, 0}, g, 1e-12);
    }

    @Test
    void sgdStepsByHand() {
        double[] p = {1}, v = {0};
        OptimizerRef.sgdStep(p, new double[] {0.5}, v, 0.1, 0.9, 0.01, false);
        assertArrayEquals(new double[] {0.949}, p, EXACT); // g = 0.5 + 0.01, v = g
        OptimizerRef.sgdStep(p, new double[] {0.5}, v, 0.1, 0.9, 0.01, false);
        assertArrayEquals(new double[] {0.96849}, v, EXACT); // 0.9·0.51 + 0.5 + 0.01·0.949
        assertArrayEquals(new double[] {0.949 - 0.096849}, p, EXACT);

        double[] pn = {1}, vn = {0};
        OptimizerRef.sgdStep(pn, new double[] {0.5}, vn, 0.1, 0.9, 0.01, true);
        assertArrayEquals(new double[] {1 - 0.1 * (0.51 + 0.9 * 0.51)}, pn, EXACT);

        double[] plain = {1};
        OptimizerRef.sgdStep(plain, new double[] {0.5}, null, 0.1, 0, 0, false);
        assertArrayEquals(new double[] {0.95}, plain, EXACT);
    }

    @Test
    void adamStepsByHand() {
        double eps = 1e-8;
        // Step 1: m̂ = g and v̂ = g², so the step is lr·g/(|g| + eps).
        double[] p = {1}, m = {0}, v = {0};
        OptimizerRef.adamStep(p, new double[] {1}, m, v, 0.1, 0.9, 0.999, eps, 0, false, 1);
        assertArrayEquals(new double[] {1 - 0.1 / (1 + eps)}, p, EXACT);
        // Step 2 with g = -1: m = 0.09 - 0.1, v = 0.000999 + 0.001; m̂ = -0.01/0.19, v̂ = 1.
        OptimizerRef.adamStep(p, new double[] {-1}, m, v, 0.1, 0.9, 0.999, eps, 0, false, 2);
        assertArrayEquals(new double[] {-0.01}, m, EXACT);
        assertArrayEquals(new double[] {0.001999}, v, EXACT);
        assertArrayEquals(new double[] {1 - 0.1 / (1 + eps) + 0.1 * (0.01 / 0.19) / (1 + eps)}, p, 1e-12);

        double[] adam = {1};
        OptimizerRef.adamStep(adam, new double[] {0.5}, new double[1], new double[1], 0.1, 0.9, 0.999, eps, 0.1,
                false, 1);
        assertArrayEquals(new double[] {1 - 0.1 * 0.6 / (0.6 + eps)}, adam, EXACT); // L2: g = 0.5 + 0.1·1
        double[] adamw = {1};
        OptimizerRef.adamStep(adamw, new double[] {0.5}, new double[1], new double[1], 0.1, 0.9, 0.999, eps, 0.1,
                true, 1);
        assertArrayEquals(new double[] {0.99 - 0.1 * 0.5 / (0.5 + eps)}, adamw, EXACT); // decay by 1 - lr·wd first
    }

    @Test
    void imagesToTensorByHand() {
        // One 1x2 image: pixel (0,0) = (255, 0, 51), pixel (0,1) = (0, 255, 102).
        byte[] pixels = {(byte) 255, 0, 51, 0, (byte) 255, 102};
        float[] half = {0.5f, 0.5f, 0.5f};
        assertArrayEquals(new double[] {1, -1, -1, 1, -0.6, -0.2},
                InputRef.imagesToTensor(pixels, 1, 1, 2, half, half), 1e-12);
    }

    @Test
    void elementwiseByHand() {
        assertArrayEquals(new double[] {2, -4}, ElementwiseRef.scale(new double[] {1, -2}, 2), EXACT);
        assertArrayEquals(new double[] {7, 2}, ElementwiseRef.axpy(3, new double[] {2, 1}, new double[] {1, -1}), EXACT);
        assertArrayEquals(new double[] {3, 0}, ElementwiseRef.add(new double[] {1, -1}, new double[] {2, 1}), EXACT);
        assertEquals(5, ElementwiseRef.sumOfSquares(new double[] {1, -2}), EXACT);
    }
}
