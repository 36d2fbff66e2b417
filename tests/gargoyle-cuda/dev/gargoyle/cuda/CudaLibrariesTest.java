package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The reasons made from failed loads of the CUDA bindings. The messages are the ones JavaCPP and
 * the dynamic linker produced on real machines (no driver; driver and runtime but no cuBLAS; no cuDNN),
 * and the same shape for NCCL's binding.
 */
class CudaLibrariesTest {
    private static final String JAVA_PATH = "/usr/java/packages/lib:/usr/lib/x86_64-linux-gnu/jni:/lib:/usr/lib";
    private static final String CACHE = "/root/.javacpp/cache/cuda-13.1-9.19-1.5.13-linux-x86_64.jar/org/bytedeco/cuda/"
            + "linux-x86_64/";

    /** What Loader.load(cudart.class) throws where libcuda.so.1 is absent. */
    private static Throwable javacppFailure(String jni, String missing) {
        UnsatisfiedLinkError cause = new UnsatisfiedLinkError(CACHE + "lib" + jni + ".so: " + missing
                + ": cannot open shared object file: No such file or directory");
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("no " + jni + " in java.library.path: " + JAVA_PATH);
        e.initCause(cause);
        return e;
    }

    @Test
    void noDriverNamesLibcudaAndTheSearchPath() {
        assertEquals("libcuda.so.1 not found: no NVIDIA driver (searched LD_LIBRARY_PATH=(unset), java.library.path="
                        + JAVA_PATH + " and the system's ld.so cache)",
                CudaLibraries.explain("the CUDA runtime", javacppFailure("jnicudart", "libcuda.so.1"), null, JAVA_PATH));
    }

    @Test
    void missingCudnnSublibraryIsNamedWithItsVersion() {
        assertEquals("libcudnn_cnn.so.9 not found: cuDNN 9 is not installed (searched LD_LIBRARY_PATH=/opt/cuda/lib64,"
                        + " java.library.path=" + JAVA_PATH + " and the system's ld.so cache)",
                CudaLibraries.explain("cuDNN", javacppFailure("jnicudnn", "libcudnn_cnn.so.9"), "/opt/cuda/lib64",
                        JAVA_PATH));
    }

    @Test
    void missingCublasAndRuntimeSayWhatToInstall() {
        assertTrue(CudaLibraries.explain("cuBLAS", javacppFailure("jnicublas", "libcublas.so.13"), "", JAVA_PATH)
                .startsWith("libcublas.so.13 not found: cuBLAS 13 (part of the CUDA 13 toolkit) is not installed"
                        + " (searched LD_LIBRARY_PATH=(unset), "));
        assertTrue(CudaLibraries.explain("the CUDA runtime", javacppFailure("jnicudart", "libcudart.so.13"), null,
                JAVA_PATH).startsWith("libcudart.so.13 not found: the CUDA 13 runtime is not installed"));
    }

    @Test
    void missingNcclNamesThePackageThatHasIt() {
        assertEquals("libnccl.so.2 not found: NCCL 2 is not installed (e.g. pip's nvidia-nccl-cu13) (searched"
                        + " LD_LIBRARY_PATH=(unset), java.library.path=" + JAVA_PATH + " and the system's ld.so cache)",
                CudaLibraries.explain("NCCL", javacppFailure("jninccl", "libnccl.so.2"), null, JAVA_PATH));
    }

    @Test
    void aLaterNoClassDefFoundErrorStillNamesTheRootCause() {
        NoClassDefFoundError later = new NoClassDefFoundError("Could not initialize class org.bytedeco.cuda.global.cudart");
        later.initCause(new ExceptionInInitializerError("Exception java.lang.UnsatisfiedLinkError: no jnicudart in "
                + "java.library.path [in thread \"main\"]"));
        assertEquals("cannot load cuDNN: Exception java.lang.UnsatisfiedLinkError: no jnicudart in java.library.path "
                        + "[in thread \"main\"] (searched LD_LIBRARY_PATH=(unset), java.library.path=" + JAVA_PATH
                        + " and the system's ld.so cache)",
                CudaLibraries.explain("cuDNN", later, null, JAVA_PATH));
    }

    @Test
    void anOlderLibraryWithoutASymbolSaysWhichVersionsThePresetsNeed() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError(CACHE + "libjnicudnn.so: undefined symbol: cudnnGetLastErrorString");
        String reason = CudaLibraries.explain("cuDNN", e, null, JAVA_PATH);
        assertTrue(reason.startsWith("cuDNN on this machine lacks cudnnGetLastErrorString, which the CUDA presets "),
                reason);
        assertTrue(reason.endsWith("(CUDA 13.1, cuDNN 9.19.0, cuBLAS 13.2.1, NCCL 2.29.3)"), reason);
    }
}
