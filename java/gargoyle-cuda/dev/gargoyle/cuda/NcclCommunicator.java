package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Addresses.raw;
import static org.bytedeco.cuda.global.nccl.NCCL_UNIQUE_ID_BYTES;
import static org.bytedeco.cuda.global.nccl.ncclAllReduce;
import static org.bytedeco.cuda.global.nccl.ncclBroadcast;
import static org.bytedeco.cuda.global.nccl.ncclCommAbort;
import static org.bytedeco.cuda.global.nccl.ncclCommDestroy;
import static org.bytedeco.cuda.global.nccl.ncclCommGetAsyncError;
import static org.bytedeco.cuda.global.nccl.ncclCommInitRank;
import static org.bytedeco.cuda.global.nccl.ncclFloat;
import static org.bytedeco.cuda.global.nccl.ncclGetUniqueId;
import static org.bytedeco.cuda.global.nccl.ncclGetVersion;
import static org.bytedeco.cuda.global.nccl.ncclSum;

import dev.gargoyle.dist.CommunicationException;
import dev.gargoyle.dist.Communicator;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.tensor.spi.NativeTensor;
import org.bytedeco.cuda.nccl.ncclComm;
import org.bytedeco.cuda.nccl.ncclUniqueId;

/**
 * The {@link Communicator} between GPUs: NCCL sums and broadcasts tensors in place on the CUDA
 * backend's own stream, and a bootstrap communicator (MPI in a job) carries NCCL's id at the start
 * and the small host values. One per rank, used on its backend's thread; close it before the
 * backend. The bootstrap stays the caller's to close, after this.
 */
public final class NcclCommunicator implements Communicator {
    private final Communicator bootstrap;
    private final Backend backend;
    private final CudaStream cuda;
    private final ncclComm comm;
    private final String version;
    private String aborted;
    private boolean closed;

    private NcclCommunicator(Communicator bootstrap, Backend backend, CudaStream cuda, ncclComm comm, String version) {
        this.bootstrap = bootstrap;
        this.backend = backend;
        this.cuda = cuda;
        this.comm = comm;
        this.version = version;
    }

    /** Why NCCL cannot be used in this process (no CUDA runtime, no libnccl.so.2), or null when it can. */
    public static String unavailableReason() {
        return CudaLibraries.ncclFailure();
    }

    /**
     * Joins the ranks of {@code bootstrap} into one NCCL communicator on {@code backend}'s GPU (every
     * rank on a GPU of its own), on the backend's thread. Blocks until every rank has called it; a
     * rank that fails here leaves the others waiting, so the launcher must end the job
     * ({@code MpiCommunicator.abort}).
     */
    public static NcclCommunicator join(Communicator bootstrap, Backend backend) {
        String why = unavailableReason();
        if (why != null) {
            throw new CommunicationException("NCCL is unavailable: " + why);
        }
        CudaStream cuda = streamOf(backend);
        String place = "rank " + bootstrap.rank() + " of " + bootstrap.size() + " on " + backend.device();
        int[] code = new int[1];
        CudaStatus.nccl(ncclGetVersion(code), "ncclGetVersion", null);
        ncclComm comm = new ncclComm();
        try (ncclUniqueId id = new ncclUniqueId()) {
            byte[] bytes = new byte[NCCL_UNIQUE_ID_BYTES];
            if (bootstrap.rank() == 0) {
                CudaStatus.nccl(ncclGetUniqueId(id), "ncclGetUniqueId", place);
                id.internal().get(bytes);
            }
            bootstrap.broadcast(bytes, 0);
            id.internal().put(bytes);
            cuda.activate();
            CudaStatus.nccl(ncclCommInitRank(comm, bootstrap.size(), id, bootstrap.rank()), "ncclCommInitRank", place);
        }
        return new NcclCommunicator(bootstrap, backend, cuda, comm, versionOf(code[0]));
    }

    /** NCCL 2.9 and later encode their version as major * 10000 + minor * 100 + patch. */
    static String versionOf(int code) {
        return code / 10000 + "." + code / 100 % 100 + "." + code % 100;
    }

    /** The stream of a CUDA backend; any other backend is refused before NCCL is touched. */
    static CudaStream streamOf(Backend backend) {
        return backend.extension(CudaStream.class).orElseThrow(() -> new IllegalArgumentException(
                "NcclCommunicator: NCCL needs a CUDA backend, and this one is on " + backend.device()));
    }

    /** The native side of {@code t}, refused before any NCCL call unless it is one of {@code backend}'s GPU tensors. */
    static NativeTensor view(String op, Backend backend, Tensor t) {
        if (t != null && !t.device().isCuda()) {
            throw new IllegalArgumentException(op + ": NCCL moves tensors in GPU memory, and " + t
                    + " is not; host values go through the double[] collectives");
        }
        return backend.collectiveView(op, t);
    }

    @Override
    public int rank() {
        return bootstrap.rank();
    }

    @Override
    public int size() {
        return bootstrap.size();
    }

    @Override
    public Pending allReduceSum(Tensor t) {
        NativeTensor view = usable("allReduceSum", t);
        long at = view.data().address();
        // On the backend's stream: after the backward kernels that wrote these gradients, before the
        // optimizer kernels that read them.
        check(ncclAllReduce(raw(at), raw(at), view.numel(), ncclFloat, ncclSum, comm, cuda.stream()), "ncclAllReduce",
                view.numel() + " floats");
        // Nothing to wait for on the host: whatever reads t next queues behind the all-reduce on the
        // same stream. A failure NCCL noticed meanwhile (a rank gone) is reported here.
        return this::checkAsyncError;
    }

    @Override
    public void allReduceSum(double[] values) {
        bootstrap.allReduceSum(values);
    }

    @Override
    public void broadcast(Tensor t, int root) {
        if (root < 0 || root >= size()) {
            throw new IllegalArgumentException("broadcast: root " + root + " is not a rank of " + size());
        }
        NativeTensor view = usable("broadcast", t);
        long at = view.data().address();
        check(ncclBroadcast(raw(at), raw(at), view.numel(), ncclFloat, root, comm, cuda.stream()), "ncclBroadcast",
                view.numel() + " floats from rank " + root);
    }

    @Override
    public void broadcast(byte[] values, int root) {
        bootstrap.broadcast(values, root);
    }

    @Override
    public void broadcast(double[] values, int root) {
        bootstrap.broadcast(values, root);
    }

    @Override
    public String describe() {
        return "NCCL " + version + " on " + backend.device() + " over " + bootstrap.describe();
    }

    /** Frees the NCCL communicator ({@code ncclCommDestroy}) after the collectives already queued. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (aborted == null) {
            CudaStatus.nccl(ncclCommDestroy(comm), "ncclCommDestroy", backend.device());
        }
    }

    private NativeTensor usable(String op, Tensor t) {
        if (closed) {
            throw new IllegalStateException(op + ": the NCCL communicator is closed");
        }
        if (aborted != null) {
            throw new IllegalStateException(op + ": the NCCL communicator was aborted after " + aborted);
        }
        NativeTensor view = view(op, backend, t);
        cuda.activate();
        return view;
    }

    private void checkAsyncError() {
        if (closed || aborted != null) {
            return;
        }
        int[] state = new int[1];
        check(ncclCommGetAsyncError(comm, state), "ncclCommGetAsyncError", null);
        check(state[0], "an NCCL collective in flight (ncclCommGetAsyncError)", backend.device());
    }

    /**
     * A collective that failed on this rank will never complete on the others, so the communicator
     * is aborted ({@code ncclCommAbort}, which, unlike destroy, does not wait for them).
     */
    private void check(int status, String call, Object operands) {
        try {
            CudaStatus.nccl(status, call, operands);
        } catch (CommunicationException e) {
            aborted = e.getMessage();
            try {
                CudaStatus.nccl(ncclCommAbort(comm), "ncclCommAbort", backend.device());
            } catch (CommunicationException a) {
                e.addSuppressed(a);
            }
            throw e;
        }
    }
}
