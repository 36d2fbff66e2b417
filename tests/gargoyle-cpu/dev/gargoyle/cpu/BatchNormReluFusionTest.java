package dev.gargoyle.cpu;

import static dev.gargoyle.testing.Floats.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Conv2d;
import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Flatten;
import dev.gargoyle.nn.HookHandle;
import dev.gargoyle.nn.Linear;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.ReLU;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.testing.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batch-norm runs the ReLU after it inside oneDNN's fused primitive where no NaN can be lost,
 * runs the two ops one after the other where one could, and stops fusing while a hook on the
 * batch-norm must see its own output and gradient; results match the float64 reference throughout
 * (the parity suite checks the ops themselves).
 */
class BatchNormReluFusionTest {
    private static final Shape X = Shape.of(4, 16, 5, 5);

    /** The workspace's last float: 1 when the fused primitive ran. */
    private static float fusedFlag(float xValue) {
        CpuBackend ops = new CpuBackend(false);
        try (Backend cpu = Backend.of(ops)) {
            Shape c = Shape.of(16);
            float[] x = new float[(int) X.numel()];
            Random r = new Random(3);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            x[7] = xValue;
            try (Tensor tx = cpu.allocate(X).copyFrom(x); Tensor y = cpu.allocate(X);
                 Tensor gamma = cpu.allocate(c); Tensor beta = cpu.allocate(c); Tensor rm = cpu.allocate(c);
                 Tensor rv = cpu.allocate(c); Tensor mean = cpu.allocate(c); Tensor inv = cpu.allocate(c);
                 Tensor ws = cpu.allocate(cpu.batchNormReluWorkspaceShape(X))) {
                cpu.fill(gamma, 1f);
                cpu.batchNormReluForwardTraining(tx, gamma, beta, rm, rv, 0.1f, 1e-5f, y, mean, inv, ws);
                float[] w = ws.toArray();
                return w[(int) (ops.batchNormReluWorkspaceBytes(X) / Float.BYTES) - 1];
            }
        }
    }

    @Test
    void finiteBatchesRunTheFusedPrimitiveAndANaNTheTwoOps() {
        assertEquals(1f, fusedFlag(0.5f), "finite input: fused");
        assertEquals(0f, fusedFlag(Float.NaN), "a NaN in x: batch-norm, then ReLU");
    }

    /** Max pooling trusts batch-norm's proof that its output holds no NaN only until the output is written again. */
    @Test
    void aNaNWrittenOverAProvenOutputStillReachesMaxPooling() {
        try (Backend cpu = Backend.of(new CpuBackend(false))) {
            Shape c = Shape.of(16);
            float[] x = new float[(int) X.numel()];
            Random r = new Random(4);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            Pool2dSpec pool = Pool2dSpec.max(5, 5, 0);
            try (Tensor tx = cpu.allocate(X).copyFrom(x); Tensor y = cpu.allocate(X);
                 Tensor gamma = cpu.allocate(c); Tensor beta = cpu.allocate(c); Tensor rm = cpu.allocate(c);
                 Tensor rv = cpu.allocate(c); Tensor mean = cpu.allocate(c); Tensor inv = cpu.allocate(c);
                 Tensor ws = cpu.allocate(cpu.batchNormReluWorkspaceShape(X));
                 Tensor pooled = cpu.allocate(Shape.of(4, 16, 1, 1));
                 Tensor pws = cpu.allocate(cpu.pool2dWorkspaceShape(pool, X))) {
                cpu.fill(gamma, 1f);
                cpu.batchNormReluForwardTraining(tx, gamma, beta, rm, rv, 0.1f, 1e-5f, y, mean, inv, ws);
                float[] written = y.toArray();
                written[3] = Float.NaN;
                y.copyFrom(written);
                cpu.pool2dForward(y, pool, pooled, pws);
                float[] p = pooled.toArray();
                assertTrue(Float.isNaN(p[0]), "the window holding the NaN gives NaN, got " + p[0]);
                for (int i = 1; i < p.length; i++) {
                    assertTrue(Float.isFinite(p[i]), "window " + i + " holds no NaN, got " + p[i]);
                }
            }
        }
    }

    private static Sequential net() {
        return new Sequential(new Conv2d(3, 16, 3, 1, 1), new BatchNorm2d(16), new ReLU(), new Flatten(),
                new Linear(16 * 36, 5));
    }

    /** Logits, input and parameter gradients, and what hooks on the batch-norm (module 1) saw. */
    private static List<float[]> step(Backend backend, boolean training, boolean hookOnBatchNorm) {
        List<float[]> out = new ArrayList<>();
        List<float[]> seen = new ArrayList<>();
        Random r = new Random(5);
        float[] x = new float[4 * 3 * 36];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (0.3 + r.nextGaussian());
        }
        try (Model model = new Model(net(), backend, 9, Shape.of(3, 6, 6));
             Tensor xt = backend.allocate(Shape.of(4, 3, 6, 6)).copyFrom(x);
             Tensor dl = backend.allocate(Shape.of(4, 5))) {
            if (!training) {
                model.eval();
            }
            List<HookHandle> hooks = new ArrayList<>();
            if (hookOnBatchNorm) {
                hooks.add(model.module("1").addForwardHook((m, y) -> seen.add(y.toArray())));
                hooks.add(model.module("1").addBackwardHook((m, g) -> seen.add(g.toArray())));
            }
            Tensor logits = model.forward(xt);
            out.add(logits.toArray());
            CrossEntropyLoss.unweighted().compute(logits, new int[] {0, 1, 2, 3}, 1f, dl);
            out.add(model.backward(dl, true).toArray());
            out.add(model.flatGradients().toArray());
            hooks.forEach(HookHandle::close);
        }
        out.addAll(seen);
        return out;
    }

    private static void compare(boolean training) {
        List<float[]> reference;
        List<float[]> cpu;
        try (Backend ref = Reference.backend()) {
            reference = step(ref, training, true);
        }
        try (Backend backend = Backend.of(new CpuBackend(false))) {
            cpu = step(backend, training, true);
            assertEquals(5, cpu.size(), "both hooks fired");
            float[] beforeRelu = cpu.get(3);
            boolean negative = false;
            for (float v : beforeRelu) {
                negative |= v < 0;
            }
            assertTrue(negative, "the batch-norm's hook sees its output before the ReLU");
            List<float[]> fused = step(backend, training, false);
            for (int i = 0; i < fused.size(); i++) {
                assertClose("fused result " + i + " against the unfused one", cpu.get(i), fused.get(i), 1e-5);
            }
        }
        for (int i = 0; i < reference.size(); i++) {
            assertClose("result " + i, reference.get(i), cpu.get(i), 1e-3);
        }
    }

    @Test
    void aHookedBatchNormSeesItsOwnOutputAndGradientInTraining() {
        compare(true);
    }

    @Test
    void aHookedBatchNormSeesItsOwnOutputAndGradientInEvaluation() {
        compare(false);
    }
}
