package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaEventCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaEventDestroy;
import static org.bytedeco.cuda.global.cudart.cudaEventDisableTiming;
import static org.bytedeco.cuda.global.cudart.cudaEventRecord;
import static org.bytedeco.cuda.global.cudart.cudaEventSynchronize;

import org.bytedeco.cuda.cudart.CUevent_st;

/**
 * A pinned host block for copies between Java arrays and the device. An upload queues its copy and
 * {@link #release()}s the block; the next {@link #acquire} waits on an event until that copy has
 * read it, so uploads stay asynchronous without the host overwriting data still in flight.
 */
final class HostStaging implements NativeResource {
    private final CudaContext ctx;
    private final CUevent_st copied = new CUevent_st();
    private PinnedMemory block;
    private boolean inFlight;
    private boolean closed;

    HostStaging(CudaContext ctx) {
        this.ctx = ctx;
        CudaStatus.cuda(cudaEventCreateWithFlags(copied, cudaEventDisableTiming), "cudaEventCreateWithFlags");
    }

    /** The address of at least {@code bytes} pinned bytes that no queued copy still reads. */
    long acquire(long bytes) {
        if (inFlight) {
            CudaStatus.cuda(cudaEventSynchronize(copied), "cudaEventSynchronize", "host staging");
            inFlight = false;
        }
        if (block == null || block.bytes() < bytes) {
            if (block != null) {
                block.close();
                block = null;
            }
            block = new PinnedMemory(bytes);
        }
        return block.address().address();
    }

    /** Marks the block as read by the copies queued so far on the stream. */
    void release() {
        CudaStatus.cuda(cudaEventRecord(copied, ctx.stream), "cudaEventRecord", "host staging");
        inFlight = true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Release r = new Release();
        if (inFlight) {
            r.run(() -> CudaStatus.cuda(cudaEventSynchronize(copied), "cudaEventSynchronize"));
        }
        if (block != null) {
            r.run(block::close);
        }
        if (!copied.isNull()) {
            r.run(() -> CudaStatus.cuda(cudaEventDestroy(copied), "cudaEventDestroy"));
        }
        r.done();
    }
}
