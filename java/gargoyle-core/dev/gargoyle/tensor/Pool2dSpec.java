package dev.gargoyle.tensor;

/**
 * Geometry of 2-D max or average pooling as PyTorch's {@code MaxPool2d} / {@code AvgPool2d}
 * (floor mode). Average pooling divides by the full window, padded cells included, unless
 * {@code countIncludePad} is false.
 */
public record Pool2dSpec(Kind kind, int kernelH, int kernelW, int strideH, int strideW,
                         int padH, int padW, boolean countIncludePad) {

    /** Which reduction the window applies. */
    public enum Kind { MAX, AVG }

    public Pool2dSpec {
        if (kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("pool2d: kernel must be >= 1, got " + kernelH + "x" + kernelW);
        }
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("pool2d: stride must be >= 1, got " + strideH + "x" + strideW);
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("pool2d: padding must be >= 0, got " + padH + "x" + padW);
        }
        if (2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException("pool2d: padding " + padH + "x" + padW
                    + " must be at most half the kernel " + kernelH + "x" + kernelW);
        }
    }

    public static Pool2dSpec max(int kernel, int stride, int padding) {
        return new Pool2dSpec(Kind.MAX, kernel, kernel, stride, stride, padding, padding, true);
    }

    public static Pool2dSpec avg(int kernel, int stride, int padding) {
        return new Pool2dSpec(Kind.AVG, kernel, kernel, stride, stride, padding, padding, true);
    }

    public Pool2dSpec excludingPadding() {
        return new Pool2dSpec(kind, kernelH, kernelW, strideH, strideW, padH, padW, false);
    }

    /** The output shape {@code [N, C, P, Q]}; throws naming the op when the window does not fit. */
    public Shape outputShape(String op, Shape x) {
        Shape.requireRank(op, "input", x, 4);
        int p = outputSize(op, "height", x.dim(2), kernelH, strideH, padH);
        int q = outputSize(op, "width", x.dim(3), kernelW, strideW, padW);
        return Shape.of(x.dim(0), x.dim(1), p, q);
    }

    private static int outputSize(String op, String axis, int in, int kernel, int stride, int pad) {
        int padded = in + 2 * pad;
        if (kernel > padded) {
            throw new IllegalArgumentException(op + ": kernel " + axis + " " + kernel
                    + " is larger than the padded input " + axis + " " + padded);
        }
        return (padded - kernel) / stride + 1;
    }
}
