package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;

import dev.gargoyle.tensor.spi.Memory;
import org.bytedeco.javacpp.Pointer;

/** Page-locked host memory (cudaMallocHost), zeroed, from which the GPU copies by DMA. */
final class PinnedMemory implements Memory {
    private final Pointer block = new Pointer();
    private final long bytes;
    private boolean closed;

    PinnedMemory(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("allocateHostBuffer: negative size " + bytes + " bytes");
        }
        this.bytes = bytes;
        // One byte at least, so that even an empty buffer has a valid address to wrap.
        long size = Math.max(bytes, 1);
        CudaStatus.cuda(cudaMallocHost(block, size), "cudaMallocHost", size + " bytes of pinned host memory");
        Pointer.memset(block, 0, size);
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
        if (!closed) {
            closed = true;
            CudaStatus.cuda(cudaFreeHost(block), "cudaFreeHost", bytes + " bytes of pinned host memory");
        }
    }
}
