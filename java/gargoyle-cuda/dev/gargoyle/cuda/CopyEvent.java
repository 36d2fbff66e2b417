package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaEventCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaEventDestroy;
import static org.bytedeco.cuda.global.cudart.cudaEventDisableTiming;
import static org.bytedeco.cuda.global.cudart.cudaEventRecord;
import static org.bytedeco.cuda.global.cudart.cudaEventSynchronize;

import org.bytedeco.cuda.cudart.CUevent_st;

/**
 * Tells when queued copies out of host memory have finished: an event recorded right after the
 * copies, waited on once the host wants that memory back (the caller's image buffer, the staging
 * block), so the GPU keeps the work queued after the copies.
 */
final class CopyEvent implements NativeResource {
    private final CudaContext ctx;
    private final String purpose;
    private final CUevent_st copied = new CUevent_st();

    CopyEvent(CudaContext ctx, String purpose) {
        this.ctx = ctx;
        this.purpose = purpose;
        CudaStatus.cuda(cudaEventCreateWithFlags(copied, cudaEventDisableTiming), "cudaEventCreateWithFlags");
    }

    /** Marks the copies queued so far. */
    void record() {
        CudaStatus.cuda(cudaEventRecord(copied, ctx.stream), "cudaEventRecord", purpose);
    }

    /** Waits until the marked copies have finished. */
    void synchronize() {
        CudaStatus.cuda(cudaEventSynchronize(copied), "cudaEventSynchronize", purpose);
    }

    @Override
    public void close() {
        if (!copied.isNull()) {
            CudaStatus.cuda(cudaEventDestroy(copied), "cudaEventDestroy", purpose);
            copied.setNull();
        }
    }
}
