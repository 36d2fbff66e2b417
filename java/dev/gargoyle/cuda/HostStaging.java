package dev.gargoyle.cuda;

/**
 * A pinned host block for copies between Java arrays and the device. An upload queues its copy and
 * {@link #release()}s the block; the next {@link #acquire} waits on an event until that copy has
 * read it, so uploads stay asynchronous without the host overwriting data still in flight.
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

    /** The address of at least {@code bytes} pinned bytes that no queued copy still reads. */
    long acquire(long bytes) {
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
    void release() {
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
