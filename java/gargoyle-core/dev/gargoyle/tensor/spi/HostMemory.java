package dev.gargoyle.tensor.spi;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Zeroed host memory aligned to 64 bytes (a cache line, and what oneDNN's AVX-512 kernels want).
 * Allocated through JavaCPP so that {@link Pointer#totalBytes()} accounts for it.
 */
public final class HostMemory implements Memory {
    private static final int ALIGNMENT = 64;

    private final BytePointer block;
    private final Pointer aligned;
    private final long bytes;

    public HostMemory(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative allocation: " + bytes + " bytes");
        }
        this.bytes = bytes;
        this.block = new BytePointer(bytes + ALIGNMENT);
        if (block.isNull()) {
            throw new OutOfMemoryError("could not allocate " + bytes + " bytes of host memory");
        }
        long misalignment = block.address() % ALIGNMENT;
        long shift = misalignment == 0 ? 0 : ALIGNMENT - misalignment;
        block.zero();
        this.aligned = ExactPointer.bytes(block.address() + shift, bytes);
    }

    @Override
    public Pointer address() {
        return aligned;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public boolean isClosed() {
        return block.isNull();
    }

    @Override
    public void close() {
        block.close();
    }
}
