package dev.gargoyle.tensor.spi;

import dev.gargoyle.tensor.Shape;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * What a backend sees of a tensor: its shape and the native address of its first element. Made by
 * {@link dev.gargoyle.tensor.Tensor} for each tensor and view; handed to {@link BackendOps} only after
 * the tensor was checked to be open and to live on that backend.
 */
public final class NativeTensor {
    private final Shape shape;
    private final FloatPointer data;
    private final boolean host;
    private FloatBuffer buffer;
    private IntBuffer bits;

    /** A view of {@code shape.numel()} floats starting at {@code address}; {@code host} when the CPU can read it. */
    public NativeTensor(Shape shape, long address, boolean host) {
        this.shape = shape;
        this.data = ExactPointer.floats(address, shape.numel());
        this.host = host;
    }

    public Shape shape() {
        return shape;
    }

    public long numel() {
        return shape.numel();
    }

    /**
     * The elements, at position 0 with limit and capacity {@code numel}; its {@code address()} is the
     * first element's. Do not change its position or limit.
     */
    public FloatPointer data() {
        return data;
    }

    /** The first {@code shape.numel()} elements seen with {@code shape}: scratch space inside a larger tensor. */
    public NativeTensor prefix(Shape shape) {
        if (shape.numel() > numel()) {
            throw new IllegalArgumentException("prefix: " + shape + " does not fit in " + this.shape);
        }
        return new NativeTensor(shape, data.address(), host);
    }

    /** A buffer over exactly these elements, index 0 being the first; host memory only. */
    public FloatBuffer hostBuffer() {
        requireHost("hostBuffer");
        if (buffer == null) {
            buffer = data.asBuffer();
        }
        return buffer;
    }

    /**
     * The same elements as their raw IEEE 754 bits, for loops that test for NaN without branching;
     * host memory only.
     */
    public IntBuffer hostBits() {
        requireHost("hostBits");
        if (bits == null) {
            bits = data.asByteBuffer().order(ByteOrder.nativeOrder()).asIntBuffer();
        }
        return bits;
    }

    private void requireHost(String what) {
        if (!host) {
            throw new IllegalStateException(what + ": tensor " + shape + " is not in host memory");
        }
    }
}
