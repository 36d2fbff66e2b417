/**
 * The MPI {@code Communicator} for data-parallel training between CPU hosts: a thin JavaCPP
 * binding of the machine's MPI (Open MPI), launched by {@code mpirun} or {@code srun}.
 */
module dev.gargoyle.mpi {
    requires transitive dev.gargoyle.core;
    requires org.bytedeco.javacpp;
    requires org.slf4j;

    exports dev.gargoyle.mpi;
}
