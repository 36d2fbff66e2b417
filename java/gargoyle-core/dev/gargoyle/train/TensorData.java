package dev.gargoyle.train;

import dev.gargoyle.tensor.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor of a safetensors file on the Java heap: its element type, shape and values in
 * row-major order. The values array is shared, not copied, to keep large checkpoints cheap.
 */
public final class TensorData {
    /** The element types Gargoyle writes; files in F64, F16 or BF16 are read into {@link #F32}. */
    public enum DType {
        F32(Float.BYTES), I64(Long.BYTES);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element. */
        public int bytes() {
            return bytes;
        }
    }

    private final DType dtype;
    private final Shape shape;
    private final float[] floats;
    private final long[] longs;

    private TensorData(DType dtype, Shape shape, float[] floats, long[] longs, long length) {
        this.dtype = dtype;
        this.shape = Objects.requireNonNull(shape, "shape");
        if (length != shape.numel()) {
            throw new IllegalArgumentException(dtype + " tensor of shape " + shape + " needs "
                    + shape.numel() + " values, got " + length);
        }
        this.floats = floats;
        this.longs = longs;
    }

    /** A float32 tensor; {@code values} must hold exactly {@code shape.numel()} elements. */
    public static TensorData f32(Shape shape, float[] values) {
        return new TensorData(DType.F32, shape, values, null, values.length);
    }

    /** An int64 tensor, e.g. BatchNorm's {@code num_batches_tracked} with shape {@code Shape.of()}. */
    public static TensorData i64(Shape shape, long[] values) {
        return new TensorData(DType.I64, shape, null, values, values.length);
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public long numel() {
        return shape.numel();
    }

    /** The values of an F32 tensor; throws {@link IllegalStateException} for another dtype. */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor of shape " + shape + " is " + dtype + ", not F32");
        }
        return floats;
    }

    /** The values of an I64 tensor; throws {@link IllegalStateException} for another dtype. */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("tensor of shape " + shape + " is " + dtype + ", not I64");
        }
        return longs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && dtype == t.dtype && shape.equals(t.shape)
                && Arrays.equals(floats, t.floats) && Arrays.equals(longs, t.longs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, shape, Arrays.hashCode(floats), Arrays.hashCode(longs));
    }

    @Override
    public String toString() {
        return dtype + shape.toString();
    }
}
