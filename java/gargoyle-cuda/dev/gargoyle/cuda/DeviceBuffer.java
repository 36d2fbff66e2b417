package dev.gargoyle.cuda;

import org.bytedeco.javacpp.Pointer;

/**
 * A device scratch block that grows on demand and never shrinks: cuDNN's workspace, the cached
 * label, loss, ones and pixel buffers. Growing waits for the stream, since queued work may still
 * use the old block.
 */
final class DeviceBuffer implements NativeResource {
    private final CudaContext ctx;
    private final String purpose;
    private Pointer block;
    private long bytes;

    DeviceBuffer(CudaContext ctx, String purpose) {
        this.ctx = ctx;
        this.purpose = purpose;
    }

    long address() {
        return block == null ? 0 : block.address();
    }

    long bytes() {
        return bytes;
    }

    /**
     * Grows to at least {@code size} bytes; false when the device is out of memory, leaving a block
     * of the old size whose content is undefined (the old one is freed before the larger is tried).
     */
    boolean tryEnsure(long size) {
        if (size <= bytes) {
            return true;
        }
        release();
        Pointer fresh = DeviceAllocations.tryMalloc(size, purpose);
        if (fresh == null) {
            long old = bytes;
            bytes = 0;
            if (old > 0) {
                block = DeviceAllocations.malloc(old, purpose);
                bytes = old;
            }
            return false;
        }
        block = fresh;
        bytes = size;
        return true;
    }

    /** Grows to at least {@code size} bytes or throws a {@link CudaException} naming the purpose. */
    DeviceBuffer ensure(long size) {
        if (!tryEnsure(size)) {
            throw new CudaException("out of device memory growing the " + purpose + " to " + size + " bytes");
        }
        return this;
    }

    private void release() {
        if (block != null) {
            if (!ctx.isClosed()) {
                ctx.synchronize();
            }
            Pointer old = block;
            long oldBytes = bytes;
            block = null;
            bytes = 0;
            DeviceAllocations.free(old, oldBytes, purpose);
        }
    }

    @Override
    public void close() {
        release();
    }
}
