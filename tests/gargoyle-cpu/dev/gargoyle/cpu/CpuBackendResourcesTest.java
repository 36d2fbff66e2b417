package dev.gargoyle.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/** Bad input is refused before oneDNN sees it; native memory is owned, cached and freed. */
class CpuBackendResourcesTest {

    private static String message(Class<? extends Throwable> type, Runnable r) {
        return assertThrows(type, r::run).getMessage();
    }

    @Test
    void badShapesNameTheOpAndOperand() {
        try (Backend cpu = Backends.create(Device.cpu());
             Tensor x = cpu.allocate(Shape.of(2, 3, 8, 8)); Tensor w = cpu.allocate(Shape.of(4, 3, 3, 3));
             Tensor wrongW = cpu.allocate(Shape.of(4, 5, 3, 3)); Tensor y = cpu.allocate(Shape.of(2, 4, 6, 6));
             Tensor badY = cpu.allocate(Shape.of(2, 4, 8, 8)); Tensor c3 = cpu.allocate(Shape.of(3));
             Tensor c4 = cpu.allocate(Shape.of(4)); Tensor logits = cpu.allocate(Shape.of(2, 3))) {
            String m = message(IllegalArgumentException.class,
                    () -> cpu.conv2dForward(x, w, null, Conv2dSpec.of(1, 0), badY));
            assertTrue(m.contains("conv2dForward") && m.contains("y") && m.contains("[2, 4, 6, 6]"), m);
            m = message(IllegalArgumentException.class,
                    () -> cpu.conv2dForward(x, wrongW, null, Conv2dSpec.of(1, 0), y));
            assertTrue(m.contains("conv2dForward") && m.contains("input channels"), m);
            m = message(IllegalArgumentException.class,
                    () -> cpu.conv2dForward(x, w, c3, Conv2dSpec.of(1, 0), y));
            assertTrue(m.contains("bias"), m);
            m = message(IllegalArgumentException.class,
                    () -> cpu.conv2dBackwardWeights(x, badY, Conv2dSpec.of(1, 0), w, null));
            assertTrue(m.contains("conv2dBackwardWeights") && m.contains("dy"), m);
            m = message(IllegalArgumentException.class,
                    () -> cpu.pool2dForward(x, Pool2dSpec.max(9, 1, 0), y, null));
            assertTrue(m.contains("pool2dForward") && m.contains("kernel"), m);
            m = message(IllegalArgumentException.class,
                    () -> cpu.pool2dBackward(x, badY, badY, Pool2dSpec.max(2, 2, 0), null, x));
            assertTrue(m.contains("pool2dBackward"), m);
            m = message(IllegalArgumentException.class,
                    () -> cpu.batchNormForwardTraining(x, c4, c3, c3, c3, 0.1f, 1e-5f, x.narrow(1), c3, c3));
            assertTrue(m.contains("batchNormForwardTraining") && m.contains("gamma"), m);
            m = message(IllegalArgumentException.class, () -> cpu.linearForward(logits, logits, null, logits));
            assertTrue(m.contains("linearForward") && m.contains("w"), m);
            m = message(IllegalArgumentException.class,
                    () -> cpu.softmaxCrossEntropy(logits, new int[] {0, 3}, 1f, null));
            assertTrue(m.contains("softmaxCrossEntropy") && m.contains("label 1"), m);
            m = message(IllegalArgumentException.class, () -> cpu.copyFromHost(new float[5], 0, logits));
            assertTrue(m.contains("copyFromHost"), m);
        }
    }

    @Test
    void maxPoolBackwardWithoutWorkspaceIsRefused() {
        try (Backend cpu = Backends.create(Device.cpu()); Tensor x = cpu.allocate(Shape.of(1, 1, 4, 4));
             Tensor y = cpu.allocate(Shape.of(1, 1, 2, 2)); Tensor small = cpu.allocate(Shape.of(1))) {
            Pool2dSpec spec = Pool2dSpec.max(2, 2, 0);
            String m = message(IllegalArgumentException.class, () -> cpu.pool2dBackward(x, y, y, spec, null, x));
            assertTrue(m.contains("pool2dBackward") && m.contains("workspace"), m);
            Shape ws = cpu.pool2dWorkspaceShape(spec, x.shape());
            if (ws.numel() > 1) {
                m = message(IllegalArgumentException.class, () -> cpu.pool2dForward(x, spec, y, small));
                assertTrue(m.contains("pool2dForward") && m.contains("workspace"), m);
            }
        }
    }

    @Test
    void closedTensorsAndBackendsAreRefused() {
        Backend cpu = Backends.create(Device.cpu());
        Tensor x = cpu.allocate(Shape.of(4));
        Tensor y = cpu.allocate(Shape.of(4));
        x.close();
        String m = message(IllegalStateException.class, () -> cpu.reluForward(x, y));
        assertTrue(m.contains("reluForward") && m.contains("closed"), m);
        y.close();
        cpu.close();
        m = message(IllegalStateException.class, () -> cpu.allocate(Shape.of(1)));
        assertTrue(m.contains("closed"), m);
    }

    @Test
    void warmCallsAllocateNoNativeMemoryAndCloseFreesEverything() {
        long baseline = Pointer.totalBytes();
        Backend cpu = Backends.create(Device.cpu());
        Conv2dSpec spec = Conv2dSpec.of(1, 1);
        Pool2dSpec pool = Pool2dSpec.max(2, 2, 0);
        Shape xs = Shape.of(4, 16, 8, 8);
        Shape ys = Shape.of(4, 32, 8, 8);
        Shape c = Shape.of(32);
        try (Tensor x = cpu.allocate(xs); Tensor w = cpu.allocate(Shape.of(32, 16, 3, 3)); Tensor b = cpu.allocate(c);
             Tensor y = cpu.allocate(ys); Tensor z = cpu.allocate(ys); Tensor r = cpu.allocate(ys);
             Tensor p = cpu.allocate(Shape.of(4, 32, 4, 4)); Tensor ws = cpu.allocate(cpu.pool2dWorkspaceShape(pool, ys));
             Tensor dr = cpu.allocate(ys); Tensor dz = cpu.allocate(ys); Tensor dy = cpu.allocate(ys);
             Tensor dx = cpu.allocate(xs); Tensor dw = cpu.allocate(w.shape()); Tensor db = cpu.allocate(c);
             Tensor gamma = cpu.allocate(c); Tensor beta = cpu.allocate(c); Tensor rm = cpu.allocate(c);
             Tensor rv = cpu.allocate(c); Tensor mean = cpu.allocate(c); Tensor inv = cpu.allocate(c);
             Tensor dgamma = cpu.allocate(c); Tensor dbeta = cpu.allocate(c)) {
            cpu.fill(x, 0.5f);
            cpu.fill(w, 0.01f);
            cpu.fill(gamma, 1);
            cpu.fill(rv, 1);
            Runnable step = () -> {
                cpu.conv2dForward(x, w, b, spec, y);
                cpu.batchNormForwardTraining(y, gamma, beta, rm, rv, 0.1f, 1e-5f, z, mean, inv);
                cpu.reluForward(z, r);
                cpu.pool2dForward(r, pool, p, ws);
                cpu.pool2dBackward(r, p, p, pool, ws, dr);
                cpu.reluBackward(r, dr, dz);
                cpu.batchNormBackward(y, dz, gamma, mean, inv, 1e-5f, dy, dgamma, dbeta);
                cpu.conv2dBackwardData(dy, w, spec, dx);
                cpu.conv2dBackwardWeights(x, dy, spec, dw, db);
            };
            step.run();
            long warm = Pointer.totalBytes();
            for (int i = 0; i < 20; i++) {
                step.run();
            }
            assertEquals(warm, Pointer.totalBytes(), "native bytes after 20 warm steps");
        }
        cpu.close();
        assertEquals(baseline, Pointer.totalBytes(), "native bytes after closing the backend");
    }

    @Test
    void theCacheIsBoundedAndEvictionFreesPlans() {
        CpuBackend cpu = new CpuBackend(false);
        try (Backend backend = Backend.of(cpu)) {
            long afterFirstRound = 0;
            for (int round = 0; round < 2; round++) {
                for (int n = 1; n <= CpuBackend.PLAN_CACHE_CAPACITY + 50; n++) {
                    Shape shape = Shape.of(1, 1, 1, n + round * 1000);
                    try (Tensor x = backend.allocate(shape); Tensor y = backend.allocate(shape)) {
                        backend.pool2dForward(x, Pool2dSpec.max(1, 1, 0), y, null);
                    }
                }
                assertEquals(CpuBackend.PLAN_CACHE_CAPACITY, cpu.cachedPlans());
                if (round == 0) {
                    afterFirstRound = Pointer.totalBytes();
                }
            }
            assertEquals(afterFirstRound, Pointer.totalBytes(), "evicted plans free their native memory");
        }
    }
}
