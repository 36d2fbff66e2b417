package dev.gargoyle.tensor.spi;

import dev.gargoyle.tensor.BackendException;
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
        try {
            this.block = new BytePointer(bytes + ALIGNMENT);
        } catch (OutOfMemoryError e) {
            throw new BackendException(limits(bytes), e);
        }
        if (block.isNull()) {
            throw new BackendException(limits(bytes));
        }
        long misalignment = block.address() % ALIGNMENT;
        long shift = misalignment == 0 ? 0 : ALIGNMENT - misalignment;
        block.zero();
        this.aligned = ExactPointer.bytes(block.address() + shift, bytes);
    }

    /**
     * Why {@code bytes} could not be had: JavaCPP caps the native memory it hands out at
     * {@code org.bytedeco.javacpp.maxBytes} (by default the heap limit, {@code -Xmx}) and the
     * process's resident memory at {@code maxPhysicalBytes}; the library reads them, never sets them.
     */
    private static String limits(long bytes) {
        return "could not allocate " + bytes + " bytes of native memory: " + Pointer.totalBytes()
                + " bytes are in use by JavaCPP, whose limits are org.bytedeco.javacpp.maxBytes=" + Pointer.maxBytes()
                + " (by default the -Xmx heap size) and org.bytedeco.javacpp.maxPhysicalBytes="
                + Pointer.maxPhysicalBytes() + " (resident memory of the process); raise them with "
                + "-Dorg.bytedeco.javacpp.maxBytes=SIZE and -Dorg.bytedeco.javacpp.maxPhysicalBytes=SIZE "
                + "(e.g. 8g; 0 for no limit)";
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
