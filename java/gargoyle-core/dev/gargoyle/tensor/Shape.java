package dev.gargoyle.tensor;

import java.util.Arrays;

/** An immutable tensor shape, outermost dimension first (NCHW for images). */
public final class Shape {
    private final int[] dims;

    private Shape(int[] dims) {
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            }
        }
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i];
    }

    public int[] dims() {
        return dims.clone();
    }

    public long numel() {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    /** The same shape with dimension {@code i} replaced. */
    public Shape withDim(int i, int value) {
        int[] d = dims.clone();
        d[i] = value;
        return new Shape(d);
    }

    /** Elements per index of dimension 0: the product of the other dimensions (also of an empty batch). */
    public long sampleSize() {
        long n = 1;
        for (int i = 1; i < dims.length; i++) {
            n *= dims[i];
        }
        return dims.length == 0 ? 0 : n;
    }

    /** Throws an {@link IllegalArgumentException} naming the op and operand when rank differs. */
    public static void requireRank(String op, String operand, Shape actual, int rank) {
        if (actual.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + operand + " must have rank " + rank
                    + ", got shape " + actual);
        }
    }

    /** Throws an {@link IllegalArgumentException} naming the op, operand, expected and actual shapes. */
    public static void require(String op, String operand, Shape actual, Shape expected) {
        if (!actual.equals(expected)) {
            throw new IllegalArgumentException(op + ": " + operand + " has shape " + actual
                    + ", expected " + expected);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
