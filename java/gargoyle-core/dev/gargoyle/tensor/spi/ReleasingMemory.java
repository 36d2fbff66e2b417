package dev.gargoyle.tensor.spi;

import org.bytedeco.javacpp.Pointer;

/** A block that runs a release action once, on its first close, before freeing the block; see {@link Memory#onRelease}. */
final class ReleasingMemory implements Memory {
    private final Memory memory;
    private final Runnable release;
    private boolean released;

    ReleasingMemory(Memory memory, Runnable release) {
        this.memory = memory;
        this.release = release;
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
            release.run();
            memory.close();
        }
    }
}
