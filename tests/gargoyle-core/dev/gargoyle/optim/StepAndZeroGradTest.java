package dev.gargoyle.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.testing.Reference;
import dev.gargoyle.testing.TinyNet;
import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Optimizer#stepAndZeroGrad} leaves the parameters as {@link Optimizer#step} does and every
 * gradient zero, those of frozen parameters (outside the optimizer's groups) and groups of
 * different learning rates included.
 */
class StepAndZeroGradTest {

    private static float[][] afterTwoUpdates(boolean fused, Function<Model, Optimizer> optimizer) {
        try (Backend b = Reference.backend(); Model model = new Model(TinyNet.net(), b, 3, TinyNet.INPUT)) {
            model.freeze(name -> name.startsWith("1."));
            try (Optimizer opt = optimizer.apply(model)) {
                float[] grads = new float[(int) model.flatGradients().numel()];
                for (int update = 1; update <= 2; update++) {
                    for (int i = 0; i < grads.length; i++) {
                        grads[i] = (float) Math.sin(i * 0.37 + update);
                    }
                    model.flatGradients().copyFrom(grads);
                    if (fused) {
                        opt.stepAndZeroGrad(1e-2);
                    } else {
                        opt.step(1e-2);
                        model.zeroGrad();
                    }
                }
            }
            return new float[][] {model.flatParameters().toArray(), model.flatGradients().toArray()};
        }
    }

    private static void check(Function<Model, Optimizer> optimizer) {
        float[][] fused = afterTwoUpdates(true, optimizer);
        float[][] separate = afterTwoUpdates(false, optimizer);
        assertArrayEquals(separate[0], fused[0], "parameters");
        float[] zeros = new float[fused[1].length];
        Arrays.fill(zeros, 0f);
        assertArrayEquals(zeros, fused[1], "gradients");
    }

    @Test
    void adamWithAFrozenLayerAndTwoLearningRates() {
        check(m -> Adam.adam(m, name -> name.startsWith("0.") ? 0.1 : 1.0, 1e-4));
    }

    @Test
    void sgdWithMomentum() {
        check(m -> new Sgd(m, name -> 1.0, 0.9, 1e-4, true));
    }
}
