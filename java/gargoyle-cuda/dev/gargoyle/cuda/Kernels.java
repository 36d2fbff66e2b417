package dev.gargoyle.cuda;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of our CUDA kernels, mirroring native/gargoyle_kernels.h one to one. The JNI glue
 * is generated from this class at build time. The class loads its libraries itself, as JavaCPP's
 * generated classes do, so a first call from anywhere works; {@link KernelLibrary} asks first
 * whether that can succeed and records why not. Streams are {@code cudaStream_t} passed as plain pointers.
 */
@Platform(include = "gargoyle_kernels.h", link = "gargoyle_kernels")
final class Kernels {
    static {
        // The kernels link libcudart.so.13 by name: the cuda preset finds and loads it first.
        Loader.load(cudart.class);
        Loader.load();
    }

    private Kernels() {
    }

    static native @Cast("const char*") BytePointer gg_status_string(int status);

    static native int gg_version();

    static native int gg_fill(FloatPointer x, long n, float value, Pointer stream);

    static native int gg_mul(FloatPointer a, FloatPointer b, FloatPointer out, long n, Pointer stream);

    static native int gg_add(FloatPointer a, FloatPointer b, FloatPointer out, long n, Pointer stream);

    static native int gg_sum_of_squares(FloatPointer x, long n, DoublePointer result, Pointer stream);

    static native int gg_softmax_cross_entropy(FloatPointer logits, IntPointer labels, int n, int k,
                                               float gradScale, FloatPointer loss, FloatPointer dlogits,
                                               Pointer stream);

    static native int gg_dropout_forward(FloatPointer x, float p, @Cast("unsigned long long") long seed,
                                         FloatPointer mask, FloatPointer y, long n, Pointer stream);

    static native int gg_sgd_step(FloatPointer param, FloatPointer grad, FloatPointer velocity, long n, float lr,
                                  float momentum, float weightDecay, int nesterov, Pointer stream);

    static native int gg_adam_step(FloatPointer param, FloatPointer grad, FloatPointer m, FloatPointer v, long n,
                                   float lr, float beta1, float beta2, float eps, float weightDecay, int decoupled,
                                   float stepSize, float biasCorrection2Sqrt, Pointer stream);

    static native int gg_images_to_nchw(@Cast("const unsigned char*") BytePointer hwc, int n, int height,
                                        int width, FloatPointer mean, FloatPointer std, FloatPointer dst,
                                        Pointer stream);
}
