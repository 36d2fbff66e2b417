package dev.gargoyle.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Linear;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.optim.Optimizer;
import dev.gargoyle.optim.OptimizerConfig;
import dev.gargoyle.reference.LinearRef;
import dev.gargoyle.reference.ReferenceBackend;
import dev.gargoyle.reference.SoftmaxCrossEntropyRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * With class weights, k micro-batches must add up to the gradient of one batch of all their
 * samples under PyTorch's {@code CrossEntropyLoss(weight=w)} (the weight-normalised mean): each
 * micro-batch counts by its share of the update's total weight, not by its share of the samples.
 * The expected gradient of a linear model is worked out in float64 from the definition.
 */
class WeightedAccumulationTest {
    private static final int N = 8;
    private static final int IN = 5;
    private static final int K = 3;
    private static final float[] WEIGHTS = {0.5f, 3f, 1.25f};

    @Test
    void microBatchesWeighByTheirShareOfTheUpdatesClassWeight() {
        Random r = new Random(4);
        double[] x = new double[N * IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        int[] labels = {1, 1, 1, 2, 0, 0, 2, 0};
        int[] order = {0, 1, 2, 3, 4, 5, 6, 7};
        CrossEntropyLoss loss = CrossEntropyLoss.weighted(WEIGHTS);
        AccumulationPlan plan = AccumulationPlan.of(order, 2, 4, i -> loss.weightOf(labels[i]));
        try (Backend backend = ReferenceBackend.create();
             Model model = new Model(new Sequential(new Linear(IN, K)), backend, 1, Shape.of(IN));
             Optimizer sgd = OptimizerConfig.sgd(0).create(model, name -> 1.0);
             TrainStep step = new TrainStep(model, sgd, loss, 0)) {
            double[] w = doubles(model.tensors().get("0.weight").toArray());
            double[] b = doubles(model.tensors().get("0.bias").toArray());
            for (int m = 0; m < 4; m++) {
                try (Tensor xm = backend.allocate(Shape.of(2, IN))) {
                    xm.copyFrom(floats(Arrays.copyOfRange(x, m * 2 * IN, (m + 1) * 2 * IN)));
                    step.microBatch(xm, Arrays.copyOfRange(labels, m * 2, m * 2 + 2), plan.lossScale(m));
                }
            }
            assertTrue(plan.endsUpdate(3) && !plan.endsUpdate(2));

            double[] weights = {WEIGHTS[0], WEIGHTS[1], WEIGHTS[2]};
            double[] logits = LinearRef.forward(x, N, IN, w, K, b);
            double[] dlogits = SoftmaxCrossEntropyRef.gradient(logits, N, K, labels, weights, 1);
            double[] dw = LinearRef.backwardWeights(x, N, IN, dlogits, K);
            double[] db = LinearRef.backwardBias(dlogits, N, K);
            float[] grads = model.flatGradients().toArray();
            for (int i = 0; i < dw.length; i++) {
                assertEquals(dw[i], grads[i], 1e-6, "dW[" + i + "]");
            }
            int biasAt = (int) model.slots().get(1).offset();
            for (int i = 0; i < K; i++) {
                assertEquals(db[i], grads[biasAt + i], 1e-6, "db[" + i + "]");
            }
            // Weighting each micro-batch by its samples (2 of 8) instead would miss: check it differs.
            double sampleShareOfFirst = 2.0 / 8;
            assertTrue(Math.abs(plan.lossScale(0) - sampleShareOfFirst) > 0.05,
                    "the weight share " + plan.lossScale(0) + " is not the sample share");
        }
    }

    private static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
