package dev.gargoyle.cli;

import dev.gargoyle.mpi.MpiCommunicator;
import java.time.Duration;
import java.util.Map;

/**
 * The data-parallel job {@code mpirun} or {@code srun} launched this process into, as their
 * environment says (the CLI reads it; the library never does). A job of one rank, or no launcher,
 * is an ordinary single process.
 */
final class LaunchedJob {
    private LaunchedJob() {
    }

    /** The ranks the launcher started: Open MPI's, PMI's or Slurm's count, else 1. */
    static int ranks(Map<String, String> env) {
        for (String name : new String[] {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
            if (env.containsKey(name)) {
                return parse(name, env.get(name));
            }
        }
        if (env.containsKey("SLURM_PROCID") && env.containsKey("SLURM_NTASKS")) {
            return parse("SLURM_NTASKS", env.get("SLURM_NTASKS"));
        }
        return 1;
    }

    private static int parse(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the launcher set " + name + "=" + value + ", not a rank count");
        }
    }

    /** This rank's communicator when the launcher started more than one rank, else null. */
    static MpiCommunicator join(Duration timeout) {
        int ranks = ranks(System.getenv());
        if (ranks <= 1) {
            return null;
        }
        String why = MpiCommunicator.unavailableReason();
        if (why != null) {
            throw new IllegalStateException("launched as one of " + ranks + " ranks, but MPI is unavailable: " + why);
        }
        MpiCommunicator job = MpiCommunicator.join(timeout);
        if (job.size() != ranks) {
            // E.g. srun without PMI support in this MPI: every process would be rank 0 of 1, training alone.
            int size = job.size();
            job.abort(1);
            throw new IllegalStateException("the launcher started " + ranks + " ranks but MPI sees " + size
                    + "; launch with the mpirun of the MPI Gargoyle was built against, or srun --mpi=pmix");
        }
        return job;
    }
}
