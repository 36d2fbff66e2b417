package dev.gargoyle.cpu;

import org.bytedeco.javacpp.Pointer;

/**
 * A reusable, position-0 pointer re-aimed at each data handle (a tensor's first element or an
 * arena offset) handed to oneDNN, so that binding a memory allocates no Java object per call.
 */
final class NativeAddress extends Pointer {
    NativeAddress at(long newAddress) {
        address = newAddress;
        return this;
    }
}
