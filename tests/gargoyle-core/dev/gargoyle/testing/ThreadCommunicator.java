package dev.gargoyle.testing;

import dev.gargoyle.dist.CommunicationException;
import dev.gargoyle.dist.Communicator;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A communicator between threads of one JVM, for tests: each rank is a thread with its own backend.
 * Sums add the ranks' values in rank order in float32, as MPI's reduction of floats does.
 */
public final class ThreadCommunicator implements Communicator {
    private final int rank;
    private final Shared shared;

    private static final class Shared {
        final Object[] slots;
        final CyclicBarrier barrier;

        Shared(int size) {
            slots = new Object[size];
            barrier = new CyclicBarrier(size);
        }
    }

    private ThreadCommunicator(int rank, Shared shared) {
        this.rank = rank;
        this.shared = shared;
    }

    /** {@code size} communicators of one group, by rank; hand each to its own thread. */
    public static List<Communicator> group(int size) {
        Shared shared = new Shared(size);
        List<Communicator> out = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            out.add(new ThreadCommunicator(r, shared));
        }
        return out;
    }

    /** Every rank's {@code mine}, by rank. */
    private Object[] exchange(Object mine) {
        shared.slots[rank] = mine;
        await();
        Object[] all = shared.slots.clone();
        await();
        return all;
    }

    private void await() {
        try {
            shared.barrier.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
            throw new CommunicationException("rank " + rank + ": a collective did not complete", e);
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return shared.slots.length;
    }

    @Override
    public Pending allReduceSum(Tensor t) {
        Object[] all = exchange(t.toArray());
        float[] sum = new float[Math.toIntExact(t.numel())];
        for (Object o : all) {
            float[] v = (float[]) o;
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i];
            }
        }
        t.copyFrom(sum);
        return () -> { };
    }

    @Override
    public void allReduceSum(double[] values) {
        Object[] all = exchange(values.clone());
        Arrays.fill(values, 0);
        for (Object o : all) {
            double[] v = (double[]) o;
            for (int i = 0; i < values.length; i++) {
                values[i] += v[i];
            }
        }
    }

    @Override
    public void broadcast(Tensor t, int root) {
        Object[] all = exchange(t.toArray());
        t.copyFrom((float[]) all[root]);
    }

    @Override
    public void broadcast(byte[] values, int root) {
        byte[] from = (byte[]) exchange(values.clone())[root];
        System.arraycopy(from, 0, values, 0, values.length);
    }

    @Override
    public void broadcast(double[] values, int root) {
        double[] from = (double[]) exchange(values.clone())[root];
        System.arraycopy(from, 0, values, 0, values.length);
    }

    /** As {@code MPI_Abort} for threads: every rank waiting in a collective fails now. */
    public void abort() {
        shared.barrier.reset();
    }

    @Override
    public String describe() {
        return "threads, rank " + rank + " of " + size();
    }

    @Override
    public void close() {
    }
}
