package dev.gargoyle.cuda;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.cuda.global.nccl;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the JavaCPP bindings of the CUDA runtime, cuBLAS, cuDNN and NCCL once, and when one fails says
 * which shared library was missing and where it was looked for. A binding whose class failed to
 * initialise stays failed for the life of the JVM, so each outcome is remembered.
 */
final class CudaLibraries {
    private static final Logger LOG = LoggerFactory.getLogger(CudaLibraries.class);
    private static final Pattern MISSING = Pattern.compile("(lib[\\w.+-]*?\\.so(?:\\.\\d+)*): cannot open shared object file");
    private static final Pattern UNDEFINED = Pattern.compile("undefined symbol: (\\w+)");

    private static String runtimeFailure;
    private static boolean runtimeTried;
    private static String dnnFailure;
    private static boolean dnnTried;
    private static String ncclFailure;
    private static boolean ncclTried;

    private CudaLibraries() {
    }

    /** Null when the CUDA runtime binding loaded, else why not (e.g. no NVIDIA driver). */
    static synchronized String runtimeFailure() {
        if (!runtimeTried) {
            runtimeTried = true;
            runtimeFailure = load(cudart.class, "the CUDA runtime");
        }
        return runtimeFailure;
    }

    /** Null when the cuBLAS and cuDNN bindings loaded (after the runtime), else why not. */
    static synchronized String dnnFailure() {
        if (!dnnTried) {
            dnnTried = true;
            String r = runtimeFailure();
            if (r == null) {
                r = load(cublas.class, "cuBLAS");
            }
            if (r == null) {
                r = load(cudnn.class, "cuDNN");
            }
            dnnFailure = r;
        }
        return dnnFailure;
    }

    /** Null when the NCCL binding loaded (after the runtime), else why not; only multi-GPU jobs need it. */
    static synchronized String ncclFailure() {
        if (!ncclTried) {
            ncclTried = true;
            String r = runtimeFailure();
            ncclFailure = r != null ? r : load(nccl.class, "NCCL");
        }
        return ncclFailure;
    }

    private static String load(Class<?> binding, String what) {
        try {
            Loader.load(binding);
            return null;
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("loading {} failed", what, e);
            return explain(what, e, System.getenv("LD_LIBRARY_PATH"), System.getProperty("java.library.path"));
        }
    }

    /**
     * The reason for a failed load, from the messages of {@code e} and its causes: the first shared
     * library that the dynamic linker could not open, with what it belongs to and the search path.
     */
    static String explain(String what, Throwable e, String ldLibraryPath, String javaLibraryPath) {
        String searched = searchPath(ldLibraryPath, javaLibraryPath);
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            Matcher missing = MISSING.matcher(m);
            if (missing.find()) {
                String lib = missing.group(1);
                return lib + " not found: " + owner(lib) + " (searched " + searched + ")";
            }
            Matcher undefined = UNDEFINED.matcher(m);
            if (undefined.find()) {
                return what + " on this machine lacks " + undefined.group(1) + ", which the CUDA presets "
                        + presetsVersion() + " need: install the versions they were built for (" + builtFor() + ")";
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "cannot load " + what + ": " + root.getMessage() + " (searched " + searched + ")";
    }

    private static String owner(String lib) {
        if (lib.startsWith("libcuda.so")) {
            return "no NVIDIA driver";
        }
        if (lib.startsWith("libcudart")) {
            return "the CUDA 13 runtime is not installed";
        }
        if (lib.startsWith("libcublas")) {
            return "cuBLAS 13 (part of the CUDA 13 toolkit) is not installed";
        }
        if (lib.startsWith("libcudnn")) {
            return "cuDNN 9 is not installed";
        }
        if (lib.startsWith("libnccl")) {
            return "NCCL 2 is not installed (e.g. pip's nvidia-nccl-cu13)";
        }
        return "a library the CUDA bindings need is missing";
    }

    /** Where the dynamic linker looks, for error messages. */
    static String searchPath() {
        return searchPath(System.getenv("LD_LIBRARY_PATH"), System.getProperty("java.library.path"));
    }

    private static String searchPath(String ldLibraryPath, String javaLibraryPath) {
        return "LD_LIBRARY_PATH=" + (ldLibraryPath == null || ldLibraryPath.isEmpty() ? "(unset)" : ldLibraryPath)
                + ", java.library.path=" + javaLibraryPath + " and the system's ld.so cache";
    }

    /** The version of the JavaCPP CUDA presets on the class path, e.g. {@code 13.1-9.19-1.5.13}. */
    static String presetsVersion() {
        try {
            String v = Loader.getVersion("org.bytedeco", "cuda");
            return v == null ? "(unknown version)" : v;
        } catch (java.io.IOException e) {
            return "(unknown version: " + e.getMessage() + ")";
        }
    }

    /** The library versions whose headers the presets were compiled against (constants, no loading). */
    static String builtFor() {
        return "CUDA " + cudart.CUDART_VERSION / 1000 + "." + cudart.CUDART_VERSION % 1000 / 10
                + ", cuDNN " + cudnn.CUDNN_MAJOR + "." + cudnn.CUDNN_MINOR + "." + cudnn.CUDNN_PATCHLEVEL
                + ", cuBLAS " + cublas.CUBLAS_VER_MAJOR + "." + cublas.CUBLAS_VER_MINOR + "." + cublas.CUBLAS_VER_PATCH
                + ", NCCL " + nccl.NCCL_MAJOR + "." + nccl.NCCL_MINOR + "." + nccl.NCCL_PATCH;
    }
}
