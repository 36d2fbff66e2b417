package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gargoyle.tensor.BackendException;
import org.junit.jupiter.api.Test;

/** An op that needs our kernels says so, naming itself and why the kernels cannot be used. */
class CudaKernelsTest {
    @Test
    void missingKernelsAreNamedWithTheReason() {
        if (KernelLibrary.isAvailable()) {
            assertDoesNotThrow(() -> CudaKernels.require("fill"));
            return;
        }
        BackendException e = assertThrows(BackendException.class,
                () -> CudaKernels.require("softmaxCrossEntropy"));
        String reason = KernelLibrary.unavailableReason();
        assertEquals("softmaxCrossEntropy on CUDA needs Gargoyle's own CUDA kernels, which this build cannot use: "
                + reason + (reason.equals(KernelLibrary.NOT_BUILT) ? " (build with nvcc on the PATH to include them)" : ""),
                e.getMessage());
    }
}
