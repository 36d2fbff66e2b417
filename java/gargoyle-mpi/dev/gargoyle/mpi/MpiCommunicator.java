package dev.gargoyle.mpi;

import dev.gargoyle.dist.CommunicationException;
import dev.gargoyle.dist.Communicator;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.tensor.spi.NativeTensor;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The {@link Communicator} over MPI's {@code MPI_COMM_WORLD}, for ranks that {@code mpirun} or
 * {@code srun} launched on CPU hosts. Every MPI call runs on one thread of its own, in the order
 * the collectives were started, so gradient buckets are summed while backward goes on in the
 * caller's thread. A collective that does not complete within the timeout fails naming this rank:
 * another rank has failed or hangs, and {@link #abort} then ends the whole job.
 */
public final class MpiCommunicator implements Communicator {
    private static final AtomicBoolean JOINED = new AtomicBoolean();

    private final ExecutorService mpi;
    private final Duration timeout;
    private final Pointer world;
    private final int rank;
    private final int size;
    private final int localRank;
    private final String version;
    private final LongAdder allReduceNanos = new LongAdder();
    private boolean closed;

    private MpiCommunicator(ExecutorService mpi, Duration timeout, int[] place, String version) {
        this.mpi = mpi;
        this.timeout = timeout;
        this.world = Mpi.MPI_COMM_WORLD();
        this.rank = place[0];
        this.size = place[1];
        this.localRank = place[2];
        this.version = version;
    }

    /** Why MPI cannot be used in this process (not built, or Open MPI missing), or null when it can. */
    public static String unavailableReason() {
        return MpiLibrary.unavailableReason();
    }

    /**
     * Joins the job this process was launched in ({@code MPI_Init_thread}); once per process.
     * {@code timeout} bounds how long any collective waits for the other ranks.
     */
    public static MpiCommunicator join(Duration timeout) {
        String why = MpiLibrary.unavailableReason();
        if (why != null) {
            throw new MpiException("MPI is unavailable: " + why);
        }
        if (!JOINED.compareAndSet(false, true)) {
            throw new IllegalStateException("MPI was already initialised in this process; join once and share it");
        }
        ExecutorService mpi = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "gargoyle-mpi");
            t.setDaemon(true);
            return t;
        });
        Future<int[]> joined = mpi.submit(MpiCommunicator::initialise);
        try {
            int[] place = joined.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String version = mpi.submit(MpiCommunicator::libraryVersion).get();
            return new MpiCommunicator(mpi, timeout, place, version);
        } catch (TimeoutException e) {
            mpi.shutdownNow();
            throw new CommunicationException("MPI_Init_thread did not complete within " + timeout.toSeconds()
                    + " s: the other ranks did not start", e);
        } catch (ExecutionException e) {
            mpi.shutdownNow();
            throw unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mpi.shutdownNow();
            throw new CommunicationException("interrupted while joining the MPI job", e);
        }
    }

    /** On the MPI thread: init with thread support, errors returned rather than fatal; rank, size, local rank. */
    private static int[] initialise() {
        try (IntPointer provided = new IntPointer(1); IntPointer value = new IntPointer(1);
             PointerPointer<Pointer> node = new PointerPointer<>(1)) {
            // MULTIPLE lets abort() interrupt a collective in flight from another thread.
            MpiLibrary.check(Mpi.MPI_Init_thread(null, null, Mpi.MPI_THREAD_MULTIPLE(), provided), "MPI_Init_thread");
            if (provided.get() < Mpi.MPI_THREAD_SERIALIZED()) {
                throw new MpiException("MPI_Init_thread: this MPI offers thread level " + provided.get()
                        + ", below MPI_THREAD_SERIALIZED (" + Mpi.MPI_THREAD_SERIALIZED() + ") that Gargoyle needs");
            }
            Pointer world = Mpi.MPI_COMM_WORLD();
            MpiLibrary.check(Mpi.MPI_Comm_set_errhandler(world, Mpi.MPI_ERRORS_RETURN()), "MPI_Comm_set_errhandler");
            MpiLibrary.check(Mpi.MPI_Comm_rank(world, value), "MPI_Comm_rank");
            int rank = value.get();
            MpiLibrary.check(Mpi.MPI_Comm_size(world, value), "MPI_Comm_size");
            int size = value.get();
            MpiLibrary.check(Mpi.MPI_Comm_split_type(world, Mpi.MPI_COMM_TYPE_SHARED(), rank, Mpi.MPI_INFO_NULL(),
                    node), "MPI_Comm_split_type");
            MpiLibrary.check(Mpi.MPI_Comm_rank(node.get(0), value), "MPI_Comm_rank (node)");
            int local = value.get();
            MpiLibrary.check(Mpi.MPI_Comm_free(node), "MPI_Comm_free");
            return new int[] {rank, size, local};
        }
    }

    private static String libraryVersion() {
        try (BytePointer text = new BytePointer(Mpi.MPI_MAX_LIBRARY_VERSION_STRING());
             IntPointer length = new IntPointer(1)) {
            MpiLibrary.check(Mpi.MPI_Get_library_version(text, length), "MPI_Get_library_version");
            String full = text.getString().trim();
            int comma = full.indexOf(',');
            return comma > 0 ? full.substring(0, comma) : full;
        }
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public int size() {
        return size;
    }

    /** This rank's place among the ranks on its own machine, e.g. which GPU it takes. */
    public int localRank() {
        return localRank;
    }

    @Override
    public Pending allReduceSum(Tensor t) {
        NativeTensor view = hostView("allReduceSum", t);
        Future<?> done = submit(() -> {
            long t0 = System.nanoTime();
            MpiLibrary.check(Mpi.MPI_Allreduce(Mpi.MPI_IN_PLACE(), view.data(), (int) view.numel(), Mpi.MPI_FLOAT(),
                    Mpi.MPI_SUM(), world), "MPI_Allreduce");
            allReduceNanos.add(System.nanoTime() - t0);
            return null;
        });
        return () -> await("all-reduce of " + view.numel() + " floats", done);
    }

    @Override
    public void allReduceSum(double[] values) {
        await("all-reduce of " + values.length + " doubles", submit(() -> {
            try (DoublePointer buffer = new DoublePointer(values)) {
                MpiLibrary.check(Mpi.MPI_Allreduce(Mpi.MPI_IN_PLACE(), buffer, values.length, Mpi.MPI_DOUBLE(),
                        Mpi.MPI_SUM(), world), "MPI_Allreduce");
                buffer.get(values);
            }
            return null;
        }));
    }

    @Override
    public void broadcast(Tensor t, int root) {
        NativeTensor view = hostView("broadcast", t);
        await("broadcast of " + view.numel() + " floats from rank " + root, submit(() -> {
            MpiLibrary.check(Mpi.MPI_Bcast(view.data(), (int) view.numel(), Mpi.MPI_FLOAT(), root, world),
                    "MPI_Bcast");
            return null;
        }));
    }

    @Override
    public void broadcast(byte[] values, int root) {
        await("broadcast of " + values.length + " bytes from rank " + root, submit(() -> {
            try (BytePointer buffer = new BytePointer(values)) {
                MpiLibrary.check(Mpi.MPI_Bcast(buffer, values.length, Mpi.MPI_BYTE(), root, world), "MPI_Bcast");
                buffer.get(values);
            }
            return null;
        }));
    }

    @Override
    public void broadcast(double[] values, int root) {
        await("broadcast of " + values.length + " doubles from rank " + root, submit(() -> {
            try (DoublePointer buffer = new DoublePointer(values)) {
                MpiLibrary.check(Mpi.MPI_Bcast(buffer, values.length, Mpi.MPI_DOUBLE(), root, world), "MPI_Bcast");
                buffer.get(values);
            }
            return null;
        }));
    }

    /**
     * Ends every rank of the job now ({@code MPI_Abort}), with {@code code} as the exit status: what a
     * rank does after a failure, so that the others do not wait for it. It may interrupt a collective
     * in flight only where MPI granted {@code MPI_THREAD_MULTIPLE} (Open MPI does); elsewhere it
     * waits for that collective, which the timeout bounds.
     */
    public void abort(int code) {
        Mpi.MPI_Abort(world, code);
    }

    @Override
    public long allReduceNanos() {
        return allReduceNanos.sum();
    }

    @Override
    public String describe() {
        return "MPI (" + version + "), rank " + rank + " of " + size;
    }

    /** Leaves the job ({@code MPI_Finalize}) after the collectives already started. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            await("MPI_Finalize", submit(() -> {
                MpiLibrary.check(Mpi.MPI_Finalize(), "MPI_Finalize");
                return null;
            }));
        } finally {
            mpi.shutdown();
        }
    }

    private NativeTensor hostView(String op, Tensor t) {
        if (closed) {
            throw new IllegalStateException(op + ": the MPI communicator is closed");
        }
        NativeTensor view = t.backend().collectiveView(op, t);
        // The MPI thread reads the memory directly: work queued on the backend must be done first.
        t.backend().synchronize();
        if (!t.device().isCpu()) {
            throw new IllegalArgumentException(op + ": MPI sums tensors in host memory, and this one is on "
                    + t.device() + "; GPU tensors go through NCCL");
        }
        if (view.numel() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + view.numel() + " floats in one tensor; MPI counts stop at "
                    + Integer.MAX_VALUE);
        }
        return view;
    }

    private Future<?> submit(Callable<?> work) {
        return mpi.submit(work);
    }

    private void await(String what, Future<?> done) {
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CommunicationException("rank " + rank + " of " + size + ": " + what + " did not complete within "
                    + timeout.toSeconds() + " s; another rank has failed or hangs", e);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommunicationException("rank " + rank + ": interrupted during " + what, e);
        }
    }

    private static RuntimeException unwrap(ExecutionException e) {
        return e.getCause() instanceof RuntimeException r ? r : new CommunicationException(e.getMessage(), e);
    }
}
