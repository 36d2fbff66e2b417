package dev.gargoyle.tensor;

/**
 * The checks of {@link Backend}'s arguments that need no backend state; each failure names the op,
 * the operand, what was expected and what was got.
 */
final class Operands {
    private Operands() {
    }

    static void present(String op, String argument, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(op + ": " + argument + " is null");
        }
    }

    static void sameSize(String op, String a, Tensor ta, String b, Tensor tb) {
        if (ta.numel() != tb.numel()) {
            throw new IllegalArgumentException(op + ": " + b + " has shape " + tb.shape() + " (" + tb.numel()
                    + " elements), expected " + ta.numel() + " elements like " + a + " " + ta.shape());
        }
    }

    static void hostRange(String op, float[] array, int offset, Tensor t) {
        if (array == null) {
            throw new IllegalArgumentException(op + ": the array is null");
        }
        long n = t.numel();
        if (offset < 0 || offset + n > array.length) {
            throw new IllegalArgumentException(op + ": " + n + " elements of " + t.shape() + " at offset " + offset
                    + " do not fit in an array of " + array.length);
        }
    }

    /** An activation {@code [N, ...]}: every dimension but the batch at least 1. */
    static void features(String op, String operand, Shape s) {
        for (int i = 1; i < s.rank(); i++) {
            if (s.dim(i) < 1) {
                throw new IllegalArgumentException(op + ": " + operand + " has shape " + s
                        + ", expected every dimension after the batch to be at least 1");
            }
        }
    }

    /** A weight: every dimension at least 1. */
    static void nonEmpty(String op, String operand, Shape s) {
        for (int i = 0; i < s.rank(); i++) {
            if (s.dim(i) < 1) {
                throw new IllegalArgumentException(op + ": " + operand + " has shape " + s
                        + ", expected every dimension to be at least 1");
            }
        }
    }

    /** A weight matrix {@code [out, in]}, both at least 1. */
    static void matrix(String op, String operand, Shape s) {
        Shape.requireRank(op, operand, s, 2);
        nonEmpty(op, operand, s);
    }

    /** The per-channel shape {@code [C]} of a batch-norm input {@code [N, C, H, W]}, after checking it and eps. */
    static Shape channels(String op, Shape x, float eps) {
        Shape.requireRank(op, "x", x, 4);
        features(op, "x", x);
        if (!(eps >= 0f) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException(op + ": eps must be a finite number >= 0, got " + eps);
        }
        return Shape.of(x.dim(1));
    }

    static void labels(String op, int[] labels, int n, int k) {
        if (labels == null) {
            throw new IllegalArgumentException(op + ": labels is null");
        }
        if (labels.length != n) {
            throw new IllegalArgumentException(op + ": " + labels.length + " labels for " + n + " rows of logits");
        }
        if (n == 0) {
            throw new IllegalArgumentException(op + ": logits [0, " + k + "] have no rows, so no mean loss");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException(op + ": label " + i + " is " + labels[i]
                        + ", expected a class in [0, " + k + ")");
            }
        }
    }

    /**
     * The sum of the rows' class weights, after checking there are {@code k} finite weights >= 0 and
     * the sum is positive.
     */
    static double totalWeight(String op, float[] classWeights, int[] labels, int k) {
        if (classWeights.length != k) {
            throw new IllegalArgumentException(op + ": " + classWeights.length + " class weights for " + k
                    + " classes");
        }
        for (int c = 0; c < k; c++) {
            if (!(classWeights[c] >= 0) || Float.isInfinite(classWeights[c])) {
                throw new IllegalArgumentException(op + ": class weight " + c + " is " + classWeights[c]
                        + ", expected a finite number >= 0");
            }
        }
        double total = 0;
        for (int label : labels) {
            total += classWeights[label];
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException(op + ": the rows' class weights sum to " + total
                    + ", expected a positive total");
        }
        return total;
    }

    static void images(String op, HostBuffer pixels, int n, int height, int width, float[] mean, float[] std,
                       Shape dst) {
        if (pixels == null) {
            throw new IllegalArgumentException(op + ": pixels is null");
        }
        if (pixels.isClosed()) {
            throw new IllegalStateException(op + ": the host buffer of " + pixels.capacity() + " bytes is closed");
        }
        if (n < 0 || height < 1 || width < 1) {
            throw new IllegalArgumentException(op + ": expected n >= 0 images of height, width >= 1, got n=" + n
                    + ", height=" + height + ", width=" + width);
        }
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException(op + ": mean and std must have 3 values (RGB)");
        }
        for (int c = 0; c < 3; c++) {
            if (!Float.isFinite(mean[c]) || !(std[c] > 0) || Float.isInfinite(std[c])) {
                throw new IllegalArgumentException(op + ": channel " + c + " has mean " + mean[c] + " and std " + std[c]
                        + ", expected a finite mean and a finite std > 0");
            }
        }
        Shape.require(op, "dst", dst, Shape.of(n, 3, height, width));
        long bytes = (long) n * height * width * 3;
        if (pixels.capacity() < bytes) {
            throw new IllegalArgumentException(op + ": " + n + " images of " + height + "x" + width + "x3 need "
                    + bytes + " bytes, the buffer has " + pixels.capacity());
        }
    }
}
