package dev.gargoyle.tensor.spi;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Pointers that own nothing, at position 0 of an exact address, limit and capacity their length.
 * JavaCPP copies a pointer's position into pointers made from it instead of folding it into the
 * address, and adds it to native arguments in units of the declared type (bytes for {@code void*}),
 * so an offset into a block is folded into the address here, never left in a position. For
 * backends, which wrap the addresses they pass to native calls with it.
 */
public final class ExactPointer extends Pointer {
    private ExactPointer(long start, long bytes) {
        address = start;
        capacity = bytes;
        limit = bytes;
    }

    /** A pointer at {@code start} of unknown length, for native arguments. */
    public static Pointer at(long start) {
        return new ExactPointer(start, 0);
    }

    public static Pointer bytes(long start, long bytes) {
        return new ExactPointer(start, bytes);
    }

    public static FloatPointer floats(long start, long count) {
        return new FloatPointer(new ExactPointer(start, count * Float.BYTES)).capacity(count).limit(count);
    }
}
