package dev.gargoyle.tensor.spi;

import java.util.concurrent.atomic.AtomicLong;

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
        return Memory.onRelease(memory, () -> bytes.addAndGet(-memory.bytes()));
    }

    /** Bytes of the tracked blocks not yet closed. */
    public long bytes() {
        return bytes.get();
    }
}
