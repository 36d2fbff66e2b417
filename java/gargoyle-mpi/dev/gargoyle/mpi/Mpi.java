package dev.gargoyle.mpi;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of the part of the MPI C API data-parallel training needs, mirroring
 * {@code mpi.h} one to one; handles ({@code MPI_Comm}, {@code MPI_Datatype}, ...) are Open MPI's
 * pointers, passed as plain {@link Pointer}s. The JNI glue is generated from this class at build
 * time where {@code mpi.h} is found; {@link MpiLibrary} loads it (or records why not).
 */
// The C API only: Open MPI's mpi.h would otherwise pull in its deprecated C++ bindings.
@Platform(define = {"OMPI_SKIP_MPICXX 1", "MPICH_SKIP_MPICXX 1"}, include = {"mpi.h", "dlfcn.h"}, link = "mpi")
final class Mpi {
    private Mpi() {
    }

    @MemberGetter
    static native int MPI_SUCCESS();

    @MemberGetter
    static native int MPI_THREAD_SERIALIZED();

    @MemberGetter
    static native int MPI_THREAD_MULTIPLE();

    @MemberGetter
    static native int MPI_COMM_TYPE_SHARED();

    @MemberGetter
    static native int MPI_MAX_ERROR_STRING();

    @MemberGetter
    static native int MPI_MAX_LIBRARY_VERSION_STRING();

    @MemberGetter
    static native @Cast("MPI_Comm") Pointer MPI_COMM_WORLD();

    @MemberGetter
    static native @Cast("MPI_Datatype") Pointer MPI_FLOAT();

    @MemberGetter
    static native @Cast("MPI_Datatype") Pointer MPI_DOUBLE();

    @MemberGetter
    static native @Cast("MPI_Datatype") Pointer MPI_BYTE();

    @MemberGetter
    static native @Cast("MPI_Op") Pointer MPI_SUM();

    @MemberGetter
    static native @Cast("MPI_Info") Pointer MPI_INFO_NULL();

    @MemberGetter
    static native @Cast("MPI_Errhandler") Pointer MPI_ERRORS_RETURN();

    @MemberGetter
    static native @Cast("void*") Pointer MPI_IN_PLACE();

    static native int MPI_Init_thread(IntPointer argc, @Cast("char***") PointerPointer<?> argv, int required,
                                      IntPointer provided);

    static native int MPI_Initialized(IntPointer flag);

    static native int MPI_Finalized(IntPointer flag);

    static native int MPI_Comm_set_errhandler(@Cast("MPI_Comm") Pointer comm,
                                              @Cast("MPI_Errhandler") Pointer errhandler);

    static native int MPI_Comm_rank(@Cast("MPI_Comm") Pointer comm, IntPointer rank);

    static native int MPI_Comm_size(@Cast("MPI_Comm") Pointer comm, IntPointer size);

    static native int MPI_Comm_split_type(@Cast("MPI_Comm") Pointer comm, int splitType, int key,
                                          @Cast("MPI_Info") Pointer info, @Cast("MPI_Comm*") PointerPointer<?> newcomm);

    static native int MPI_Comm_free(@Cast("MPI_Comm*") PointerPointer<?> comm);

    static native int MPI_Allreduce(@Cast("const void*") Pointer sendbuf, Pointer recvbuf, int count,
                                    @Cast("MPI_Datatype") Pointer datatype, @Cast("MPI_Op") Pointer op,
                                    @Cast("MPI_Comm") Pointer comm);

    static native int MPI_Bcast(Pointer buffer, int count, @Cast("MPI_Datatype") Pointer datatype, int root,
                                @Cast("MPI_Comm") Pointer comm);

    static native int MPI_Barrier(@Cast("MPI_Comm") Pointer comm);

    static native int MPI_Abort(@Cast("MPI_Comm") Pointer comm, int errorcode);

    static native int MPI_Finalize();

    static native int MPI_Error_string(int errorcode, @Cast("char*") BytePointer string, IntPointer resultlen);

    static native int MPI_Get_library_version(@Cast("char*") BytePointer version, IntPointer resultlen);

    // Open MPI loads its components as plugins that need libmpi's symbols in the global scope,
    // but the JVM loads libraries with RTLD_LOCAL: libmpi is opened again with RTLD_GLOBAL first.
    @MemberGetter
    static native int RTLD_NOW();

    @MemberGetter
    static native int RTLD_GLOBAL();

    static native Pointer dlopen(String filename, int flags);

    static native @Cast("char*") BytePointer dlerror();
}
