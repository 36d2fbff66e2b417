package dev.gargoyle.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.reference.ReferenceBackend;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.tensor.spi.BackendOps;
import dev.gargoyle.testing.TinyNet;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * When a {@link Sequential} runs a batch-norm and the ReLU after it as one op: only while no hook
 * on the batch-norm reads its output or its output gradient (a hook that only marks when the
 * backward begins, as gradient buckets and the profiler use, does not count), never with
 * synchronised statistics, and not for a batch-norm run on its own.
 */
class BatchNormReluPairingTest {

    /** The backend ops called during one training forward and backward of {@link TinyNet} after {@code setUp}. */
    private static List<String> opsOfOneStep(Consumer<Model> setUp) {
        List<String> calls = new ArrayList<>();
        ReferenceBackend reference = new ReferenceBackend();
        BackendOps counting = (BackendOps) Proxy.newProxyInstance(BackendOps.class.getClassLoader(),
                new Class<?>[] {BackendOps.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    try {
                        return method.invoke(reference, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        try (Backend b = Backend.of(counting); Model model = new Model(TinyNet.net(), b, 1, TinyNet.INPUT);
             Tensor x = b.allocate(Shape.of(4, 3, TinyNet.SIDE, TinyNet.SIDE));
             Tensor dl = b.allocate(Shape.of(4, TinyNet.CLASSES))) {
            b.fill(x, 0.5f);
            setUp.accept(model);
            calls.clear();
            model.forward(x);
            model.backward(dl, false);
            return List.copyOf(calls);
        }
    }

    private static boolean fused(List<String> calls) {
        boolean forward = calls.contains("batchNormReluForwardTraining");
        boolean backward = calls.contains("batchNormReluBackward");
        assertEquals(forward, backward, "forward and backward fused alike: " + calls);
        assertEquals(!forward, calls.contains("reluForward"), calls.toString());
        return forward;
    }

    @Test
    void aBatchNormFollowedByReluRunsBothAsOneOp() {
        assertTrue(fused(opsOfOneStep(m -> { })));
    }

    @Test
    void hooksThatReadTheBatchNormsOutputOrGradientStopTheFusion() {
        assertFalse(fused(opsOfOneStep(m -> m.module("1").addForwardHook((mod, y) -> { }))));
        assertFalse(fused(opsOfOneStep(m -> m.module("1").addBackwardHook((mod, dy) -> { }))));
    }

    @Test
    void hooksOnTheReluOrThatOnlyMarkTheBackwardKeepIt() {
        assertTrue(fused(opsOfOneStep(m -> m.module("2").addForwardHook((mod, y) -> { }))));
        assertTrue(fused(opsOfOneStep(m -> m.module("2").addBackwardHook((mod, dy) -> { }))));
        assertTrue(fused(opsOfOneStep(m -> m.module("1").addBackwardHook(BackwardHook.onStart(mod -> { })))));
    }

    @Test
    void synchronisedStatisticsAreNeverFused() {
        List<String> calls = opsOfOneStep(m -> ((BatchNorm2d) m.module("1")).synchronizeStatistics(sums -> { }));
        assertFalse(calls.contains("batchNormReluForwardTraining"), calls.toString());
    }

    @Test
    void theProfilerCanTellWhichBatchNormsFuse() {
        Sequential net = TinyNet.net();
        assertTrue(((BatchNorm2d) net.get(1)).fusesRelu());
        assertFalse(new BatchNorm2d(3).fusesRelu(), "a batch-norm outside any Sequential");
    }
}
