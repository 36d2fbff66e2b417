package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaEventCreate;
import static org.bytedeco.cuda.global.cudart.cudaEventDestroy;
import static org.bytedeco.cuda.global.cudart.cudaEventElapsedTime;
import static org.bytedeco.cuda.global.cudart.cudaEventRecord;
import static org.bytedeco.cuda.global.cudart.cudaEventSynchronize;

import org.bytedeco.cuda.cudart.CUevent_st;

/**
 * Device-side timing of work queued on a context's stream with CUDA events, for the bench. Every
 * repeat is bracketed by its own pair of events and nothing waits between repeats, so while the
 * host queues ahead of the GPU the times are the kernels' own, not the host's launch overhead
 * (as Triton's {@code do_bench} does it).
 */
final class EventTimer {
    private final CudaContext ctx;

    EventTimer(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** Runs {@code work} {@code warmup} times untimed, then {@code repeats} times; each repeat's milliseconds. */
    float[] time(Runnable work, int warmup, int repeats) {
        if (warmup < 0 || repeats < 1) {
            throw new IllegalArgumentException("event timer: warm-up must be >= 0 and repeats >= 1, got " + warmup
                    + " and " + repeats);
        }
        CUevent_st[] events = new CUevent_st[2 * repeats];
        boolean finished = false;
        try {
            ctx.activate();
            for (int i = 0; i < events.length; i++) {
                events[i] = new CUevent_st();
                CudaStatus.cuda(cudaEventCreate(events[i]), "cudaEventCreate");
            }
            for (int i = 0; i < warmup; i++) {
                work.run();
            }
            for (int i = 0; i < repeats; i++) {
                CudaStatus.cuda(cudaEventRecord(events[2 * i], ctx.stream), "cudaEventRecord");
                work.run();
                CudaStatus.cuda(cudaEventRecord(events[2 * i + 1], ctx.stream), "cudaEventRecord");
            }
            CudaStatus.cuda(cudaEventSynchronize(events[events.length - 1]), "cudaEventSynchronize");
            float[] millis = new float[repeats];
            float[] one = new float[1];
            for (int i = 0; i < repeats; i++) {
                CudaStatus.cuda(cudaEventElapsedTime(one, events[2 * i], events[2 * i + 1]), "cudaEventElapsedTime");
                millis[i] = one[0];
            }
            finished = true;
            return millis;
        } finally {
            Release release = new Release();
            for (CUevent_st e : events) {
                if (e != null && !e.isNull()) {
                    release.run(() -> CudaStatus.cuda(cudaEventDestroy(e), "cudaEventDestroy"));
                }
            }
            if (finished) {
                // A failure of the timed work itself must not be masked by one of the clean-up.
                release.done();
            }
        }
    }
}
