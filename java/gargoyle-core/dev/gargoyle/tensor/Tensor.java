package dev.gargoyle.tensor;

import dev.gargoyle.tensor.spi.Memory;
import dev.gargoyle.tensor.spi.NativeTensor;

/**
 * A float32 tensor in contiguous row-major (NCHW) layout on one {@link Backend}'s device.
 *
 * <p>A tensor either owns its native memory (made by {@link Backend#allocate}) or is a view
 * (offset and shape) into another tensor's memory. Closing the owner frees the memory and
 * invalidates every view; closing a view only retires the view. A closed tensor refuses use.
 */
public final class Tensor implements AutoCloseable {
    private final Backend backend;
    private final Memory memory;
    private final long offset;
    private final Shape shape;
    private final boolean owner;
    private final NativeTensor nativeTensor;
    private boolean closed;

    private Tensor(Backend backend, Memory memory, long offset, Shape shape, boolean owner) {
        long end = offset + shape.numel();
        if (offset < 0 || end * Float.BYTES > memory.bytes()) {
            throw new IllegalArgumentException("view " + shape + " at offset " + offset
                    + " does not fit in " + memory.bytes() / Float.BYTES + " elements");
        }
        this.backend = backend;
        this.memory = memory;
        this.offset = offset;
        this.shape = shape;
        this.owner = owner;
        this.nativeTensor = new NativeTensor(shape, memory.address().address() + offset * Float.BYTES,
                backend.device().isCpu());
    }

    /** A tensor that takes ownership of {@code memory}; {@link Backend#allocate} makes them. */
    static Tensor owning(Backend backend, Memory memory, Shape shape) {
        return new Tensor(backend, memory, 0, shape, true);
    }

    public Shape shape() {
        return shape;
    }

    public long numel() {
        return shape.numel();
    }

    public Backend backend() {
        return backend;
    }

    public Device device() {
        return backend.device();
    }

    /** A view of the same elements with another shape of equal size. */
    public Tensor view(Shape newShape) {
        if (newShape.numel() != numel()) {
            throw new IllegalArgumentException("view: cannot view " + shape + " (" + numel()
                    + " elements) as " + newShape + " (" + newShape.numel() + " elements)");
        }
        return slice(0, newShape);
    }

    /** A view of {@code newShape.numel()} elements starting {@code elementOffset} elements in. */
    public Tensor slice(long elementOffset, Shape newShape) {
        ensureOpen("slice");
        if (elementOffset < 0 || elementOffset + newShape.numel() > numel()) {
            throw new IllegalArgumentException("slice: " + newShape + " at offset " + elementOffset
                    + " exceeds " + shape);
        }
        return new Tensor(backend, memory, offset + elementOffset, newShape, false);
    }

    /** A view of the first {@code n} entries along dimension 0 (a smaller batch in the same memory). */
    public Tensor narrow(int n) {
        if (shape.rank() == 0 || n < 0 || n > shape.dim(0)) {
            throw new IllegalArgumentException("narrow: cannot take " + n + " of dimension 0 of " + shape);
        }
        return n == shape.dim(0) ? slice(0, shape) : slice(0, shape.withDim(0, n));
    }

    /** Copies {@code values} (row-major, exactly numel long) into this tensor. */
    public Tensor copyFrom(float[] values) {
        if (values.length != numel()) {
            throw new IllegalArgumentException("copyFrom: " + values.length + " values for a tensor of shape "
                    + shape + " (" + numel() + " elements)");
        }
        backend.copyFromHost(values, 0, this);
        return this;
    }

    /** The elements, row-major, copied to the Java heap. */
    public float[] toArray() {
        float[] out = new float[Math.toIntExact(numel())];
        backend.copyToHost(this, out, 0);
        return out;
    }

    /** What backends see of this tensor; {@link Backend} hands it over after its checks. */
    NativeTensor nativeTensor() {
        return nativeTensor;
    }

    /** Throws {@link IllegalStateException} naming {@code op} if this tensor or its memory is closed. */
    public void ensureOpen(String op) {
        if (closed || memory.isClosed()) {
            throw new IllegalStateException(op + ": tensor " + shape + " is closed");
        }
    }

    public boolean isClosed() {
        return closed || memory.isClosed();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (owner) {
                memory.close();
            }
        }
    }

    @Override
    public String toString() {
        return "Tensor" + shape + (closed ? " (closed)" : "") + " on " + backend.device();
    }
}
