package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaEventCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaEventDestroy;
import static org.bytedeco.cuda.global.cudart.cudaEventDisableTiming;
import static org.bytedeco.cuda.global.cudart.cudaEventRecord;
import static org.bytedeco.cuda.global.cudart.cudaEventSynchronize;

import org.bytedeco.cuda.cudart.CUevent_st;

/**
 * Tells when a queued copy out of a caller's host buffer has finished: an event recorded right
 * after the copy, waited on after later work has been queued, so the GPU keeps that work while
 * the caller gets its buffer back.
 */
final class ImageUpload implements NativeResource {
    private final CudaContext ctx;
    private final CUevent_st copied = new CUevent_st();

    ImageUpload(CudaContext ctx) {
        this.ctx = ctx;
        CudaStatus.cuda(cudaEventCreateWithFlags(copied, cudaEventDisableTiming), "cudaEventCreateWithFlags");
    }

    /** Marks the copies queued so far. */
    void markCopied() {
        CudaStatus.cuda(cudaEventRecord(copied, ctx.stream), "cudaEventRecord", "image upload");
    }

    /** Waits until the marked copies have finished. */
    void awaitCopied() {
        CudaStatus.cuda(cudaEventSynchronize(copied), "cudaEventSynchronize", "image upload");
    }

    @Override
    public void close() {
        if (!copied.isNull()) {
            CudaStatus.cuda(cudaEventDestroy(copied), "cudaEventDestroy", "image upload");
            copied.setNull();
        }
    }
}
