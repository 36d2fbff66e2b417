package dev.gargoyle.tensor;

/**
 * Geometry of a 2-D cross-correlation, as PyTorch's {@code nn.Conv2d}: stride, zero padding on
 * both sides, dilation and groups. Weights are {@code [K, C/groups, R, S]}, inputs {@code [N, C, H, W]}.
 */
public record Conv2dSpec(int strideH, int strideW, int padH, int padW,
                         int dilationH, int dilationW, int groups) {

    public Conv2dSpec {
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("conv2d: stride must be >= 1, got " + strideH + "x" + strideW);
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: padding must be >= 0, got " + padH + "x" + padW);
        }
        if (dilationH < 1 || dilationW < 1) {
            throw new IllegalArgumentException("conv2d: dilation must be >= 1, got " + dilationH + "x" + dilationW);
        }
        if (groups < 1) {
            throw new IllegalArgumentException("conv2d: groups must be >= 1, got " + groups);
        }
    }

    /** Square stride and padding, no dilation, one group. */
    public static Conv2dSpec of(int stride, int padding) {
        return new Conv2dSpec(stride, stride, padding, padding, 1, 1, 1);
    }

    public Conv2dSpec withDilation(int dilation) {
        return new Conv2dSpec(strideH, strideW, padH, padW, dilation, dilation, groups);
    }

    public Conv2dSpec withGroups(int g) {
        return new Conv2dSpec(strideH, strideW, padH, padW, dilationH, dilationW, g);
    }

    /**
     * The output shape {@code [N, K, P, Q]} for input {@code x} and weights {@code w}.
     *
     * @throws IllegalArgumentException naming the op and shapes when they do not fit together
     */
    public Shape outputShape(String op, Shape x, Shape w) {
        Shape.requireRank(op, "input", x, 4);
        Shape.requireRank(op, "weight", w, 4);
        int c = x.dim(1);
        int k = w.dim(0);
        if (c % groups != 0 || k % groups != 0) {
            throw new IllegalArgumentException(op + ": groups=" + groups + " must divide input channels (" + c
                    + ") and output channels (" + k + ")");
        }
        if (w.dim(1) * groups != c) {
            throw new IllegalArgumentException(op + ": weight " + w + " expects " + (w.dim(1) * groups)
                    + " input channels with groups=" + groups + ", but input " + x + " has " + c);
        }
        int p = outputSize(op, "height", x.dim(2), w.dim(2), strideH, padH, dilationH);
        int q = outputSize(op, "width", x.dim(3), w.dim(3), strideW, padW, dilationW);
        return Shape.of(x.dim(0), k, p, q);
    }

    private static int outputSize(String op, String axis, int in, int kernel, int stride, int pad, int dilation) {
        int effective = dilation * (kernel - 1) + 1;
        int padded = in + 2 * pad;
        if (kernel < 1 || effective > padded) {
            throw new IllegalArgumentException(op + ": kernel " + axis + " " + kernel + " (dilated to " + effective
                    + ") is larger than the padded input " + axis + " " + padded);
        }
        return (padded - effective) / stride + 1;
    }

    /** Floating-point operations of one forward pass: 2·N·K·(C/g)·R·S·P·Q. */
    public double flops(Shape x, Shape w) {
        Shape y = outputShape("flops", x, w);
        return 2.0 * y.numel() * w.dim(1) * w.dim(2) * w.dim(3);
    }
}
