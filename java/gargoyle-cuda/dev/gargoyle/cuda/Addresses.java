package dev.gargoyle.cuda;

import dev.gargoyle.tensor.spi.ExactPointer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * JavaCPP pointers at exact device or host addresses. Every native call gets a position-0 pointer:
 * JavaCPP adds a {@code void*} argument's position in bytes but a {@code float*} argument's in
 * floats, so ops pass addresses (a tensor view's is {@code t.data().address()}, its first element's)
 * and wrap them here at the call.
 */
final class Addresses {
    private Addresses() {
    }

    static Pointer raw(long address) {
        return ExactPointer.at(address);
    }

    static FloatPointer floats(long address) {
        return new FloatPointer(ExactPointer.at(address));
    }

    static BytePointer bytes(long address) {
        return new BytePointer(ExactPointer.at(address));
    }

    static IntPointer ints(long address) {
        return new IntPointer(ExactPointer.at(address));
    }

    static DoublePointer doubles(long address) {
        return new DoublePointer(ExactPointer.at(address));
    }
}
