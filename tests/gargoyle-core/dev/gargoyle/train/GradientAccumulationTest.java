package dev.gargoyle.train;

import static dev.gargoyle.testing.Floats.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Conv2d;
import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Dropout;
import dev.gargoyle.nn.Flatten;
import dev.gargoyle.nn.Linear;
import dev.gargoyle.nn.MaxPool2d;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.Module;
import dev.gargoyle.nn.ReLU;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.optim.Sgd;
import dev.gargoyle.reference.ReferenceBackend;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gradient accumulation: k micro-batches of B must update exactly as one batch of k·B would, the
 * last shorter group of an epoch with its own scale, and k = 1 must be plain training.
 */
class GradientAccumulationTest {
    private static final int CLASSES = 5;
    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = ReferenceBackend.create();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static Sequential smallNet() {
        return new Sequential(new Conv2d(3, 4, 3, 1, 1), new ReLU(), new MaxPool2d(2, 2), new Flatten(),
                new Linear(4 * 4 * 4, CLASSES));
    }

    /** A data set of {@code n} random 3x8x8 images (row-major) and labels, the same for every call. */
    private static float[][] data(int n, int side) {
        Random r = new Random(7);
        float[] x = new float[n * 3 * side * side];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(CLASSES);
        }
        return new float[][] {x, labels};
    }

    /**
     * Trains one fresh model (same seed every time) over {@code batchSizes} consecutive slices of the
     * data with accumulation {@code k}, SGD with momentum, and returns its parameters.
     */
    private static float[] train(Supplier<Module> net, int side, boolean eval, float[][] data, int[] batchSizes,
                                 int k) {
        try (Model model = new Model(net.get(), backend, 3, Shape.of(3, side, side));
             Sgd sgd = new Sgd(model, name -> 1.0, 0.9, 1e-3, false);
             TrainStep step = new TrainStep(model, sgd, CrossEntropyLoss.unweighted(), 0)) {
            if (eval) {
                model.eval();
            }
            AccumulationPlan plan = new AccumulationPlan(Arrays.stream(batchSizes).asDoubleStream().toArray(), k);
            int start = 0;
            int image = 3 * side * side;
            for (int i = 0; i < batchSizes.length; i++) {
                int n = batchSizes[i];
                try (Tensor x = backend.allocate(Shape.of(n, 3, side, side))) {
                    x.copyFrom(Arrays.copyOfRange(data[0], start * image, (start + n) * image));
                    int[] labels = new int[n];
                    for (int j = 0; j < n; j++) {
                        labels[j] = (int) data[1][start + j];
                    }
                    step.microBatch(x, labels, plan.lossScale(i));
                }
                if (plan.endsUpdate(i)) {
                    step.update(0.05);
                }
                start += n;
            }
            return model.flatParameters().toArray();
        }
    }

    @Test
    void kMicroBatchesOfBUpdateAsOneBatchOfKB() {
        float[][] d = data(12, 8);
        float[] accumulated = train(GradientAccumulationTest::smallNet, 8, false, d, new int[] {3, 3, 3, 3}, 4);
        float[] whole = train(GradientAccumulationTest::smallNet, 8, false, d, new int[] {12}, 1);
        float[] untouched = train(GradientAccumulationTest::smallNet, 8, false, d, new int[0], 1);
        assertClose("4 x 3 accumulated vs 12 at once", whole, accumulated, 2e-5);
        assertTrue(!Arrays.equals(whole, untouched), "the update must change the parameters");
    }

    @Test
    void epochWhoseBatchCountIsNotAMultipleOfKStepsTheLastGroupWithItsOwnScale() {
        float[][] d = data(15, 8);
        // 7 micro-batches (the last one short) with k = 3 -> updates over 6, 6 and 2 + 1 samples.
        float[] accumulated = train(GradientAccumulationTest::smallNet, 8, false, d,
                new int[] {2, 2, 2, 2, 2, 2, 2, 1}, 3);
        float[] equivalent = train(GradientAccumulationTest::smallNet, 8, false, d, new int[] {6, 6, 3}, 1);
        float[] wrongScale = trainWithLastGroupScaledByOneOverK(d);
        assertClose("groups 3+3+2 vs full batches 6, 6, 3", equivalent, accumulated, 2e-5);
        assertTrue(maxRelDiff(equivalent, wrongScale) > 1e-3, "scaling the last group by 1/k must differ");
    }

    /** The mistake the plan avoids: the short last group scaled by 1/k of each micro-batch's mean. */
    private static float[] trainWithLastGroupScaledByOneOverK(float[][] d) {
        try (Model model = new Model(smallNet(), backend, 3, Shape.of(3, 8, 8));
             Sgd sgd = new Sgd(model, name -> 1.0, 0.9, 1e-3, false);
             TrainStep step = new TrainStep(model, sgd, CrossEntropyLoss.unweighted(), 0)) {
            int[] sizes = {2, 2, 2, 2, 2, 2, 2, 1};
            int start = 0;
            for (int i = 0; i < sizes.length; i++) {
                try (Tensor x = backend.allocate(Shape.of(sizes[i], 3, 8, 8))) {
                    x.copyFrom(Arrays.copyOfRange(d[0], start * 192, (start + sizes[i]) * 192));
                    int[] labels = new int[sizes[i]];
                    for (int j = 0; j < sizes[i]; j++) {
                        labels[j] = (int) d[1][start + j];
                    }
                    step.microBatch(x, labels, 1f / 3);
                }
                if (i % 3 == 2 || i == sizes.length - 1) {
                    step.update(0.05);
                }
                start += sizes[i];
            }
            return model.flatParameters().toArray();
        }
    }

    private static double maxRelDiff(float[] a, float[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1e-3 + Math.abs(a[i])));
        }
        return worst;
    }

    /** Batch-norm in evaluation mode (running statistics) is per-sample, so accumulation must not change it. */
    @Test
    void evalModeBatchNormAccumulatesLikeOneBigBatch() {
        float[][] d = data(8, 8);
        Supplier<Module> net = () -> new Sequential(new Conv2d(3, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(),
                new MaxPool2d(2, 2), new Flatten(), new Dropout(0.25), new Linear(4 * 4 * 4, CLASSES));
        float[] accumulated = train(net, 8, true, d, new int[] {2, 2, 2, 2}, 4);
        float[] whole = train(net, 8, true, d, new int[] {8}, 1);
        assertClose("eval-mode batch-norm, 4 x 2 accumulated vs 8 at once", whole, accumulated, 1e-4);
    }

    @Test
    void kOfOneStepsAfterEveryBatchWithTheBatchMean() {
        float[][] d = data(6, 8);
        float[] plain = train(GradientAccumulationTest::smallNet, 8, false, d, new int[] {3, 3}, 1);
        float[] firstOnly = train(GradientAccumulationTest::smallNet, 8, false, d, new int[] {3}, 1);
        float[] merged = train(GradientAccumulationTest::smallNet, 8, false, d, new int[] {6}, 1);
        assertTrue(maxRelDiff(plain, firstOnly) > 1e-4, "the second batch must make a second update");
        assertTrue(maxRelDiff(plain, merged) > 1e-4, "two updates of 3 differ from one update of 6");
    }
}
