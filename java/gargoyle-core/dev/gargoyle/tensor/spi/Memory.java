package dev.gargoyle.tensor.spi;

import org.bytedeco.javacpp.Pointer;

/**
 * A block of native memory (host or device) with exactly one owner; backends implement it.
 * Tensors reach it only through {@link Tensor}, which checks that it is still open.
 */
public interface Memory extends AutoCloseable {
    /** Start of the block; never use after {@link #close()}. */
    Pointer address();

    long bytes();

    boolean isClosed();

    /** Frees the block; a second call does nothing. */
    @Override
    void close();

    /**
     * {@code memory}, running {@code release} once when it is first closed, just before the block is
     * freed (from whichever thread closes it): how a backend stops accounting for a block.
     */
    static Memory onRelease(Memory memory, Runnable release) {
        return new ReleasingMemory(memory, release);
    }
}
