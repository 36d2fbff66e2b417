package dev.gargoyle.cpu;

import org.bytedeco.javacpp.Pointer;

/**
 * A reusable, position-0 pointer to an exact address, for handing data handles to oneDNN without
 * allocating a Java object per call. JavaCPP adds a typed pointer's position in bytes when it is
 * passed as {@code void*}, so a tensor's own {@code FloatPointer} (positioned at its offset) would
 * point at the wrong element.
 */
final class NativeAddress extends Pointer {
    NativeAddress at(long newAddress) {
        address = newAddress;
        return this;
    }
}
