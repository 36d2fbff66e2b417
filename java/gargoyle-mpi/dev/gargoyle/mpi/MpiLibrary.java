package dev.gargoyle.mpi;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the MPI binding ({@link Mpi}) once, or records why it cannot be used, and turns MPI's
 * error codes into {@link MpiException}s that name the call.
 */
final class MpiLibrary {
    static final String NOT_BUILT = "built without MPI (no mpi.h was found when Gargoyle was built)";
    private static final Logger LOG = LoggerFactory.getLogger(MpiLibrary.class);

    private MpiLibrary() {
    }

    /** Why MPI cannot be used here, or null when it can. */
    static String unavailableReason() {
        return Holder.REASON;
    }

    /** Throws an {@link MpiException} naming {@code call} and MPI's own words when {@code code} is not success. */
    static void check(int code, String call) {
        if (code != Mpi.MPI_SUCCESS()) {
            throw new MpiException(call + " failed: " + errorString(code) + " (MPI error " + code + ")");
        }
    }

    static String errorString(int code) {
        try (BytePointer text = new BytePointer(Mpi.MPI_MAX_ERROR_STRING()); IntPointer length = new IntPointer(1)) {
            return Mpi.MPI_Error_string(code, text, length) == Mpi.MPI_SUCCESS() ? text.getString() : "unknown error";
        }
    }

    /** Lazy, thread-safe, once: the class initialiser runs on first use. */
    private static final class Holder {
        static final String REASON = load();
    }

    private static String load() {
        String dir = Loader.getPlatform() + "/";
        if (Mpi.class.getResource(dir + System.mapLibraryName("jniMpi")) == null) {
            return NOT_BUILT;
        }
        try {
            Loader.load(Mpi.class);
        } catch (LinkageError | RuntimeException e) {
            LOG.debug("loading the MPI binding failed", e);
            return "cannot load the MPI binding (is Open MPI installed, e.g. Debian's openmpi-bin?): " + e.getMessage();
        }
        for (String name : new String[] {"libmpi.so.40", "libmpi.so"}) {
            Pointer handle = Mpi.dlopen(name, Mpi.RTLD_NOW() | Mpi.RTLD_GLOBAL());
            if (handle != null && !handle.isNull()) {
                return null;
            }
        }
        BytePointer why = Mpi.dlerror();
        return "cannot open libmpi with its symbols global: " + (why == null ? "no reason given" : why.getString());
    }
}
