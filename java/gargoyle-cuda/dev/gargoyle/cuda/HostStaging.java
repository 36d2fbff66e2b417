package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Addresses.doubles;
import static dev.gargoyle.cuda.Addresses.floats;
import static dev.gargoyle.cuda.Addresses.ints;
import static dev.gargoyle.cuda.Addresses.raw;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;

/**
 * A pinned host block for copies between Java arrays and the device. An upload queues its copy and
 * returns; the next copy waits on an event until that upload has read the block, so uploads stay
 * asynchronous without the host overwriting data still in flight. A download waits for the stream.
 */
final class HostStaging implements NativeResource {
    private final CudaContext ctx;
    private final CopyEvent copied;
    private PinnedMemory block;
    private boolean inFlight;
    private boolean closed;

    HostStaging(CudaContext ctx) {
        this.ctx = ctx;
        this.copied = new CopyEvent(ctx, "host staging");
    }

    /** Queues a copy of {@code src[offset, offset + n)} to the device floats at {@code dst}. */
    void upload(float[] src, int offset, int n, long dst, String what) {
        long bytes = (long) n * Float.BYTES;
        long host = acquire(bytes);
        floats(host).put(src, offset, n);
        queue(dst, host, bytes, cudaMemcpyHostToDevice, what);
        release();
    }

    /** Queues a copy of {@code src[0, n)} to the device ints at {@code dst}. */
    void upload(int[] src, int n, long dst, String what) {
        long bytes = (long) n * Integer.BYTES;
        long host = acquire(bytes);
        ints(host).put(src, 0, n);
        queue(dst, host, bytes, cudaMemcpyHostToDevice, what);
        release();
    }

    /** Copies {@code n} device floats at {@code src} into {@code dst[offset, offset + n)}, after all queued work. */
    void download(long src, float[] dst, int offset, int n, String what) {
        long bytes = (long) n * Float.BYTES;
        long host = acquire(bytes);
        queue(host, src, bytes, cudaMemcpyDeviceToHost, what);
        ctx.synchronize();
        floats(host).get(dst, offset, n);
    }

    /** The device double at {@code src}, after all queued work. */
    double downloadDouble(long src, String what) {
        long host = acquire(Double.BYTES);
        queue(host, src, Double.BYTES, cudaMemcpyDeviceToHost, what);
        ctx.synchronize();
        return doubles(host).get(0);
    }

    private void queue(long dst, long src, long bytes, int kind, String what) {
        CudaStatus.cuda(cudaMemcpyAsync(raw(dst), raw(src), bytes, kind, ctx.stream), "cudaMemcpyAsync", what);
    }

    /** The address of at least {@code bytes} pinned bytes that no queued copy still reads. */
    private long acquire(long bytes) {
        if (inFlight) {
            copied.synchronize();
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
    private void release() {
        copied.record();
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
            r.run(copied::synchronize);
        }
        if (block != null) {
            r.run(block::close);
        }
        r.run(copied::close);
        r.done();
    }
}
