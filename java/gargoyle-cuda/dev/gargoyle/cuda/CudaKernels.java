package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Addresses.bytes;
import static dev.gargoyle.cuda.Addresses.doubles;
import static dev.gargoyle.cuda.Addresses.floats;
import static dev.gargoyle.cuda.Addresses.ints;

import dev.gargoyle.tensor.BackendException;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Our own CUDA kernels ({@link Kernels}, loaded by {@link KernelLibrary}) queued on the backend's
 * stream. An op that needs them on a build without them throws, naming the op and the reason.
 */
final class CudaKernels implements NativeResource {
    private final CudaContext ctx;
    private final FloatPointer mean = new FloatPointer(3);
    private final FloatPointer std = new FloatPointer(3);

    CudaKernels(CudaContext ctx) {
        this.ctx = ctx;
    }

    /** Throws a {@link BackendException} naming {@code op} when the kernels are missing. */
    static void require(String op) {
        if (!KernelLibrary.isAvailable()) {
            throw new BackendException(missing(op, KernelLibrary.unavailableReason()));
        }
    }

    /** What {@link #require} says when the kernels are missing for {@code reason}. */
    static String missing(String op, String reason) {
        return op + " on CUDA needs Gargoyle's own CUDA kernels, which this build cannot use: " + reason
                + (KernelLibrary.NOT_BUILT.equals(reason) ? " (build with nvcc on the PATH to include them)" : "");
    }

    void fill(long x, long n, float value) {
        require("fill");
        KernelLibrary.check(Kernels.gg_fill(floats(x), n, value, ctx.stream), "gg_fill of " + n + " floats");
    }

    void mul(long a, long b, long out, long n, String op) {
        require(op);
        KernelLibrary.check(Kernels.gg_mul(floats(a), floats(b), floats(out), n, ctx.stream),
                "gg_mul of " + n + " floats");
    }

    void add(long a, long b, long out, long n) {
        require("add");
        KernelLibrary.check(Kernels.gg_add(floats(a), floats(b), floats(out), n, ctx.stream),
                "gg_add of " + n + " floats");
    }

    /** Queues {@code *result = sum of x[i]²} in double; {@code result} is one device double. */
    void sumOfSquares(long x, long n, long result) {
        require("sumOfSquares");
        KernelLibrary.check(Kernels.gg_sum_of_squares(floats(x), n, doubles(result), ctx.stream),
                "gg_sum_of_squares of " + n + " floats");
    }

    void softmaxCrossEntropy(long logits, long labels, int n, int k, float gradScale, long losses, long dlogits) {
        require("softmaxCrossEntropy");
        KernelLibrary.check(Kernels.gg_softmax_cross_entropy(floats(logits), ints(labels), n, k, gradScale,
                floats(losses), floats(dlogits), ctx.stream),
                "gg_softmax_cross_entropy of logits [" + n + ", " + k + "]");
    }

    void dropoutForward(long x, float p, long seed, long mask, long y, long n) {
        require("dropoutForward");
        KernelLibrary.check(Kernels.gg_dropout_forward(floats(x), p, seed, floats(mask), floats(y), n, ctx.stream),
                "gg_dropout_forward of " + n + " floats, p " + p);
    }

    void sgdStep(long param, long grad, long velocity, long n, float lr, float momentum, float weightDecay,
                 boolean nesterov) {
        require("sgdStep");
        KernelLibrary.check(Kernels.gg_sgd_step(floats(param), floats(grad), floats(velocity), n, lr, momentum,
                weightDecay, nesterov ? 1 : 0, ctx.stream), "gg_sgd_step of " + n + " parameters");
    }

    void adamStep(long param, long grad, long m, long v, long n, float lr, float beta1, float beta2, float eps,
                  float weightDecay, boolean decoupled, float stepSize, float biasCorrection2Sqrt) {
        require("adamStep");
        KernelLibrary.check(Kernels.gg_adam_step(floats(param), floats(grad), floats(m), floats(v), n, lr, beta1,
                beta2, eps, weightDecay, decoupled ? 1 : 0, stepSize, biasCorrection2Sqrt, ctx.stream),
                "gg_adam_step of " + n + " parameters");
    }

    /** {@code mean} and {@code std} are read from host memory when the kernel is queued. */
    void imagesToNchw(long hwc, int n, int height, int width, float[] meanValues, float[] stdValues, long dst) {
        require("imagesToTensor");
        mean.put(meanValues, 0, 3);
        std.put(stdValues, 0, 3);
        KernelLibrary.check(Kernels.gg_images_to_nchw(bytes(hwc), n, height, width, mean, std, floats(dst),
                ctx.stream), "gg_images_to_nchw of " + n + " images of " + height + "x" + width);
    }

    @Override
    public void close() {
        mean.close();
        std.close();
    }
}
