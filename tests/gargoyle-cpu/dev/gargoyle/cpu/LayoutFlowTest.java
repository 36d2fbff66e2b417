package dev.gargoyle.cpu;

import static dev.gargoyle.testing.Floats.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.nn.AvgPool2d;
import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Conv2d;
import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Flatten;
import dev.gargoyle.nn.HookHandle;
import dev.gargoyle.nn.Linear;
import dev.gargoyle.nn.MaxPool2d;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.ReLU;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.testing.Reference;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Activations kept in oneDNN's blocked layout from op to op (see {@link Layouts}) give the float64
 * reference's results through whole forward and backward passes: outputs, input and parameter
 * gradients and running statistics, in training and evaluation, when a hook reads an activation
 * midway (which turns it nchw), and when a shorter last batch reuses the buffers.
 */
class LayoutFlowTest {
    private static final Shape INPUT = Shape.of(3, 8, 8);

    /** Channels 16 and 32 fill the blocks of nChw8c and nChw16c alike. */
    private static Sequential net() {
        return new Sequential(new Conv2d(3, 16, 3, 1, 1), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2, 2),
                new Conv2d(16, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2, 2), new Flatten(),
                new Linear(32 * 2 * 2, 5));
    }

    /**
     * 12 channels fill no block (they stay nchw) between blocked ones; a strided convolution and
     * padded average pooling.
     */
    private static Sequential mixedNet() {
        return new Sequential(new Conv2d(3, 16, 3, 2, 1), new BatchNorm2d(16), new ReLU(), new Conv2d(16, 12, 3, 1, 1),
                new BatchNorm2d(12), new ReLU(), new Conv2d(12, 16, 1, 1, 0), new ReLU(),
                new AvgPool2d(3, 2, 1, false), new Flatten(), new Linear(16 * 2 * 2, 5));
    }

    /** Logits, input gradient, parameter gradients and running statistics of one step on each batch. */
    private static List<float[]> steps(Backend backend, IntSupplier blocked, int[] blockedAfter, boolean training,
                                       boolean hook, int... batches) {
        return steps(LayoutFlowTest::net, backend, blocked, blockedAfter, training, hook, batches);
    }

    private static List<float[]> steps(Supplier<Sequential> net, Backend backend, IntSupplier blocked,
                                       int[] blockedAfter, boolean training, boolean hook, int... batches) {
        List<float[]> out = new ArrayList<>();
        Random r = new Random(5);
        try (Model model = new Model(net.get(), backend, 9, INPUT)) {
            if (!training) {
                model.eval();
            }
            List<float[]> seen = new ArrayList<>();
            HookHandle h = hook ? model.module("2").addForwardHook((m, y) -> seen.add(y.toArray())) : () -> { };
            try (h) {
                for (int n : batches) {
                    float[] x = new float[n * 3 * 64];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (0.3 + r.nextGaussian());
                    }
                    int[] labels = r.ints(n, 0, 5).toArray();
                    try (Tensor xt = backend.allocate(Shape.of(n, 3, 8, 8)).copyFrom(x);
                         Tensor dl = backend.allocate(Shape.of(n, 5))) {
                        model.zeroGrad();
                        Tensor logits = model.forward(xt);
                        out.add(logits.toArray());
                        CrossEntropyLoss.unweighted().compute(logits, labels, 1f, dl);
                        out.add(model.backward(dl, true).toArray());
                        out.add(model.flatGradients().toArray());
                        for (BatchNorm2d bn : model.batchNorms().values()) {
                            bn.buffers().values().forEach(t -> out.add(t.toArray()));
                        }
                    }
                }
            }
            assertTrue(!hook || seen.size() == batches.length, "the hook saw every forward");
            blockedAfter[0] = blocked.getAsInt();
            out.addAll(seen);
        }
        return out;
    }

    private static void compare(boolean training, boolean hook, int... batches) {
        List<float[]> reference;
        try (Backend ref = Reference.backend()) {
            reference = steps(ref, () -> 0, new int[1], training, hook, batches);
        }
        CpuBackend ops = new CpuBackend(false);
        List<float[]> cpu;
        int[] blocked = new int[1];
        try (Backend backend = Backend.of(ops)) {
            cpu = steps(backend, () -> ops.layouts().kept(), blocked, training, hook, batches);
        }
        assertTrue(blocked[0] > 0, "activations must have stayed blocked after the last step");
        for (int i = 0; i < reference.size(); i++) {
            // FP32 against float64 through ten layers; a layout mix-up would be off by whole values.
            assertClose("result " + i, reference.get(i), cpu.get(i), 1e-3);
        }
    }

    @Test
    void trainingStepsMatchTheReference() {
        compare(true, false, 6, 6);
    }

    @Test
    void aShorterLastBatchReusesTheBuffers() {
        compare(true, false, 6, 4, 6);
    }

    @Test
    void aHookReadingAnActivationSeesWhatTheReferenceSees() {
        compare(true, true, 6, 6);
    }

    /** The first ReLU's output of one forward, read from its memory as a communicator's engine reads it. */
    private static float[] exposedActivation(Backend backend) {
        Random r = new Random(2);
        float[] x = new float[4 * 3 * 64];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        try (Model model = new Model(net(), backend, 9, INPUT);
             Tensor xt = backend.allocate(Shape.of(4, 3, 8, 8)).copyFrom(x)) {
            Tensor[] relu = new Tensor[1];
            try (HookHandle h = model.module("2").addForwardHook((m, y) -> relu[0] = y)) {
                model.forward(xt);
            }
            FloatBuffer direct = backend.collectiveView("test", relu[0]).hostBuffer();
            float[] out = new float[direct.capacity()];
            direct.get(0, out);
            return out;
        }
    }

    @Test
    void anEngineReadingAnActivationDirectlyFindsItRowMajor() {
        float[] cpu;
        try (Backend backend = Backend.of(new CpuBackend(false))) {
            cpu = exposedActivation(backend);
        }
        float[] reference;
        try (Backend ref = Reference.backend()) {
            reference = exposedActivation(ref);
        }
        assertClose("the first ReLU's output", reference, cpu, 1e-3);
    }

    @Test
    void channelsThatFillNoBlockStridesAndAveragePoolingMatchTheReference() {
        List<float[]> reference;
        try (Backend ref = Reference.backend()) {
            reference = steps(LayoutFlowTest::mixedNet, ref, () -> 0, new int[1], true, false, 6, 4);
        }
        CpuBackend ops = new CpuBackend(false);
        List<float[]> cpu;
        try (Backend backend = Backend.of(ops)) {
            cpu = steps(LayoutFlowTest::mixedNet, backend, () -> ops.layouts().kept(), new int[1], true, false, 6, 4);
        }
        for (int i = 0; i < reference.size(); i++) {
            assertClose("result " + i, reference.get(i), cpu.get(i), 1e-3);
        }
    }

    @Test
    void evaluationStepsMatchTheReference() {
        compare(false, false, 5);
    }
}
