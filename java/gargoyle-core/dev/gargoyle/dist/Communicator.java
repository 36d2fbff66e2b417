package dev.gargoyle.dist;

import dev.gargoyle.tensor.Tensor;

/**
 * The collectives data-parallel training needs between the ranks of one job, implemented by an
 * engine: MPI between CPU hosts ({@code gargoyle-mpi}), NCCL between GPUs ({@code gargoyle-cuda}).
 * As in MPI, every rank calls the same collectives in the same order, and they complete in the
 * order they were started. Tensors are summed in place on the tensor's own device.
 */
public interface Communicator extends AutoCloseable {

    /** This process's place in the job, from 0. */
    int rank();

    /** How many ranks the job has. */
    int size();

    /**
     * Starts summing {@code t} over all ranks in place and returns at once; after the handle's
     * {@link Pending#await()} every rank's {@code t} holds the sum. {@code t} must not be touched
     * before then. Called on the thread that owns {@code t}'s backend.
     */
    Pending allReduceSum(Tensor t);

    /** Sums {@code values} over all ranks in place (small host values: metrics, statistics). */
    void allReduceSum(double[] values);

    /** Copies rank {@code root}'s {@code t} into every rank's {@code t}. */
    void broadcast(Tensor t, int root);

    /** Copies rank {@code root}'s {@code values} into every rank's array of the same length. */
    void broadcast(byte[] values, int root);

    /** Copies rank {@code root}'s {@code values} into every rank's array of the same length. */
    void broadcast(double[] values, int root);

    /**
     * Time this rank has spent inside all-reduces of tensors so far, in nanoseconds, for reports;
     * 0 where the engine cannot tell (a GPU engine queues them on a stream).
     */
    default long allReduceNanos() {
        return 0;
    }

    /** The engine and the job in a few words, e.g. {@code MPI (Open MPI v4.1.4), rank 0 of 2}. */
    String describe();

    /** Leaves the job; collectives already started are finished first. */
    @Override
    void close();

    /** A collective in flight. */
    @FunctionalInterface
    interface Pending {
        /** Returns when the collective has completed on this rank. */
        void await();
    }
}
