package dev.gargoyle.cpu;

import dev.gargoyle.tensor.spi.HostMemory;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/** A small owned float array in native memory that both oneDNN and Java loops read and write. */
final class HostFloats implements Resource {
    private final HostMemory memory;
    final FloatBuffer buffer;

    HostFloats(int length) {
        memory = new HostMemory((long) length * Float.BYTES);
        buffer = new FloatPointer(memory.address()).capacity(length).limit(length).asBuffer();
    }

    long address() {
        return memory.address().address();
    }

    @Override
    public void close() {
        memory.close();
    }
}
