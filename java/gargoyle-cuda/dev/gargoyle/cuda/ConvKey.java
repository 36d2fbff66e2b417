package dev.gargoyle.cuda;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;

/**
 * What makes a convolution distinct for cuDNN: input and weight shapes, the geometry, the math
 * type, and the alignment of the operands' addresses (a view at an odd offset may rule out the
 * vectorised algorithms chosen for aligned tensors, as PyTorch's cache key also records).
 * Algorithms and descriptors are cached under it, like {@code torch.backends.cudnn.benchmark}.
 *
 * @param alignment the largest power of two up to 16 bytes that divides every operand's address
 */
record ConvKey(Shape x, Shape w, Conv2dSpec spec, int mathType, int alignment) {
    static final int MAX_ALIGNMENT = 16;
    /** cudaMalloc's alignment: every fresh block starts at a multiple of it. */
    static final int MALLOC_ALIGNMENT = 256;

    /** The alignment class of device addresses (0 for an absent operand is ignored). */
    static int alignment(long... addresses) {
        int bits = Integer.numberOfTrailingZeros(MAX_ALIGNMENT);
        for (long a : addresses) {
            if (a != 0) {
                bits = Math.min(bits, Long.numberOfTrailingZeros(a));
            }
        }
        return 1 << bits;
    }

    /**
     * How far into a fresh cudaMalloc block a stand-in for the operand at {@code address} must start
     * to be aligned exactly as it is: the address modulo {@link #MALLOC_ALIGNMENT}.
     */
    static long offsetAlignedLike(long address) {
        return Math.floorMod(address, MALLOC_ALIGNMENT);
    }

    /** Same shapes, geometry and math, whatever the alignment. */
    boolean sameConvolution(ConvKey other) {
        return x.equals(other.x) && w.equals(other.w) && spec.equals(other.spec) && mathType == other.mathType;
    }

    Shape y() {
        return spec.outputShape("conv2d", x, w);
    }

    @Override
    public String toString() {
        return "x " + x + ", w " + w + ", stride " + spec.strideH() + "x" + spec.strideW() + ", padding "
                + spec.padH() + "x" + spec.padW() + ", dilation " + spec.dilationH() + "x" + spec.dilationW()
                + ", groups " + spec.groups() + ", math " + ConvAlgorithm.mathTypeName(mathType) + ", aligned "
                + alignment + " B";
    }
}
