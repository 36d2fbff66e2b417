package dev.gargoyle.cuda;

import static dev.gargoyle.parity.Scope.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.GpuTest;
import dev.gargoyle.parity.Scope;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * Device memory (cudaMemGetInfo) after 2,000 training steps of a conv, batch-norm, ReLU, max-pool
 * block equals device memory after 10: searches, descriptors, the workspace and the scratch buffers
 * are all in place by then, and nothing a step does may allocate on the device. Host memory that
 * JavaCPP allocates stays flat as well. Closing the backend gives the memory back.
 */
@GpuTest
class CudaDeviceMemoryTest {
    private static final int WARM = 10;
    private static final int STEPS = 2000;

    @Test
    void deviceMemoryAfter2000StepsEqualsDeviceMemoryAfter10() {
        Random rng = new Random(3);
        Shape xs = Shape.of(8, 16, 32, 32);
        Shape ws = Shape.of(32, 16, 3, 3);
        Shape cs = Shape.of(32);
        Conv2dSpec conv = Conv2dSpec.of(1, 1);
        Pool2dSpec pool = Pool2dSpec.max(2, 2, 0);
        Shape hs = conv.outputShape("test", xs, ws);
        Shape ps = pool.outputShape("test", hs);
        long before;
        try (Backend bootstrap = Backends.create(Device.cuda(0))) {
            before = bootstrap.memoryInUse();
        }
        Backend b = Backends.create(Device.cuda(0));
        long atWarm;
        long atEnd;
        long hostAtWarm;
        long hostAtEnd;
        try (Scope t = new Scope(b)) {
            Tensor x = t.tensor(xs, uniform(rng, xs.numel()));
            Tensor w = t.tensor(ws, uniform(rng, ws.numel()));
            Tensor bias = t.tensor(cs, uniform(rng, 32));
            Tensor gamma = t.tensor(cs, uniform(rng, 32));
            Tensor beta = t.tensor(cs, uniform(rng, 32));
            Tensor runMean = t.zeros(cs);
            Tensor runVar = t.zeros(cs);
            Tensor h = t.zeros(hs);
            Tensor n = t.zeros(hs);
            Tensor mean = t.zeros(cs);
            Tensor invStd = t.zeros(cs);
            Tensor p = t.zeros(ps);
            Tensor workspace = t.zeros(b.pool2dWorkspaceShape(pool, hs));
            Tensor dp = t.tensor(ps, uniform(rng, ps.numel()));
            Tensor dn = t.zeros(hs);
            Tensor dh = t.zeros(hs);
            Tensor dx = t.zeros(xs);
            Tensor dw = t.zeros(ws);
            Tensor dbias = t.zeros(cs);
            Tensor dgamma = t.zeros(cs);
            Tensor dbeta = t.zeros(cs);
            Runnable step = () -> {
                b.conv2dForward(x, w, bias, conv, h);
                b.batchNormForwardTraining(h, gamma, beta, runMean, runVar, 0.1f, 1e-5f, n, mean, invStd);
                b.reluForward(n, n);
                b.pool2dForward(n, pool, p, workspace);
                b.pool2dBackward(n, p, dp, pool, workspace, dn);
                b.reluBackward(n, dn, dn);
                b.batchNormBackward(h, dn, gamma, mean, invStd, 1e-5f, dh, dgamma, dbeta);
                b.conv2dBackwardData(dh, w, conv, dx);
                b.conv2dBackwardWeights(x, dh, conv, dw, dbias);
                b.fill(dw, 0f);
                b.fill(dbias, 0f);
            };
            for (int i = 0; i < WARM; i++) {
                step.run();
            }
            b.synchronize();
            atWarm = b.memoryInUse();
            hostAtWarm = Pointer.totalBytes();
            for (int i = WARM; i < STEPS; i++) {
                step.run();
            }
            b.synchronize();
            atEnd = b.memoryInUse();
            hostAtEnd = Pointer.totalBytes();
        } finally {
            b.close();
        }
        assertEquals(atWarm, atEnd, "device memory in use after " + WARM + " and after " + STEPS + " steps");
        assertTrue(hostAtEnd - hostAtWarm <= 1L << 20, "JavaCPP host memory grew by " + (hostAtEnd - hostAtWarm)
                + " bytes over " + (STEPS - WARM) + " steps");
        try (Backend after = Backends.create(Device.cuda(0))) {
            assertTrue(after.memoryInUse() <= before + (64L << 20), "closing the backend returns its device memory: "
                    + "a fresh backend saw " + before + " bytes in use before, " + after.memoryInUse() + " after");
        }
    }
}
