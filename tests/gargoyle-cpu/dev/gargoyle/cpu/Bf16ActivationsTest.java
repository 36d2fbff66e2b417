package dev.gargoyle.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Conv2d;
import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Flatten;
import dev.gargoyle.nn.Linear;
import dev.gargoyle.nn.MaxPool2d;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.ReLU;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.testing.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With bf16 convolutions, activations stay bfloat16 from a convolution through batch-norm (with its
 * ReLU) and max pooling to the next convolution, forward and backward: whole steps stay within
 * bfloat16's error of the float64 reference, and further from it than FP32 (so bf16 really ran);
 * anything else that reads an activation gets FP32; a NaN still reaches the logits.
 */
class Bf16ActivationsTest {
    private static final Shape INPUT = Shape.of(3, 8, 8);

    @BeforeAll
    static void needsBf16() {
        Loader.load(dnnl.class);
        Assumptions.assumeTrue(CpuInfo.bf16Refusal() == null, CpuInfo.bf16Refusal());
    }

    private static Sequential net() {
        return new Sequential(new Conv2d(3, 16, 3, 1, 1), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2, 2),
                new Conv2d(16, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2, 2), new Flatten(),
                new Linear(32 * 2 * 2, 5));
    }

    /** Logits, input gradient and parameter gradients of one training step; {@code nan}: x[5] is NaN. */
    private static List<float[]> step(Backend backend, boolean nan, int[] bf16Kept, CpuBackend ops) {
        Random r = new Random(5);
        float[] x = new float[6 * 3 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 + r.nextGaussian());
        }
        if (nan) {
            x[5] = Float.NaN;
        }
        try (Model model = new Model(net(), backend, 9, INPUT);
             Tensor xt = backend.allocate(Shape.of(6, 3, 8, 8)).copyFrom(x);
             Tensor dl = backend.allocate(Shape.of(6, 5))) {
            List<float[]> out = new ArrayList<>();
            Tensor logits = model.forward(xt);
            if (ops != null) {
                bf16Kept[0] = ops.layouts().keptBf16();
            }
            out.add(logits.toArray());
            CrossEntropyLoss.unweighted().compute(logits, new int[] {0, 1, 2, 3, 4, 0}, 1f, dl);
            out.add(model.backward(dl, true).toArray());
            out.add(model.flatGradients().toArray());
            return out;
        }
    }

    private static double error(float[] ref, float[] got) {
        return Bf16ConvolutionTest.error(Bf16ConvolutionTest.doubles(ref), got);
    }

    @Test
    void aTrainingStepStaysWithinBfloat16OfTheReference() {
        List<float[]> reference;
        try (Backend ref = Reference.backend()) {
            reference = step(ref, false, new int[1], null);
        }
        List<float[]> fp32;
        try (Backend b = Backend.of(new CpuBackend(false))) {
            fp32 = step(b, false, new int[1], null);
        }
        CpuBackend ops = new CpuBackend(true);
        int[] kept = new int[1];
        List<float[]> bf16;
        try (Backend b = Backend.of(ops)) {
            bf16 = step(b, false, kept, ops);
        }
        assertTrue(kept[0] > 0, "activations must be kept in bf16 after the forward");
        String[] names = {"logits", "input gradient", "parameter gradients"};
        // 8 significant bits, rounded at every layer's output both ways: a few % of the largest value
        // (the parameter gradients add up the most roundings: 5.6% here).
        double[] tolerance = {5e-2, 5e-2, 1e-1};
        for (int i = 0; i < names.length; i++) {
            double e = error(reference.get(i), bf16.get(i));
            assertTrue(e < tolerance[i], names[i] + ": bf16 error " + e);
            assertTrue(e > 10 * error(reference.get(i), fp32.get(i)), names[i] + ": bf16 error " + e
                    + " is not above FP32's: did bf16 run?");
        }
    }

    @Test
    void aNaNInTheInputReachesTheLogits() {
        try (Backend b = Backend.of(new CpuBackend(true))) {
            float[] logits = step(b, true, new int[1], null).get(0);
            for (float v : logits) {
                assertTrue(Float.isNaN(v), "every logit NaN, as in PyTorch; got " + v);
            }
            assertEquals(30, logits.length);
        }
    }
}
