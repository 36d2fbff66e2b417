package dev.gargoyle.cuda;

import dev.gargoyle.tensor.Tensor;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * JavaCPP pointers at exact device or host addresses. Every native call gets a position-0 pointer:
 * JavaCPP adds a {@code void*} argument's position in bytes but a {@code float*} argument's in
 * floats, so a tensor view's element offset is folded into the address once, here.
 */
final class Addresses {
    private Addresses() {
    }

    /** The address of a tensor view's first element. */
    static long of(Tensor t) {
        FloatPointer data = t.data();
        return data.address() + data.position() * Float.BYTES;
    }

    static Pointer raw(long address) {
        return new At(address);
    }

    static FloatPointer floats(long address) {
        return new FloatPointer(new At(address));
    }

    static BytePointer bytes(long address) {
        return new BytePointer(new At(address));
    }

    static IntPointer ints(long address) {
        return new IntPointer(new At(address));
    }

    static DoublePointer doubles(long address) {
        return new DoublePointer(new At(address));
    }

    /** A pointer that owns nothing; {@code address} is protected in {@link Pointer}. */
    private static final class At extends Pointer {
        At(long start) {
            address = start;
        }
    }
}
