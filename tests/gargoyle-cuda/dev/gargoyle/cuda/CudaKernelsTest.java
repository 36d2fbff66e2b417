package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.gargoyle.tensor.BackendException;
import org.junit.jupiter.api.Test;

/** An op that needs our kernels says so, naming itself and why the kernels cannot be used. */
class CudaKernelsTest {
    @Test
    void theMessageNamesTheOpTheReasonAndTheRemedyForABuildWithoutThem() {
        assertEquals("softmaxCrossEntropy on CUDA needs Gargoyle's own CUDA kernels, which this build cannot use: "
                + "built without CUDA kernels (build with nvcc on the PATH to include them)",
                CudaKernels.missing("softmaxCrossEntropy", "built without CUDA kernels"));
        assertEquals("fill on CUDA needs Gargoyle's own CUDA kernels, which this build cannot use: cannot load the "
                + "CUDA kernels: libcudart.so.13: cannot open shared object file",
                CudaKernels.missing("fill",
                        "cannot load the CUDA kernels: libcudart.so.13: cannot open shared object file"));
    }

    @Test
    void anOpWithoutKernelsThrowsNamingItself() {
        assumeFalse(KernelLibrary.isAvailable(), "the kernels load here");
        String reason = KernelLibrary.unavailableReason();
        BackendException e = assertThrows(BackendException.class, () -> CudaKernels.require("softmaxCrossEntropy"));
        assertTrue(e.getMessage().startsWith("softmaxCrossEntropy on CUDA needs Gargoyle's own CUDA kernels, which "
                + "this build cannot use: " + reason), e.getMessage());
    }
}
