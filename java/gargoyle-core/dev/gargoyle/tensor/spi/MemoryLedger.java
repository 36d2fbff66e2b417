package dev.gargoyle.tensor.spi;

import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.Pointer;

/**
 * Counts the bytes of the memory blocks a backend hands out until each is closed, so that
 * {@link BackendOps#memoryInUse()} reports this backend's own memory, not the whole process's.
 * Blocks may be closed from any thread.
 */
public final class MemoryLedger {
    private final AtomicLong bytes = new AtomicLong();

    /** {@code memory}, counted until it is closed. */
    public Memory track(Memory memory) {
        bytes.addAndGet(memory.bytes());
        return new Counted(memory);
    }

    /** Bytes of the tracked blocks not yet closed. */
    public long bytes() {
        return bytes.get();
    }

    private final class Counted implements Memory {
        private final Memory memory;
        private boolean released;

        Counted(Memory memory) {
            this.memory = memory;
        }

        @Override
        public Pointer address() {
            return memory.address();
        }

        @Override
        public long bytes() {
            return memory.bytes();
        }

        @Override
        public boolean isClosed() {
            return memory.isClosed();
        }

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                bytes.addAndGet(-memory.bytes());
                memory.close();
            }
        }
    }
}
