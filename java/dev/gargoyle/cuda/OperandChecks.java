package dev.gargoyle.cuda;

import dev.gargoyle.tensor.HostBuffer;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;

/**
 * The checks of {@link CudaBackend}'s arguments that need no backend state, made on the host before
 * anything is queued; each failure names the op, what was expected and what was got.
 */
final class OperandChecks {
    private OperandChecks() {
    }

    static void sameSize(String op, String a, Tensor ta, String b, Tensor tb) {
        if (ta.numel() != tb.numel()) {
            throw new IllegalArgumentException(op + ": " + b + " has shape " + tb.shape() + " (" + tb.numel()
                    + " elements), expected " + ta.numel() + " elements like " + a + " " + ta.shape());
        }
    }

    static int hostRange(String op, float[] array, int offset, Tensor t) {
        if (array == null) {
            throw new IllegalArgumentException(op + ": array is null");
        }
        long n = t.numel();
        if (offset < 0 || offset + n > array.length) {
            throw new IllegalArgumentException(op + ": " + n + " elements of " + t.shape() + " at offset " + offset
                    + " do not fit an array of " + array.length);
        }
        return (int) n;
    }

    /** The per-channel shape {@code [C]} of a batch-norm input, after checking x and eps. */
    static Shape channels(String op, Tensor x, float eps) {
        if (x == null) {
            throw new IllegalArgumentException(op + ": x is null");
        }
        Shape.requireRank(op, "x", x.shape(), 4);
        if (!(eps >= 0f) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException(op + ": eps must be a finite number >= 0, got " + eps);
        }
        return Shape.of(x.shape().dim(1));
    }

    static void checkLabels(String op, int[] labelValues, int n, int k) {
        if (labelValues == null) {
            throw new IllegalArgumentException(op + ": labels is null");
        }
        if (labelValues.length != n) {
            throw new IllegalArgumentException(op + ": " + labelValues.length + " labels for " + n + " rows of logits");
        }
        if (n == 0) {
            throw new IllegalArgumentException(op + ": empty batch (logits [0, " + k + "]) has no mean loss");
        }
        for (int i = 0; i < n; i++) {
            if (labelValues[i] < 0 || labelValues[i] >= k) {
                throw new IllegalArgumentException(op + ": label " + labelValues[i] + " at index " + i
                        + " is outside [0, " + k + ")");
            }
        }
    }

    /** The bytes {@code n} packed RGB images take, after checking the buffer holds them and {@code dst} fits them. */
    static long checkImages(String op, HostBuffer hostPixels, int n, int height, int width, float[] mean, float[] std,
                            Shape dst) {
        if (hostPixels == null) {
            throw new IllegalArgumentException(op + ": pixels is null");
        }
        if (hostPixels.memory().isClosed()) {
            throw new IllegalStateException(op + ": the host buffer of " + hostPixels.capacity() + " bytes is closed");
        }
        if (n < 0 || height < 1 || width < 1) {
            throw new IllegalArgumentException(op + ": expected n >= 0 images of height, width >= 1, got n=" + n
                    + ", height=" + height + ", width=" + width);
        }
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException(op + ": mean and std must have 3 values (RGB)");
        }
        Shape.require(op, "dst", dst, Shape.of(n, 3, height, width));
        long bytes = (long) n * height * width * 3;
        if (hostPixels.capacity() < bytes) {
            throw new IllegalArgumentException(op + ": " + n + " images of " + height + "x" + width + "x3 need "
                    + bytes + " bytes, but the host buffer holds " + hostPixels.capacity());
        }
        return bytes;
    }
}
