package dev.gargoyle.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits the long host loops (optimizer steps over ~10M parameters, gradient zeroing) between the
 * calling thread and one owned worker: they are memory-bound, and one core alone does not reach
 * the memory bandwidth. Short loops stay on the caller. Each side gets its own {@link Chunks}.
 */
final class Parallel implements Resource {
    /** Loops shorter than this run on the calling thread: a hand-off costs about as much. */
    static final int SPLIT_AT = 1 << 16;

    /** A loop body over {@code [from, to)}. */
    interface Body {
        void run(int from, int to, Chunks chunks);
    }

    /** A loop body that returns a partial sum over {@code [from, to)}. */
    interface SumBody {
        double run(int from, int to, Chunks chunks);
    }

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gargoyle-cpu-loop");
        t.setDaemon(true);
        return t;
    });
    private final Chunks callerChunks = new Chunks();
    private final Chunks workerChunks = new Chunks();

    void run(int n, Body body) {
        if (n < SPLIT_AT) {
            body.run(0, n, callerChunks);
            return;
        }
        int mid = half(n);
        Future<?> other = worker.submit(() -> body.run(mid, n, workerChunks));
        body.run(0, mid, callerChunks);
        join(other);
    }

    double sum(int n, SumBody body) {
        if (n < SPLIT_AT) {
            return body.run(0, n, callerChunks);
        }
        int mid = half(n);
        Future<Double> other = worker.submit(() -> body.run(mid, n, workerChunks));
        double first = body.run(0, mid, callerChunks);
        return first + join(other);
    }

    /** The split point, on a 64-byte boundary so the two threads never share a cache line. */
    private static int half(int n) {
        return (n / 2) & ~15;
    }

    private static <T> T join(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a host loop", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
