package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * The build's promise about our CUDA kernels: with nvcc, both native libraries sit beside
 * {@link Kernels} on the class path (so in the jar); without, the backend says it was built without
 * them. Which case holds comes from the build itself (kernels-build.properties, filtered by Maven);
 * the tests of the other cases are skipped, saying why.
 */
class KernelsPackagingTest {

    private static boolean kernelsBuilt() throws IOException {
        Properties p = new Properties();
        try (InputStream in = KernelsPackagingTest.class.getResourceAsStream("kernels-build.properties")) {
            assertNotNull(in, "kernels-build.properties missing from the test class path");
            p.load(in);
        }
        String built = p.getProperty("kernels.built");
        assertTrue("true".equals(built) || "false".equals(built),
                "kernels.built must be true or false (filtered by Maven), got " + built);
        return Boolean.parseBoolean(built);
    }

    private static boolean onClassPath(String library) {
        return Kernels.class.getResource(Loader.getPlatform() + "/" + System.mapLibraryName(library)) != null;
    }

    @Test
    void nativeLibrariesArePackagedExactlyWhenTheBuildMadeThem() throws IOException {
        boolean built = kernelsBuilt();
        assertEquals(built, onClassPath("gargoyle_kernels"), "libgargoyle_kernels.so on the class path");
        assertEquals(built, onClassPath("jniKernels"), "libjniKernels.so on the class path");
    }

    @Test
    void aBuildWithoutKernelsSaysSo() throws IOException {
        assumeFalse(kernelsBuilt(), "this build made the kernels");
        assertFalse(KernelLibrary.isAvailable());
        assertEquals("built without CUDA kernels", KernelLibrary.unavailableReason());
        CudaException e = assertThrows(CudaException.class,
                () -> KernelLibrary.check(KernelLibrary.GG_NOT_BUILT, "gg_fill"));
        assertEquals("gg_fill failed: kernel library not built (gg status 3)", e.getMessage());
    }

    /** Built, but the CUDA runtime is not on this machine's library path: the loader's own error. */
    @Test
    void builtKernelsThatCannotLoadHereSayWhy() throws IOException {
        assumeTrue(kernelsBuilt(), "this build made no kernels");
        String reason = KernelLibrary.unavailableReason();
        assumeTrue(reason != null, "the kernels load here");
        assertTrue(reason.startsWith("cannot load the CUDA kernels: "), reason);
        CudaException e = assertThrows(CudaException.class,
                () -> KernelLibrary.check(KernelLibrary.GG_LAUNCH_FAILED, "gg_fill"));
        assertEquals("gg_fill failed: kernel library unavailable: " + reason + " (gg status 2)", e.getMessage());
    }

    /** The launchers check their arguments before touching a GPU, so this runs wherever the kernels load. */
    @Test
    void loadedKernelsRefuseBadArgumentsWithoutAGpu() throws IOException {
        assumeTrue(kernelsBuilt(), "this build made no kernels");
        String reason = KernelLibrary.unavailableReason();
        assumeTrue(reason == null, () -> "the kernels do not load here: " + reason);
        assertEquals("1.0.0", KernelLibrary.version());
        assertEquals(1, Kernels.gg_fill(null, 10, 0f, null), "gg_fill(null) is GG_INVALID_ARGUMENT");
        try (FloatPointer notDevice = new FloatPointer(1)) {
            assertEquals(1, Kernels.gg_fill(notDevice, -1, 0f, null), "gg_fill(n = -1) is GG_INVALID_ARGUMENT");
            assertEquals(1, Kernels.gg_dropout_forward(notDevice, 1.0f, 0L, notDevice, notDevice, 1, null),
                    "dropout with p = 1 is GG_INVALID_ARGUMENT");
            assertEquals(1, Kernels.gg_softmax_cross_entropy(notDevice, null, 1, 0, 1f, notDevice, null, null),
                    "softmax cross-entropy with k = 0 is GG_INVALID_ARGUMENT");
            assertEquals(1, Kernels.gg_adam_step(notDevice, notDevice, notDevice, notDevice, 1, 1e-3f, 0.9f, 0.999f,
                    1e-8f, 0f, 0, 1e-2f, 0f, null), "adam with sqrt(1 - beta2^step) = 0 is GG_INVALID_ARGUMENT");
            assertEquals(0, Kernels.gg_fill(notDevice, 0, 0f, null), "gg_fill(n = 0) is a no-op");
        }
        CudaException e = assertThrows(CudaException.class, () -> KernelLibrary.check(1, "gg_fill"));
        assertEquals("gg_fill failed: invalid argument (gg status 1)", e.getMessage());
        KernelLibrary.check(0, "gg_fill");
        assertNull(KernelLibrary.unavailableReason());
    }
}
