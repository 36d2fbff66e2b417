package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Addresses.floats;
import static dev.gargoyle.cuda.Addresses.raw;
import static org.bytedeco.cuda.global.cublas.CUBLAS_SIDE_RIGHT;
import static org.bytedeco.cuda.global.cublas.cublasSaxpy_v2;
import static org.bytedeco.cuda.global.cublas.cublasSdgmm;
import static org.bytedeco.cuda.global.cublas.cublasSscal_v2;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemsetAsync;

import dev.gargoyle.tensor.BackendException;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.spi.BackendOps;
import dev.gargoyle.tensor.spi.Memory;
import dev.gargoyle.tensor.spi.MemoryLedger;
import dev.gargoyle.tensor.spi.NativeTensor;
import java.util.List;
import java.util.Optional;
import org.bytedeco.cuda.cudart.CUstream_st;

/**
 * The backend ops on one NVIDIA GPU: cuDNN for convolution, pooling, batch-norm and ReLU, cuBLAS
 * for the linear layer and BLAS-1 ops, our own kernels for the rest. All work is queued on one
 * CUDA stream, so ops return before the GPU has finished them; {@link #copyToHost},
 * {@link #sumOfSquares}, {@link #softmaxCrossEntropy} and {@link #synchronize} wait. The checked
 * {@link dev.gargoyle.tensor.Backend} in front of it has validated every argument on the host.
 */
final class CudaBackend implements BackendOps {
    /** cuBLAS's BLAS-1 calls count elements in int; longer buffers go in chunks. */
    private static final long BLAS_CHUNK = 1L << 30;

    private final Device device;
    private final CudaContext ctx;
    private final TensorDescriptors tensors;
    private final HostStaging staging;
    private final DeviceBuffer workspace;
    private final DeviceBuffer labels;
    private final DeviceBuffer losses;
    private final DeviceBuffer rowScales;
    private final DeviceBuffer pixels;
    private final DeviceBuffer result;
    private final CudnnConvolution convolution;
    private final CudnnPooling pooling;
    private final CudnnBatchNorm batchNorm;
    private final CudnnActivation activation;
    private final CublasLinear linear;
    private final CudaKernels kernels;
    private final CopyEvent pixelsCopied;
    private final MemoryLedger ledger = new MemoryLedger();
    private final CudnnTuning tuning = new Tuning();
    private final CudaStream stream = new Stream();
    private final String description;

    /**
     * A backend on {@code device} (which must be a usable CUDA device).
     *
     * @throws BackendException naming the reason when the device cannot be used
     */
    CudaBackend(Device device, CudaOptions options) {
        if (!device.isCuda()) {
            throw new IllegalArgumentException("CudaBackend: " + device + " is not a CUDA device");
        }
        CudaProbe.requireUsable(device.index());
        this.device = device;
        this.ctx = new CudaContext(device.index(), options.tf32());
        try {
            tensors = new TensorDescriptors();
            staging = new HostStaging(ctx);
            workspace = new DeviceBuffer(ctx, "cuDNN workspace");
            labels = new DeviceBuffer(ctx, "softmax cross-entropy labels");
            losses = new DeviceBuffer(ctx, "softmax cross-entropy losses");
            rowScales = new DeviceBuffer(ctx, "softmax cross-entropy row weights");
            pixels = new DeviceBuffer(ctx, "uint8 image batch");
            result = new DeviceBuffer(ctx, "sum of squares").ensure(Double.BYTES);
            convolution = new CudnnConvolution(ctx, tensors, workspace, options.tf32(), options.deterministic(),
                    options.searchWorkspaceLimitBytes());
            pooling = new CudnnPooling(ctx, tensors);
            batchNorm = new CudnnBatchNorm(ctx, tensors);
            activation = new CudnnActivation(ctx, tensors);
            linear = new CublasLinear(ctx, staging);
            kernels = new CudaKernels(ctx);
            pixelsCopied = new CopyEvent(ctx, "image upload");
            CudaDeviceInfo info = CudaDeviceInfo.query(device.index());
            description = "cuDNN " + info.cudnn() + ", cuBLAS " + info.cublas() + " on " + device + " (" + info.gpu()
                    + "), " + (options.tf32() ? "TF32 allowed" : "FP32") + (options.deterministic()
                    ? ", deterministic" : "") + (KernelLibrary.isAvailable() ? "" : ", without CUDA kernels");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public <T> Optional<T> extension(Class<T> type) {
        if (type == CudnnTuning.class) {
            return Optional.of(type.cast(tuning));
        }
        return type == CudaStream.class ? Optional.of(type.cast(stream)) : Optional.empty();
    }

    /** The stream view of this backend, for NCCL; like the tuning view, it cannot be cast back to the ops. */
    private final class Stream implements CudaStream {
        @Override
        public void activate() {
            ctx.activate();
        }

        @Override
        public CUstream_st stream() {
            return ctx.stream;
        }
    }

    /** The tuning view of this backend; a separate object, so it cannot be cast back to the unchecked ops. */
    private final class Tuning implements CudnnTuning {
        @Override
        public List<ConvAlgorithm> convAlgorithms(Shape x, Shape w, Conv2dSpec spec) {
            spec.outputShape("convAlgorithms", x, w);
            return convolution.algorithms(convolution.key(x, w, spec));
        }

        @Override
        public long convAlgorithmSearches() {
            return convolution.searches();
        }

        @Override
        public void withConvAlgorithm(ConvAlgorithm.Direction direction, int algorithm, Runnable work) {
            convolution.force(direction, algorithm);
            try {
                work.run();
            } finally {
                convolution.force(direction, null);
            }
        }

        @Override
        public float[] timeWithEvents(Runnable work, int warmup, int repeats) {
            return new EventTimer(ctx).time(work, warmup, repeats);
        }
    }

    /** For tests: the convolution ops, to force an algorithm. */
    CudnnConvolution convolution() {
        return convolution;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String describe() {
        return description;
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Memory allocate(long bytes) {
        ctx.activate();
        return ledger.track(new CudaMemory(ctx, bytes));
    }

    @Override
    public Memory allocateHostBuffer(long bytes) {
        ctx.activate();
        return ledger.track(new PinnedMemory(bytes));
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, NativeTensor dst) {
        ctx.activate();
        staging.upload(src, srcOffset, Math.toIntExact(dst.numel()), address(dst), "copyFromHost of " + dst.shape());
    }

    @Override
    public void copyToHost(NativeTensor src, float[] dst, int dstOffset) {
        ctx.activate();
        staging.download(address(src), dst, dstOffset, Math.toIntExact(src.numel()), "copyToHost of " + src.shape());
    }

    @Override
    public void copy(NativeTensor src, NativeTensor dst) {
        long s = address(src);
        long d = address(dst);
        if (s != d) {
            ctx.activate();
            CudaStatus.cuda(cudaMemcpyAsync(raw(d), raw(s), src.numel() * Float.BYTES, cudaMemcpyDeviceToDevice,
                    ctx.stream), "cudaMemcpyAsync", "copy of " + src.shape());
        }
    }

    @Override
    public void synchronize() {
        ctx.activate();
        ctx.synchronize();
    }

    /** Tensors and host buffers made here, and the workspace and scratch buffers of the ops. */
    @Override
    public long memoryInUse() {
        long buffers = 0;
        for (DeviceBuffer b : new DeviceBuffer[] {workspace, labels, losses, rowScales, pixels, result}) {
            buffers += b.bytes();
        }
        return ledger.bytes() + buffers;
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @Override
    public void fill(NativeTensor t, float value) {
        ctx.activate();
        if (Float.floatToRawIntBits(value) == 0) {
            // +0.0 is all zero bits: no kernel needed for the most common fill, zeroing gradients.
            CudaStatus.cuda(cudaMemsetAsync(raw(address(t)), 0, t.numel() * Float.BYTES, ctx.stream),
                    "cudaMemsetAsync", "fill of " + t.shape());
        } else {
            kernels.fill(address(t), t.numel(), value);
        }
    }

    @Override
    public void scale(NativeTensor t, float alpha) {
        long a = address(t);
        ctx.activate();
        for (long done = 0; done < t.numel(); done += BLAS_CHUNK) {
            int n = (int) Math.min(BLAS_CHUNK, t.numel() - done);
            CudaStatus.cublas(cublasSscal_v2(ctx.blas, n, ctx.scalar(alpha), floats(a + done * Float.BYTES), 1),
                    "cublasSscal", "scale of " + t.shape());
        }
    }

    @Override
    public void axpy(float alpha, NativeTensor x, NativeTensor y) {
        long xa = address(x);
        long ya = address(y);
        ctx.activate();
        for (long done = 0; done < x.numel(); done += BLAS_CHUNK) {
            int n = (int) Math.min(BLAS_CHUNK, x.numel() - done);
            CudaStatus.cublas(cublasSaxpy_v2(ctx.blas, n, ctx.scalar(alpha), floats(xa + done * Float.BYTES), 1,
                    floats(ya + done * Float.BYTES), 1), "cublasSaxpy", "axpy of " + x.shape());
        }
    }

    @Override
    public void add(NativeTensor a, NativeTensor b, NativeTensor out) {
        ctx.activate();
        kernels.add(address(a), address(b), address(out), a.numel());
    }

    @Override
    public double sumOfSquares(NativeTensor t) {
        ctx.activate();
        kernels.sumOfSquares(address(t), t.numel(), result.address());
        return staging.downloadDouble(result.address(), "sumOfSquares of " + t.shape());
    }

    // ---- convolution ---------------------------------------------------------------------------

    @Override
    public void conv2dForward(NativeTensor x, NativeTensor w, NativeTensor bias, Conv2dSpec spec, NativeTensor y) {
        long xa = address(x);
        long wa = address(w);
        long ya = address(y);
        ctx.activate();
        convolution.forward(convolution.key(x.shape(), w.shape(), spec, xa, wa, ya), xa, wa, optional(bias), ya);
    }

    @Override
    public void conv2dBackwardData(NativeTensor dy, NativeTensor w, Conv2dSpec spec, NativeTensor dx) {
        long dya = address(dy);
        long wa = address(w);
        long dxa = address(dx);
        ctx.activate();
        convolution.backwardData(convolution.key(dx.shape(), w.shape(), spec, dya, wa, dxa), dya, wa, dxa);
    }

    @Override
    public void conv2dBackwardWeights(NativeTensor x, NativeTensor dy, Conv2dSpec spec, NativeTensor dw,
                                      NativeTensor dbias) {
        long xa = address(x);
        long dya = address(dy);
        long dwa = address(dw);
        ctx.activate();
        convolution.backwardFilter(convolution.key(x.shape(), dw.shape(), spec, xa, dya, dwa), xa, dya, dwa,
                optional(dbias));
    }

    // ---- pooling -------------------------------------------------------------------------------

    /** cuDNN's max-pooling backward finds the maximum again from x and y: no workspace. */
    @Override
    public long pool2dWorkspaceBytes(Pool2dSpec spec, Shape x) {
        return 0;
    }

    @Override
    public void pool2dForward(NativeTensor x, Pool2dSpec spec, NativeTensor y, NativeTensor workspace) {
        ctx.activate();
        pooling.forward(spec, x.shape(), address(x), y.shape(), address(y));
    }

    @Override
    public void pool2dBackward(NativeTensor x, NativeTensor y, NativeTensor dy, Pool2dSpec spec,
                               NativeTensor workspace, NativeTensor dx) {
        ctx.activate();
        pooling.backward(spec, x.shape(), address(x), y.shape(), address(y), address(dy), address(dx));
    }

    // ---- batch normalisation -------------------------------------------------------------------

    @Override
    public void batchNormForwardTraining(NativeTensor x, NativeTensor gamma, NativeTensor beta,
                                         NativeTensor runningMean, NativeTensor runningVar, float momentum, float eps,
                                         NativeTensor y, NativeTensor saveMean, NativeTensor saveInvStd) {
        ctx.activate();
        batchNorm.forwardTraining(x.shape(), address(x), address(gamma), address(beta), address(runningMean),
                address(runningVar), momentum, eps, address(y), address(saveMean), address(saveInvStd));
    }

    @Override
    public void batchNormForwardInference(NativeTensor x, NativeTensor gamma, NativeTensor beta,
                                          NativeTensor runningMean, NativeTensor runningVar, float eps,
                                          NativeTensor y) {
        ctx.activate();
        batchNorm.forwardInference(x.shape(), address(x), address(gamma), address(beta), address(runningMean),
                address(runningVar), eps, address(y));
    }

    @Override
    public void batchNormBackward(NativeTensor x, NativeTensor dy, NativeTensor gamma, NativeTensor saveMean,
                                  NativeTensor saveInvStd, float eps, NativeTensor dx, NativeTensor dgamma,
                                  NativeTensor dbeta) {
        ctx.activate();
        batchNorm.backward(x.shape(), address(x), address(dy), address(gamma), address(saveMean),
                address(saveInvStd), eps, address(dx), address(dgamma), address(dbeta));
    }

    // ---- linear --------------------------------------------------------------------------------

    @Override
    public void linearForward(NativeTensor x, NativeTensor w, NativeTensor bias, NativeTensor y) {
        ctx.activate();
        linear.forward(x.shape().dim(0), x.shape().dim(1), w.shape().dim(0), address(x), address(w), optional(bias),
                address(y));
    }

    @Override
    public void linearBackwardData(NativeTensor dy, NativeTensor w, NativeTensor dx) {
        ctx.activate();
        linear.backwardData(dx.shape().dim(0), dx.shape().dim(1), w.shape().dim(0), address(dy), address(w),
                address(dx));
    }

    @Override
    public void linearBackwardWeights(NativeTensor x, NativeTensor dy, NativeTensor dw, NativeTensor dbias) {
        ctx.activate();
        linear.backwardWeights(x.shape().dim(0), x.shape().dim(1), dw.shape().dim(0), address(x), address(dy),
                address(dw), optional(dbias));
    }

    // ---- activations and regularisation ---------------------------------------------------------

    @Override
    public void reluForward(NativeTensor x, NativeTensor y) {
        ctx.activate();
        activation.reluForward(x.shape(), address(x), address(y));
    }

    @Override
    public void reluBackward(NativeTensor y, NativeTensor dy, NativeTensor dx) {
        ctx.activate();
        activation.reluBackward(y.shape(), address(y), address(dy), address(dx));
    }

    @Override
    public void dropoutForward(NativeTensor x, float p, long seed, NativeTensor mask, NativeTensor y) {
        ctx.activate();
        if (p == 1f) {
            // Every element dropped (u < 1 always); the kernel's 1/(1-p) is undefined here.
            fill(mask, 0f);
            fill(y, 0f);
        } else {
            kernels.dropoutForward(address(x), p, seed, address(mask), address(y), x.numel());
        }
    }

    @Override
    public void dropoutBackward(NativeTensor dy, NativeTensor mask, NativeTensor dx) {
        ctx.activate();
        kernels.mul(address(dy), address(mask), address(dx), dy.numel(), "dropoutBackward");
    }

    // ---- loss ----------------------------------------------------------------------------------

    /**
     * The kernel computes each row's loss and {@code gradScale·(softmax - onehot)/n}; with class
     * weights it runs with {@code gradScale = n}, and cuBLAS's diagonal multiply then scales each
     * row by {@code gradScale·w[label]/totalWeight}.
     */
    @Override
    public double softmaxCrossEntropy(NativeTensor logits, int[] labelValues, float[] classWeights,
                                      double totalWeight, float gradScale, NativeTensor dlogits) {
        String op = "softmaxCrossEntropy";
        int n = logits.shape().dim(0);
        int k = logits.shape().dim(1);
        long da = optional(dlogits);
        ctx.activate();
        labels.ensure((long) n * Integer.BYTES);
        losses.ensure((long) n * Float.BYTES);
        staging.upload(labelValues, n, labels.address(), op + " labels");
        kernels.softmaxCrossEntropy(address(logits), labels.address(), n, k, classWeights == null ? gradScale : n,
                losses.address(), da);
        if (classWeights != null && da != 0) {
            float[] scales = new float[n];
            for (int i = 0; i < n; i++) {
                scales[i] = (float) (gradScale * classWeights[labelValues[i]] / totalWeight);
            }
            rowScales.ensure((long) n * Float.BYTES);
            staging.upload(scales, 0, n, rowScales.address(), op + " row weights");
            CudaStatus.cublas(cublasSdgmm(ctx.blas, CUBLAS_SIDE_RIGHT, k, n, floats(da), k,
                    floats(rowScales.address()), 1, floats(da), k), "cublasSdgmm", op + " of [" + n + ", " + k + "]");
        }
        // The mean needs every sample's loss on the host (no device reduction kernel): one small copy.
        float[] perSample = new float[n];
        staging.download(losses.address(), perSample, 0, n, op + " losses");
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (classWeights == null ? 1.0 : classWeights[labelValues[i]]) * perSample[i];
        }
        return sum / totalWeight;
    }

    // ---- optimizer updates ---------------------------------------------------------------------

    @Override
    public void sgdStep(NativeTensor param, NativeTensor grad, NativeTensor velocity, float lr, float momentum,
                        float weightDecay, boolean nesterov, boolean zeroGrad) {
        ctx.activate();
        kernels.sgdStep(address(param), address(grad), optional(velocity), param.numel(), lr, momentum, weightDecay,
                nesterov);
        if (zeroGrad) {
            fill(grad, 0f);
        }
    }

    @Override
    public void adamStep(NativeTensor param, NativeTensor grad, NativeTensor m, NativeTensor v, float lr, float beta1,
                         float beta2, float eps, float weightDecay, boolean decoupled, long step,
                         boolean zeroGrad) {
        ctx.activate();
        // Folded in double and rounded once, as torch and the CPU backend do: folding in float differs
        // in the last bit for about one step in six.
        float stepSize = (float) (lr / (1.0 - Math.pow(beta1, step)));
        float biasCorrection2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, step));
        kernels.adamStep(address(param), address(grad), address(m), address(v), param.numel(), lr, beta1, beta2, eps,
                weightDecay, decoupled, stepSize, biasCorrection2Sqrt);
        // A memset after the kernel: at HBM speed a separate pass costs microseconds per update.
        if (zeroGrad) {
            fill(grad, 0f);
        }
    }

    // ---- input ---------------------------------------------------------------------------------

    /**
     * Copies the pixels asynchronously from the (pinned) host buffer and queues the conversion; it
     * returns once the copy has read the buffer, so the caller may refill it at once.
     */
    @Override
    public void imagesToTensor(Memory hostPixels, int n, int height, int width, float[] mean, float[] std,
                               NativeTensor dst) {
        String op = "imagesToTensor";
        CudaKernels.require(op);
        long bytes = (long) n * height * width * 3;
        ctx.activate();
        pixels.ensure(bytes);
        CudaStatus.cuda(cudaMemcpyAsync(raw(pixels.address()), raw(hostPixels.address().address()), bytes,
                cudaMemcpyHostToDevice, ctx.stream), "cudaMemcpyAsync", op + " of " + n + " images");
        pixelsCopied.record();
        kernels.imagesToNchw(pixels.address(), n, height, width, mean, std, address(dst));
        pixelsCopied.synchronize();
    }

    private static long address(NativeTensor t) {
        return t.data().address();
    }

    private static long optional(NativeTensor t) {
        return t == null ? 0 : t.data().address();
    }

    @Override
    public void close() {
        Release r = new Release();
        for (NativeResource c : new NativeResource[] {pixelsCopied, kernels, linear, activation, pooling, convolution,
            result, pixels, rowScales, losses, labels, workspace, staging, tensors}) {
            if (c != null) {
                r.run(c::close);
            }
        }
        r.run(ctx::close);
        r.done();
    }
}
