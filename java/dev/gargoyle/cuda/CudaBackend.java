package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Addresses.floats;
import static dev.gargoyle.cuda.Addresses.raw;
import static dev.gargoyle.cuda.OperandChecks.checkImages;
import static dev.gargoyle.cuda.OperandChecks.checkLabels;
import static dev.gargoyle.cuda.OperandChecks.channels;
import static dev.gargoyle.cuda.OperandChecks.hostRange;
import static dev.gargoyle.cuda.OperandChecks.sameSize;
import static org.bytedeco.cuda.global.cublas.cublasSaxpy_v2;
import static org.bytedeco.cuda.global.cublas.cublasSscal_v2;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemsetAsync;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.HostBuffer;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.List;

/**
 * The {@link Backend} on one NVIDIA GPU: cuDNN for convolution, pooling, batch-norm and ReLU,
 * cuBLAS for the linear layer and BLAS-1 ops, our own kernels for the rest. All work is queued on
 * one CUDA stream, so ops return before the GPU has finished them; {@link #copyToHost},
 * {@link #sumOfSquares}, {@link #softmaxCrossEntropy} and {@link #synchronize} wait. Arguments are
 * checked on the host, as the CPU backend checks them, before anything is queued.
 *
 * <p>Not thread-safe: one thread drives a backend (host buffers may be filled on other threads).
 */
public final class CudaBackend implements Backend {
    /** cuBLAS's BLAS-1 calls count elements in int; longer buffers go in chunks. */
    private static final long BLAS_CHUNK = 1L << 30;

    private final Device device;
    private final CudaContext ctx;
    private final TensorDescriptors tensors;
    private final HostStaging staging;
    private final DeviceBuffer workspace;
    private final DeviceBuffer labels;
    private final DeviceBuffer losses;
    private final DeviceBuffer pixels;
    private final DeviceBuffer result;
    private final CudnnConvolution convolution;
    private final CudnnPooling pooling;
    private final CudnnBatchNorm batchNorm;
    private final CudnnActivation activation;
    private final CublasLinear linear;
    private final CudaKernels kernels;
    private final CopyEvent pixelsCopied;
    private final String description;
    private boolean closed;

    /**
     * A backend on {@code device} (which must be a usable CUDA device).
     *
     * @throws IllegalStateException naming the reason when the device cannot be used
     */
    public CudaBackend(Device device, CudaOptions options) {
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

    /**
     * Every algorithm cuDNN offered for a convolution of these shapes (forward, backward data,
     * backward filter, as far as they have run), with the ones in use marked; for the bench.
     */
    public List<ConvAlgorithm> convAlgorithms(Shape x, Shape w, Conv2dSpec spec) {
        checkOpen("convAlgorithms");
        return convolution.algorithms(convolution.key(x, w, spec));
    }

    /** How many algorithm searches (cuDNN Find calls) this backend has run: one per shape and direction. */
    public long convAlgorithmSearches() {
        return convolution.searches();
    }

    /**
     * For the bench: runs {@code work} with convolution algorithm {@code algorithm} (a cuDNN algorithm
     * id, as {@link ConvAlgorithm#id()}) in place of the cached choice for {@code direction}, then
     * restores the choice. Throws {@link CudnnException} when cuDNN refuses that algorithm.
     */
    public void withConvAlgorithm(ConvAlgorithm.Direction direction, int algorithm, Runnable work) {
        checkOpen("withConvAlgorithm");
        convolution.force(direction, algorithm);
        try {
            work.run();
        } finally {
            convolution.force(direction, null);
        }
    }

    /**
     * For the bench: the device time of each of {@code repeats} runs of {@code work} (which queues
     * work on this backend), in milliseconds, measured with CUDA events after {@code warmup} untimed runs.
     */
    public float[] timeWithEvents(Runnable work, int warmup, int repeats) {
        checkOpen("timeWithEvents");
        return new EventTimer(ctx).time(work, warmup, repeats);
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
    public Tensor allocate(Shape shape) {
        checkOpen("allocate");
        ctx.activate();
        return Tensor.owning(this, new CudaMemory(ctx, shape.numel() * Float.BYTES), shape);
    }

    @Override
    public HostBuffer allocateHostBuffer(long bytes) {
        checkOpen("allocateHostBuffer");
        ctx.activate();
        return new HostBuffer(new PinnedMemory(bytes));
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, Tensor dst) {
        String op = "copyFromHost";
        long d = at(op, "dst", dst);
        int n = hostRange(op, src, srcOffset, dst);
        if (n == 0) {
            return;
        }
        ctx.activate();
        staging.upload(src, srcOffset, n, d, op + " of " + dst.shape());
    }

    @Override
    public void copyToHost(Tensor src, float[] dst, int dstOffset) {
        String op = "copyToHost";
        long s = at(op, "src", src);
        int n = hostRange(op, dst, dstOffset, src);
        ctx.activate();
        if (n == 0) {
            ctx.synchronize();
            return;
        }
        staging.download(s, dst, dstOffset, n, op + " of " + src.shape());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        String op = "copy";
        long s = at(op, "src", src);
        long d = at(op, "dst", dst);
        sameSize(op, "src", src, "dst", dst);
        if (s != d && src.numel() > 0) {
            ctx.activate();
            CudaStatus.cuda(cudaMemcpyAsync(raw(d), raw(s), src.numel() * Float.BYTES, cudaMemcpyDeviceToDevice,
                    ctx.stream), "cudaMemcpyAsync", op + " of " + src.shape());
        }
    }

    @Override
    public void synchronize() {
        checkOpen("synchronize");
        ctx.activate();
        ctx.synchronize();
    }

    @Override
    public long memoryInUse() {
        checkOpen("memoryInUse");
        return ctx.memoryInUse();
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @Override
    public void fill(Tensor t, float value) {
        long a = at("fill", "t", t);
        if (t.numel() == 0) {
            return;
        }
        ctx.activate();
        if (Float.floatToRawIntBits(value) == 0) {
            // +0.0 is all zero bits: no kernel needed for the most common fill, zeroing gradients.
            CudaStatus.cuda(cudaMemsetAsync(raw(a), 0, t.numel() * Float.BYTES, ctx.stream), "cudaMemsetAsync",
                    "fill of " + t.shape());
        } else {
            kernels.fill(a, t.numel(), value);
        }
    }

    @Override
    public void scale(Tensor t, float alpha) {
        long a = at("scale", "t", t);
        ctx.activate();
        for (long done = 0; done < t.numel(); done += BLAS_CHUNK) {
            int n = (int) Math.min(BLAS_CHUNK, t.numel() - done);
            CudaStatus.cublas(cublasSscal_v2(ctx.blas, n, ctx.scalar(alpha), floats(a + done * Float.BYTES), 1),
                    "cublasSscal", "scale of " + t.shape());
        }
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        String op = "axpy";
        long xa = at(op, "x", x);
        long ya = at(op, "y", y);
        sameSize(op, "x", x, "y", y);
        ctx.activate();
        for (long done = 0; done < x.numel(); done += BLAS_CHUNK) {
            int n = (int) Math.min(BLAS_CHUNK, x.numel() - done);
            CudaStatus.cublas(cublasSaxpy_v2(ctx.blas, n, ctx.scalar(alpha), floats(xa + done * Float.BYTES), 1,
                    floats(ya + done * Float.BYTES), 1), "cublasSaxpy", "axpy of " + x.shape());
        }
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        String op = "add";
        long aa = at(op, "a", a);
        long ba = at(op, "b", b);
        long oa = at(op, "out", out);
        sameSize(op, "a", a, "b", b);
        sameSize(op, "a", a, "out", out);
        if (a.numel() > 0) {
            ctx.activate();
            kernels.add(aa, ba, oa, a.numel());
        }
    }

    @Override
    public double sumOfSquares(Tensor t) {
        long a = at("sumOfSquares", "t", t);
        if (t.numel() == 0) {
            return 0.0;
        }
        ctx.activate();
        kernels.sumOfSquares(a, t.numel(), result.address());
        return staging.downloadDouble(result.address(), "sumOfSquares of " + t.shape());
    }

    // ---- convolution ---------------------------------------------------------------------------

    @Override
    public void conv2dForward(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor y) {
        String op = "conv2dForward";
        long xa = at(op, "x", x);
        long wa = at(op, "w", w);
        long ba = optional(op, "bias", bias);
        long ya = at(op, "y", y);
        Shape ys = spec.outputShape(op, x.shape(), w.shape());
        if (bias != null) {
            Shape.require(op, "bias", bias.shape(), Shape.of(w.shape().dim(0)));
        }
        Shape.require(op, "y", y.shape(), ys);
        if (y.numel() > 0) {
            ctx.activate();
            convolution.forward(convolution.key(x.shape(), w.shape(), spec, xa, wa, ya), xa, wa, ba, ya);
        }
    }

    @Override
    public void conv2dBackwardData(Tensor dy, Tensor w, Conv2dSpec spec, Tensor dx) {
        String op = "conv2dBackwardData";
        long dya = at(op, "dy", dy);
        long wa = at(op, "w", w);
        long dxa = at(op, "dx", dx);
        Shape.require(op, "dy", dy.shape(), spec.outputShape(op, dx.shape(), w.shape()));
        if (dx.numel() == 0) {
            return;
        }
        ctx.activate();
        if (dy.numel() == 0) {
            fill(dx, 0f);
            return;
        }
        convolution.backwardData(convolution.key(dx.shape(), w.shape(), spec, dya, wa, dxa), dya, wa, dxa);
    }

    @Override
    public void conv2dBackwardWeights(Tensor x, Tensor dy, Conv2dSpec spec, Tensor dw, Tensor dbias) {
        String op = "conv2dBackwardWeights";
        long xa = at(op, "x", x);
        long dya = at(op, "dy", dy);
        long dwa = at(op, "dw", dw);
        long dba = optional(op, "dbias", dbias);
        Shape.require(op, "dy", dy.shape(), spec.outputShape(op, x.shape(), dw.shape()));
        if (dbias != null) {
            Shape.require(op, "dbias", dbias.shape(), Shape.of(dw.shape().dim(0)));
        }
        if (dy.numel() > 0) {
            ctx.activate();
            convolution.backwardFilter(convolution.key(x.shape(), dw.shape(), spec, xa, dya, dwa), xa, dya, dwa, dba);
        }
    }

    // ---- pooling -------------------------------------------------------------------------------

    @Override
    public Shape pool2dWorkspaceShape(Pool2dSpec spec, Shape x) {
        spec.outputShape("pool2dWorkspaceShape", x);
        return Shape.of(0);
    }

    @Override
    public void pool2dForward(Tensor x, Pool2dSpec spec, Tensor y, Tensor workspace) {
        String op = "pool2dForward";
        long xa = at(op, "x", x);
        long ya = at(op, "y", y);
        optional(op, "workspace", workspace);
        Shape ys = spec.outputShape(op, x.shape());
        Shape.require(op, "y", y.shape(), ys);
        if (y.numel() > 0) {
            ctx.activate();
            pooling.forward(spec, x.shape(), xa, ys, ya);
        }
    }

    @Override
    public void pool2dBackward(Tensor x, Tensor y, Tensor dy, Pool2dSpec spec, Tensor workspace, Tensor dx) {
        String op = "pool2dBackward";
        long xa = at(op, "x", x);
        long ya = at(op, "y", y);
        long dya = at(op, "dy", dy);
        optional(op, "workspace", workspace);
        long dxa = at(op, "dx", dx);
        Shape ys = spec.outputShape(op, x.shape());
        Shape.require(op, "y", y.shape(), ys);
        Shape.require(op, "dy", dy.shape(), ys);
        Shape.require(op, "dx", dx.shape(), x.shape());
        if (dx.numel() > 0) {
            ctx.activate();
            pooling.backward(spec, x.shape(), xa, ys, ya, dya, dxa);
        }
    }

    // ---- batch normalisation -------------------------------------------------------------------

    @Override
    public void batchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                         float momentum, float eps, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        String op = "batchNormForwardTraining";
        Shape c = channels(op, x, eps);
        long xa = at(op, "x", x);
        long ga = param(op, "gamma", gamma, c);
        long ba = param(op, "beta", beta, c);
        long rm = param(op, "runningMean", runningMean, c);
        long rv = param(op, "runningVar", runningVar, c);
        long ya = at(op, "y", y);
        long sm = param(op, "saveMean", saveMean, c);
        long si = param(op, "saveInvStd", saveInvStd, c);
        Shape.require(op, "y", y.shape(), x.shape());
        long perChannel = x.numel() / Math.max(1, c.dim(0));
        if (perChannel < 2) {
            // The unbiased running variance divides by n - 1; PyTorch refuses this case too.
            throw new IllegalArgumentException(op + ": expected more than 1 value per channel when training, got x "
                    + x.shape());
        }
        ctx.activate();
        batchNorm.forwardTraining(x.shape(), xa, ga, ba, rm, rv, momentum, eps, ya, sm, si);
    }

    @Override
    public void batchNormForwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                          float eps, Tensor y) {
        String op = "batchNormForwardInference";
        Shape c = channels(op, x, eps);
        long xa = at(op, "x", x);
        long ga = param(op, "gamma", gamma, c);
        long ba = param(op, "beta", beta, c);
        long rm = param(op, "runningMean", runningMean, c);
        long rv = param(op, "runningVar", runningVar, c);
        long ya = at(op, "y", y);
        Shape.require(op, "y", y.shape(), x.shape());
        if (x.numel() > 0) {
            ctx.activate();
            batchNorm.forwardInference(x.shape(), xa, ga, ba, rm, rv, eps, ya);
        }
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, float eps,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = "batchNormBackward";
        Shape c = channels(op, x, eps);
        long xa = at(op, "x", x);
        long dya = at(op, "dy", dy);
        long ga = param(op, "gamma", gamma, c);
        long sm = param(op, "saveMean", saveMean, c);
        long si = param(op, "saveInvStd", saveInvStd, c);
        long dxa = at(op, "dx", dx);
        long dga = param(op, "dgamma", dgamma, c);
        long dba = param(op, "dbeta", dbeta, c);
        Shape.require(op, "dy", dy.shape(), x.shape());
        Shape.require(op, "dx", dx.shape(), x.shape());
        if (x.numel() > 0) {
            ctx.activate();
            batchNorm.backward(x.shape(), xa, dya, ga, sm, si, eps, dxa, dga, dba);
        }
    }

    private long param(String op, String name, Tensor t, Shape channels) {
        long a = at(op, name, t);
        Shape.require(op, name, t.shape(), channels);
        return a;
    }

    // ---- linear --------------------------------------------------------------------------------

    @Override
    public void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y) {
        String op = "linearForward";
        long xa = at(op, "x", x);
        long wa = at(op, "w", w);
        long ba = optional(op, "bias", bias);
        long ya = at(op, "y", y);
        Shape.requireRank(op, "x", x.shape(), 2);
        Shape.requireRank(op, "w", w.shape(), 2);
        int batch = x.shape().dim(0);
        int in = x.shape().dim(1);
        int out = w.shape().dim(0);
        Shape.require(op, "w", w.shape(), Shape.of(out, in));
        if (bias != null) {
            Shape.require(op, "bias", bias.shape(), Shape.of(out));
        }
        Shape.require(op, "y", y.shape(), Shape.of(batch, out));
        ctx.activate();
        linear.forward(batch, in, out, xa, wa, ba, ya);
    }

    @Override
    public void linearBackwardData(Tensor dy, Tensor w, Tensor dx) {
        String op = "linearBackwardData";
        long dya = at(op, "dy", dy);
        long wa = at(op, "w", w);
        long dxa = at(op, "dx", dx);
        Shape.requireRank(op, "dx", dx.shape(), 2);
        Shape.requireRank(op, "w", w.shape(), 2);
        int batch = dx.shape().dim(0);
        int in = dx.shape().dim(1);
        int out = w.shape().dim(0);
        Shape.require(op, "w", w.shape(), Shape.of(out, in));
        Shape.require(op, "dy", dy.shape(), Shape.of(batch, out));
        ctx.activate();
        linear.backwardData(batch, in, out, dya, wa, dxa);
    }

    @Override
    public void linearBackwardWeights(Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        String op = "linearBackwardWeights";
        long xa = at(op, "x", x);
        long dya = at(op, "dy", dy);
        long dwa = at(op, "dw", dw);
        long dba = optional(op, "dbias", dbias);
        Shape.requireRank(op, "x", x.shape(), 2);
        Shape.requireRank(op, "dw", dw.shape(), 2);
        int batch = x.shape().dim(0);
        int in = x.shape().dim(1);
        int out = dw.shape().dim(0);
        Shape.require(op, "dw", dw.shape(), Shape.of(out, in));
        Shape.require(op, "dy", dy.shape(), Shape.of(batch, out));
        if (dbias != null) {
            Shape.require(op, "dbias", dbias.shape(), Shape.of(out));
        }
        ctx.activate();
        linear.backwardWeights(batch, in, out, xa, dya, dwa, dba);
    }

    // ---- activations and regularisation ---------------------------------------------------------

    @Override
    public void reluForward(Tensor x, Tensor y) {
        String op = "reluForward";
        long xa = at(op, "x", x);
        long ya = at(op, "y", y);
        Shape.require(op, "y", y.shape(), x.shape());
        if (x.numel() > 0) {
            ctx.activate();
            activation.reluForward(x.shape(), xa, ya);
        }
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        String op = "reluBackward";
        long ya = at(op, "y", y);
        long dya = at(op, "dy", dy);
        long dxa = at(op, "dx", dx);
        Shape.require(op, "dy", dy.shape(), y.shape());
        Shape.require(op, "dx", dx.shape(), y.shape());
        if (y.numel() > 0) {
            ctx.activate();
            activation.reluBackward(y.shape(), ya, dya, dxa);
        }
    }

    @Override
    public void dropoutForward(Tensor x, float p, long seed, Tensor mask, Tensor y) {
        String op = "dropoutForward";
        long xa = at(op, "x", x);
        long ma = at(op, "mask", mask);
        long ya = at(op, "y", y);
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException(op + ": p must be in [0, 1], got " + p);
        }
        Shape.require(op, "mask", mask.shape(), x.shape());
        Shape.require(op, "y", y.shape(), x.shape());
        if (x.numel() == 0) {
            return;
        }
        ctx.activate();
        if (p == 1f) {
            // Every element dropped (u < 1 always); the kernel's 1/(1-p) is undefined here.
            fill(mask, 0f);
            fill(y, 0f);
        } else {
            kernels.dropoutForward(xa, p, seed, ma, ya, x.numel());
        }
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) {
        String op = "dropoutBackward";
        long dya = at(op, "dy", dy);
        long ma = at(op, "mask", mask);
        long dxa = at(op, "dx", dx);
        Shape.require(op, "mask", mask.shape(), dy.shape());
        Shape.require(op, "dx", dx.shape(), dy.shape());
        if (dy.numel() > 0) {
            ctx.activate();
            kernels.mul(dya, ma, dxa, dy.numel(), op);
        }
    }

    // ---- loss ----------------------------------------------------------------------------------

    @Override
    public double softmaxCrossEntropy(Tensor logits, int[] labelValues, float gradScale, Tensor dlogits) {
        String op = "softmaxCrossEntropy";
        long la = at(op, "logits", logits);
        long da = optional(op, "dlogits", dlogits);
        Shape.requireRank(op, "logits", logits.shape(), 2);
        int n = logits.shape().dim(0);
        int k = logits.shape().dim(1);
        if (dlogits != null) {
            Shape.require(op, "dlogits", dlogits.shape(), logits.shape());
        }
        checkLabels(op, labelValues, n, k);
        ctx.activate();
        labels.ensure((long) n * Integer.BYTES);
        losses.ensure((long) n * Float.BYTES);
        staging.upload(labelValues, n, labels.address(), op + " labels");
        kernels.softmaxCrossEntropy(la, labels.address(), n, k, gradScale, losses.address(), da);
        // The mean needs every sample's loss on the host (no device reduction kernel): one small copy.
        float[] perSample = new float[n];
        staging.download(losses.address(), perSample, 0, n, op + " losses");
        double sum = 0;
        for (float l : perSample) {
            sum += l;
        }
        return sum / n;
    }

    // ---- optimizer updates ---------------------------------------------------------------------

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay,
                        boolean nesterov) {
        String op = "sgdStep";
        long pa = at(op, "param", param);
        long ga = at(op, "grad", grad);
        sameSize(op, "param", param, "grad", grad);
        long va = 0;
        if (momentum != 0f) {
            if (velocity == null) {
                throw new IllegalArgumentException(op + ": momentum " + momentum + " needs a velocity buffer");
            }
            va = at(op, "velocity", velocity);
            sameSize(op, "param", param, "velocity", velocity);
        }
        if (param.numel() > 0) {
            ctx.activate();
            kernels.sgdStep(pa, ga, va, param.numel(), lr, momentum, weightDecay, nesterov);
        }
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, boolean decoupled, long step) {
        String op = "adamStep";
        long pa = at(op, "param", param);
        long ga = at(op, "grad", grad);
        long ma = at(op, "m", m);
        long va = at(op, "v", v);
        sameSize(op, "param", param, "grad", grad);
        sameSize(op, "param", param, "m", m);
        sameSize(op, "param", param, "v", v);
        if (step < 1) {
            throw new IllegalArgumentException(op + ": step counts from 1, got " + step);
        }
        if (param.numel() > 0) {
            ctx.activate();
            float c1 = (float) (1 - Math.pow(beta1, step));
            float c2 = (float) (1 - Math.pow(beta2, step));
            kernels.adamStep(pa, ga, ma, va, param.numel(), lr, beta1, beta2, eps, weightDecay, decoupled, c1, c2);
        }
    }

    // ---- input ---------------------------------------------------------------------------------

    /**
     * Copies the pixels asynchronously from the (pinned) host buffer and queues the conversion; it
     * returns once the copy has read the buffer, so the caller may refill it at once.
     */
    @Override
    public void imagesToTensor(HostBuffer hostPixels, int n, int height, int width, float[] mean, float[] std,
                               Tensor dst) {
        String op = "imagesToTensor";
        long d = at(op, "dst", dst);
        long bytes = checkImages(op, hostPixels, n, height, width, mean, std, dst.shape());
        if (n == 0) {
            return;
        }
        CudaKernels.require(op);
        ctx.activate();
        pixels.ensure(bytes);
        CudaStatus.cuda(cudaMemcpyAsync(raw(pixels.address()), raw(hostPixels.memory().address().address()), bytes,
                cudaMemcpyHostToDevice, ctx.stream), "cudaMemcpyAsync", op + " of " + n + " images");
        pixelsCopied.record();
        kernels.imagesToNchw(pixels.address(), n, height, width, mean, std, d);
        pixelsCopied.synchronize();
    }

    // ---- checks --------------------------------------------------------------------------------

    /** The device address of {@code t} after checking it is open and lives on this backend. */
    private long at(String op, String operand, Tensor t) {
        checkOpen(op);
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + operand + " is null");
        }
        if (t.backend() != this) {
            throw new IllegalArgumentException(op + ": " + operand + " " + t + " does not live on this backend ("
                    + device + ")");
        }
        t.ensureOpen(op);
        return t.data().address();
    }

    private long optional(String op, String operand, Tensor t) {
        return t == null ? 0 : at(op, operand, t);
    }

    private void checkOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": the CUDA backend on " + device + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Release r = new Release();
        for (NativeResource c : new NativeResource[] {pixelsCopied, kernels, linear, activation, pooling, convolution,
            result, pixels, losses, labels, workspace, staging, tensors}) {
            if (c != null) {
                r.run(c::close);
            }
        }
        r.run(ctx::close);
        r.done();
    }
}
