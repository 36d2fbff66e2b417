package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gargoyle.dist.CommunicationException;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.tensor.spi.BackendOps;
import dev.gargoyle.tensor.spi.HostMemory;
import dev.gargoyle.testing.ThreadCommunicator;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What {@link NcclCommunicator} refuses before NCCL is touched, so no GPU is needed: a machine
 * without NCCL, a backend that is not CUDA's, a tensor in host memory or of another backend.
 */
class NcclCommunicatorTest {

    /**
     * Ops that only allocate host memory and say they are on {@code device}: GPU tensors without a
     * GPU. (The reference backend in core's tests is out of reach: its ops interface is exported to
     * the backends' modules only.)
     */
    private static Backend on(Device device) {
        return Backend.of((BackendOps) Proxy.newProxyInstance(BackendOps.class.getClassLoader(),
                new Class<?>[] {BackendOps.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "device" -> device;
                    case "allocate" -> new HostMemory((Long) args[0]);
                    case "extension" -> Optional.empty();
                    case "expose", "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                }));
    }

    @Test
    void whereNcclDoesNotLoadJoinSaysWhy() {
        String reason = NcclCommunicator.unavailableReason();
        assumeTrue(reason != null, "NCCL loads on this machine");
        assertEquals(reason, NcclCommunicator.unavailableReason(), "the reason is remembered");
        try (Backend backend = on(Device.cpu())) {
            CommunicationException e = assertThrows(CommunicationException.class,
                    () -> NcclCommunicator.join(ThreadCommunicator.group(1).get(0), backend));
            assertEquals("NCCL is unavailable: " + reason, e.getMessage());
        }
    }

    @Test
    void aBackendOtherThanCudasIsRefused() {
        try (Backend backend = on(Device.cpu())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NcclCommunicator.streamOf(backend));
            assertEquals("NcclCommunicator: NCCL needs a CUDA backend, and this one is on cpu", e.getMessage());
        }
    }

    @Test
    void aTensorInHostMemoryIsRefusedNamingTheHostCollectives() {
        try (Backend gpu = on(Device.cuda(0)); Backend cpu = on(Device.cpu());
             Tensor t = cpu.allocate(Shape.of(4))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NcclCommunicator.view("allReduceSum", gpu, t));
            assertEquals("allReduceSum: NCCL moves tensors in GPU memory, and Tensor[4] on cpu is not; host values go"
                    + " through the double[] collectives", e.getMessage());
        }
    }

    @Test
    void aGpuTensorOfAnotherBackendIsRefused() {
        try (Backend mine = on(Device.cuda(0)); Backend other = on(Device.cuda(0));
             Tensor t = other.allocate(Shape.of(4))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> NcclCommunicator.view("broadcast", mine, t));
            assertEquals("broadcast: tensor Tensor[4] on cuda:0 was made by another backend, not this cuda:0 one",
                    e.getMessage());
            assertEquals(t.numel(), NcclCommunicator.view("broadcast", other, t).numel(), "its own backend's tensor");
        }
    }

    @Test
    void versionCodesReadAsNcclWritesThem() {
        assertEquals("2.29.3", NcclCommunicator.versionOf(22903));
        assertEquals("2.30.11", NcclCommunicator.versionOf(23011));
    }
}
