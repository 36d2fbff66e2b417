package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaGetLastError;

import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads our CUDA kernels ({@link Kernels}, native/gargoyle_kernels.h) once, or records why they
 * cannot be used, and turns their status codes into {@link CudaException}s.
 */
final class KernelLibrary {
    static final int GG_OK = 0;
    static final int GG_LAUNCH_FAILED = 2;
    static final int GG_NOT_BUILT = 3;
    static final String NOT_BUILT = "built without CUDA kernels";

    private static final Logger LOG = LoggerFactory.getLogger(KernelLibrary.class);

    private KernelLibrary() {
    }

    /** Whether the kernels and the CUDA runtime they need loaded; says nothing about a GPU being present. */
    static boolean isAvailable() {
        return Holder.REASON == null;
    }

    /** Why the kernels cannot be used, or null when they can. */
    static String unavailableReason() {
        return Holder.REASON;
    }

    /**
     * Throws a {@link CudaException} naming {@code call} when {@code status} is not GG_OK; a failed
     * launch also names the CUDA error (e.g. cudaErrorNoKernelImageForDevice), read and cleared here.
     */
    static void check(int status, String call) {
        if (status != GG_OK) {
            String cuda = status == GG_LAUNCH_FAILED && isAvailable()
                    ? ": " + CudaStatus.cudaText(cudaGetLastError()) : "";
            throw new CudaException(call + " failed: " + statusString(status) + " (gg status " + status + ")" + cuda);
        }
    }

    /** The library's own description of {@code status}, or the reason the library is absent. */
    static String statusString(int status) {
        if (!isAvailable()) {
            return status == GG_NOT_BUILT ? "kernel library not built" : "kernel library unavailable: " + Holder.REASON;
        }
        return Kernels.gg_status_string(status).getString();
    }

    /** The kernel library's version as major.minor.patch; only when {@link #isAvailable()}. */
    static String version() {
        if (!isAvailable()) {
            throw new CudaException("gg_version: " + Holder.REASON);
        }
        int v = Kernels.gg_version();
        return (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100);
    }

    /** Lazy, thread-safe, once: the class initialiser runs on first use. */
    private static final class Holder {
        static final String REASON = load();
    }

    private static String load() {
        String dir = Loader.getPlatform() + "/";
        if (Kernels.class.getResource(dir + System.mapLibraryName("jniKernels")) == null
                || Kernels.class.getResource(dir + System.mapLibraryName("gargoyle_kernels")) == null) {
            LOG.debug("no {}jniKernels / gargoyle_kernels on the class path", dir);
            return NOT_BUILT;
        }
        try {
            // Initialises Kernels, whose static block loads the CUDA runtime and our libraries.
            Loader.load(Kernels.class);
            return null;
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("loading the CUDA kernels failed", e);
            return "cannot load the CUDA kernels: " + causes(e);
        }
    }

    /** The messages of an exception and its causes, which name the missing library. */
    private static String causes(Throwable e) {
        StringBuilder s = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 5; t = t.getCause(), depth++) {
            if (s.length() > 0) {
                s.append("; caused by ");
            }
            s.append(t.getMessage() != null ? t.getMessage() : t.getClass().getName());
        }
        return s.toString();
    }
}
