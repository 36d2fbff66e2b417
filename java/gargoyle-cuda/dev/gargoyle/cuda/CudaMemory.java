package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaMemsetAsync;

import dev.gargoyle.tensor.spi.Memory;
import org.bytedeco.javacpp.Pointer;

/**
 * A tensor's device memory: cudaMalloc'd, zeroed on the backend's stream, and cudaFree'd by
 * {@link #close()} once the stream has finished the work queued on it.
 */
final class CudaMemory implements Memory {
    private final CudaContext ctx;
    private final Pointer block;
    private final long bytes;
    private boolean closed;

    CudaMemory(CudaContext ctx, long bytes) {
        this.ctx = ctx;
        this.bytes = bytes;
        // A zero-size tensor needs no block; its address stays null.
        this.block = bytes == 0 ? new Pointer() : DeviceAllocations.malloc(bytes, "a tensor");
        if (bytes > 0) {
            int status = cudaMemsetAsync(block, 0, bytes, ctx.stream);
            if (status != 0) {
                DeviceAllocations.free(block, bytes, "a tensor whose zeroing failed");
                CudaStatus.cuda(status, "cudaMemsetAsync", bytes + " bytes");
            }
        }
    }

    @Override
    public Pointer address() {
        return block;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (bytes > 0) {
            // Queued kernels may still read the block; a closed backend has already synchronized.
            if (!ctx.isClosed()) {
                ctx.synchronize();
            }
            DeviceAllocations.free(block, bytes, "a tensor of " + bytes + " bytes");
        }
    }
}
