package dev.gargoyle.tensor;

import dev.gargoyle.tensor.spi.HostMemory;
import dev.gargoyle.tensor.spi.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.BytePointer;

/**
 * A staging buffer in host memory that a backend can copy from quickly (page-locked on CUDA).
 * Data loaders fill it with uint8 pixels; {@link Backend#imagesToTensor} turns it into a batch.
 */
public final class HostBuffer implements AutoCloseable {
    private final Memory memory;
    private final ByteBuffer buffer;

    HostBuffer(Memory memory) {
        this.memory = memory;
        this.buffer = new BytePointer(memory.address()).capacity(memory.bytes()).limit(memory.bytes())
                .asBuffer().order(ByteOrder.nativeOrder());
    }

    /** The bytes, position 0 to capacity; a duplicate may be used by each filling thread. */
    public ByteBuffer buffer() {
        if (memory.isClosed()) {
            throw new IllegalStateException("host buffer of " + memory.bytes() + " bytes is closed");
        }
        return buffer;
    }

    public long capacity() {
        return memory.bytes();
    }

    /** A buffer in plain (pageable) host memory, for loaders and tests that have no backend at hand. */
    public static HostBuffer allocate(long bytes) {
        return new HostBuffer(new HostMemory(bytes));
    }

    public boolean isClosed() {
        return memory.isClosed();
    }

    /** The native memory behind the buffer; {@link Backend} hands it to the device. */
    Memory memory() {
        return memory;
    }

    @Override
    public void close() {
        memory.close();
    }
}
