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
 * The backend's own memory after 2,000 training steps of a conv, batch-norm, ReLU, max-pool block
 * equals that after 10: searches, descriptors, the workspace and the scratch buffers are all in
 * place by then, and nothing a step does may allocate. Measured twice, by the backend's account
 * (its tensors, buffers, workspace) and by our count of the device bytes cudaMalloc'd and not yet
 * freed, which would also see a block the account misses (a search's scratch never freed); neither
 * depends on what else runs on the device, as the driver's free memory does. Host memory that
 * JavaCPP allocates stays flat as well, and closing the backend frees every device block it took.
 */
@GpuTest
class CudaDeviceMemoryTest {
    private static final int WARM = 10;
    private static final int STEPS = 2000;

    @Test
    void memoryAfter2000StepsEqualsMemoryAfter10AndClosingFreesIt() {
        Random rng = new Random(3);
        long deviceBefore = DeviceAllocations.liveBytes();
        Backend b = Backends.create(Device.cuda(0));
        long atWarm;
        long atEnd;
        long deviceAtWarm;
        long deviceAtEnd;
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
            deviceAtWarm = DeviceAllocations.liveBytes();
            hostAtWarm = Pointer.totalBytes();
            for (int i = WARM; i < STEPS; i++) {
                step.run();
            }
            b.synchronize();
            atEnd = b.memoryInUse();
            deviceAtEnd = DeviceAllocations.liveBytes();
            hostAtEnd = Pointer.totalBytes();
        } finally {
            b.close();
        }
        assertTrue(deviceAtWarm > deviceBefore, "the count saw the block's device memory");
        assertEquals(atWarm, atEnd, "the backend's memoryInUse after " + WARM + " and after " + STEPS + " steps");
        assertEquals(deviceAtWarm, deviceAtEnd, "device bytes allocated and not freed after " + WARM + " and after "
                + STEPS + " steps");
        assertTrue(hostAtEnd - hostAtWarm <= 1L << 20, "JavaCPP host memory grew by " + (hostAtEnd - hostAtWarm)
                + " bytes over " + (STEPS - WARM) + " steps");
        assertEquals(deviceBefore, DeviceAllocations.liveBytes(), "device bytes still allocated after close");
    }
}
