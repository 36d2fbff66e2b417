package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.parity.ConvBlock;
import dev.gargoyle.parity.Scope;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.testing.GpuTest;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * The backend's own memory (its tensors, buffers, workspace) after 2,000 training steps of a conv,
 * batch-norm, ReLU, max-pool block equals that after 10: searches, descriptors, the workspace and the
 * scratch buffers are all in place by then, and nothing a step does may allocate. Host memory that
 * JavaCPP allocates stays flat as well. Closing the backend gives the device memory back (the
 * driver's count, cudaMemGetInfo).
 */
@GpuTest
class CudaDeviceMemoryTest {
    private static final int WARM = 10;
    private static final int STEPS = 2000;

    @Test
    void deviceMemoryAfter2000StepsEqualsDeviceMemoryAfter10() {
        Random rng = new Random(3);
        long before;
        try (CudaBackend bootstrap = new CudaBackend(Device.cuda(0), CudaOptions.defaults())) {
            before = bootstrap.deviceMemoryInUse();
        }
        Backend b = Backends.create(Device.cuda(0));
        long atWarm;
        long atEnd;
        long hostAtWarm;
        long hostAtEnd;
        try (Scope t = new Scope(b)) {
            ConvBlock block = new ConvBlock(b, t, rng, Shape.of(8, 16, 32, 32), Shape.of(32, 16, 3, 3));
            Runnable step = () -> {
                block.step();
                block.zeroConvGradients();
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
        try (CudaBackend after = new CudaBackend(Device.cuda(0), CudaOptions.defaults())) {
            long now = after.deviceMemoryInUse();
            assertTrue(now <= before + (64L << 20), "closing the backend returns its device memory: the driver "
                    + "reported " + before + " bytes in use on the device before, " + now + " after");
        }
    }
}
