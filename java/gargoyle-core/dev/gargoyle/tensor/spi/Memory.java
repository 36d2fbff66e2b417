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
}
