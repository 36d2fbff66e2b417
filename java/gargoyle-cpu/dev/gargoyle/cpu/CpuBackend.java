package dev.gargoyle.cpu;

import static org.bytedeco.dnnl.global.dnnl.dnnl_abcd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_bf16;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.spi.BackendOps;
import dev.gargoyle.tensor.spi.HostMemory;
import dev.gargoyle.tensor.spi.Memory;
import dev.gargoyle.tensor.spi.MemoryLedger;
import dev.gargoyle.tensor.spi.NativeTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.bytedeco.javacpp.BytePointer;

/**
 * The backend ops on the CPU: convolution, pooling, batch-norm and linear through oneDNN
 * primitives cached per shape (see {@link PlanCache}), the rest as host loops (ReLU among them:
 * it must keep NaN, see {@link HostLoops#reluForward}). Activations stay in oneDNN's blocked layout
 * from one convolution, batch-norm, ReLU or pooling to the next, and become nchw only where
 * anything else reads them (see {@link Layouts}). The checked {@link dev.gargoyle.tensor.Backend}
 * in front of it has validated every argument.
 */
final class CpuBackend implements BackendOps {
    /** Enough for a model's every layer, pass and batch size several times over. */
    static final int PLAN_CACHE_CAPACITY = 256;

    private final DnnlContext ctx = new DnnlContext();
    private final PlanCache plans = new PlanCache(ctx, PLAN_CACHE_CAPACITY);
    private final Parallel loops = new Parallel();
    private final MemoryLedger ledger = new MemoryLedger();
    private final Layouts layouts = new Layouts(plans);

    private final boolean bf16;

    /**
     * {@code bf16}: convolutions multiply in bfloat16, and activations stay bfloat16 between
     * convolution, batch-norm and pooling (the provider has checked the CPU can).
     */
    CpuBackend(boolean bf16) {
        this.bf16 = bf16;
    }

    @Override
    public Device device() {
        return Device.cpu();
    }

    @Override
    public String describe() {
        return "oneDNN " + CpuInfo.version() + " (" + CpuInfo.isaFamily() + "), " + CpuInfo.threads() + " threads"
                + (bf16 ? ", bf16 convolutions and activations" : "");
    }

    /** Which tensors are blocked now; for tests of the layout flow. */
    Layouts layouts() {
        return layouts;
    }

    /** Cached plans now; for tests of the cache bound. */
    int cachedPlans() {
        return plans.size();
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Memory allocate(long bytes) {
        return layouts.track(ledger.track(new HostMemory(bytes)));
    }

    @Override
    public Memory allocateHostBuffer(long bytes) {
        return ledger.track(new HostMemory(bytes));
    }

    @Override
    public void expose(NativeTensor t) {
        layouts.plain(t);
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, NativeTensor dst) {
        layouts.writing(dst);
        dst.hostBuffer().put(0, src, srcOffset, Math.toIntExact(dst.numel()));
    }

    @Override
    public void copyToHost(NativeTensor src, float[] dst, int dstOffset) {
        ctx.await();
        layouts.plain(src);
        src.hostBuffer().get(0, dst, dstOffset, Math.toIntExact(src.numel()));
    }

    @Override
    public void copy(NativeTensor src, NativeTensor dst) {
        layouts.plain(src);
        layouts.writing(dst);
        dst.hostBuffer().put(0, src.hostBuffer(), 0, Math.toIntExact(src.numel()));
    }

    @Override
    public void synchronize() {
        ctx.await();
    }

    /** Tensors, host buffers and the scratch arena; oneDNN's own kernel cache is not counted. */
    @Override
    public long memoryInUse() {
        return ledger.bytes() + ctx.arena.bytes();
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @Override
    public void fill(NativeTensor t, float value) {
        layouts.writing(t);
        FloatBuffer b = t.hostBuffer();
        loops.run(b.capacity(), (from, to, k) -> HostLoops.fill(b, value, from, to, k));
    }

    @Override
    public void scale(NativeTensor t, float alpha) {
        layouts.plain(t);
        FloatBuffer b = t.hostBuffer();
        loops.run(b.capacity(), (from, to, k) -> HostLoops.scale(b, alpha, from, to, k));
    }

    @Override
    public void axpy(float alpha, NativeTensor x, NativeTensor y) {
        layouts.plain(x);
        layouts.plain(y);
        FloatBuffer xb = x.hostBuffer();
        FloatBuffer yb = y.hostBuffer();
        loops.run(xb.capacity(), (from, to, k) -> HostLoops.axpy(alpha, xb, yb, from, to, k));
    }

    @Override
    public void add(NativeTensor a, NativeTensor b, NativeTensor out) {
        layouts.plain(a);
        layouts.plain(b);
        layouts.writing(out);
        FloatBuffer ab = a.hostBuffer();
        FloatBuffer bb = b.hostBuffer();
        FloatBuffer ob = out.hostBuffer();
        loops.run(ab.capacity(), (from, to, k) -> HostLoops.add(ab, bb, ob, from, to, k));
    }

    @Override
    public double sumOfSquares(NativeTensor t) {
        layouts.plain(t);
        FloatBuffer b = t.hostBuffer();
        return loops.sum(b.capacity(), (from, to, k) -> HostLoops.sumOfSquares(b, from, to, k));
    }

    // ---- convolution ---------------------------------------------------------------------------

    @Override
    public void conv2dForward(NativeTensor x, NativeTensor w, NativeTensor bias, Conv2dSpec spec, NativeTensor y) {
        Convolution.Geometry g = new Convolution.Geometry(x.shape(), w.shape(), spec, bf16);
        int xTag = input(x);
        plainInputs(w, bias);
        layouts.writing(y);
        Convolution.Forward plan = plans.get(new Convolution.ForwardKey(g, bias != null, xTag));
        plan.run(x, w, bias, y);
        layouts.wrote(y, plan.yTag);
    }

    @Override
    public void conv2dBackwardData(NativeTensor dy, NativeTensor w, Conv2dSpec spec, NativeTensor dx) {
        Convolution.Geometry g = new Convolution.Geometry(dx.shape(), w.shape(), spec, bf16);
        int dyTag = input(dy);
        plainInputs(w);
        layouts.writing(dx);
        Convolution.BackwardData plan = plans.get(new Convolution.BackwardDataKey(g, dyTag));
        plan.run(dy, w, dx);
        layouts.wrote(dx, plan.dxTag);
    }

    @Override
    public void conv2dBackwardWeights(NativeTensor x, NativeTensor dy, Conv2dSpec spec, NativeTensor dw,
                                      NativeTensor dbias) {
        Convolution.Geometry g = new Convolution.Geometry(x.shape(), dw.shape(), spec, bf16);
        int xTag = input(x);
        int dyTag = input(dy);
        plainInputs(dw, dbias);
        plans.get(new Convolution.BackwardWeightsKey(g, dbias != null, xTag, dyTag)).run(x, dy, dw, dbias);
    }

    /** The layout a primitive reads {@code t} in: blocked when it is, else nchw (made so if needed). */
    private int input(NativeTensor t) {
        layouts.readable(t);
        return layouts.of(t);
    }

    /** Tensors read (or accumulated into) as nchw: weights, biases, per-channel values. */
    private void plainInputs(NativeTensor... ts) {
        for (NativeTensor t : ts) {
            if (t != null) {
                layouts.plain(t);
            }
        }
    }

    // ---- pooling -------------------------------------------------------------------------------

    @Override
    public long pool2dWorkspaceBytes(Pool2dSpec spec, Shape x) {
        return plans.get(new Pooling.Key(x, spec, Pooling.Pass.TRAINING, dnnl_abcd, bf16)).workspaceBytes;
    }

    @Override
    public void pool2dForward(NativeTensor x, Pool2dSpec spec, NativeTensor y, NativeTensor workspace) {
        Pooling.Pass pass = workspace == null ? Pooling.Pass.INFERENCE : Pooling.Pass.TRAINING;
        int xTag = input(x);
        layouts.writing(y);
        Pooling.Prepared plan = plans.get(new Pooling.Key(x.shape(), spec, pass, xTag, bf16));
        boolean noNaN = layouts.knownNoNaN(x);
        plan.run(x, y, workspace);
        layouts.wrote(y, plan.outTag, noNaN);
        if (spec.kind() == Pool2dSpec.Kind.MAX && !noNaN && anyNaN(x)) {
            layouts.plain(x);
            layouts.plain(y);
            MaxPoolNaN.forward(x.hostBuffer(), x.shape(), spec, y.hostBuffer());
        }
    }

    @Override
    public void pool2dBackward(NativeTensor x, NativeTensor y, NativeTensor dy, Pool2dSpec spec,
                               NativeTensor workspace, NativeTensor dx) {
        if (spec.kind() == Pool2dSpec.Kind.MAX && !layouts.knownNoNaN(y) && anyNaN(y)) {
            plainInputs(x, dy);
            layouts.writing(dx);
            MaxPoolNaN.backward(x.hostBuffer(), x.shape(), spec, dy.hostBuffer(), dx.hostBuffer());
        } else {
            int dyTag = input(dy);
            layouts.writing(dx);
            Pooling.Prepared plan = plans.get(new Pooling.Key(x.shape(), spec, Pooling.Pass.BACKWARD, dyTag, bf16));
            plan.run(dy, dx, workspace);
            layouts.wrote(dx, plan.outTag);
        }
    }

    /** A max window holding a NaN must give NaN, which oneDNN's pooling does not: see {@link MaxPoolNaN}. */
    private boolean anyNaN(NativeTensor t) {
        return anyAbove(HostLoops.NAN_ABOVE, t);
    }

    private boolean allFinite(NativeTensor t) {
        return !anyAbove(HostLoops.NOT_FINITE_ABOVE, t);
    }

    private boolean anyAbove(int limit, NativeTensor t) {
        IntBuffer b = t.hostBits();
        layouts.readable(t);
        boolean bf16Pairs = Formats.isBf16(layouts.of(t));
        int ints = bf16Pairs ? b.capacity() / 2 : b.capacity();
        return loops.sum(ints, (from, to, k) -> HostLoops.anyAbove(limit, bf16Pairs, b, from, to, k)) > 0;
    }

    /** The layout an elementwise host loop reads {@code t} in: as it is, unless bf16 (made nchw FP32). */
    private int hostInput(NativeTensor t) {
        int format = input(t);
        if (Formats.isBf16(format)) {
            layouts.plain(t);
            return dnnl_abcd;
        }
        return format;
    }

    // ---- batch normalisation ------------------------------------------------------------------------

    @Override
    public void batchNormForwardTraining(NativeTensor x, NativeTensor gamma, NativeTensor beta,
                                         NativeTensor runningMean, NativeTensor runningVar, float momentum, float eps,
                                         NativeTensor y, NativeTensor saveMean, NativeTensor saveInvStd) {
        BatchNorm.Training plan = normalize(x, gamma, beta, eps, y, saveMean, null, false);
        if (plan.finish(runningMean, runningVar, momentum, eps, saveMean, saveInvStd) && allFinite(gamma)
                && allFinite(beta)) {
            layouts.wrote(y, plan.yTag, true);
        }
    }

    @Override
    public void batchNormForwardInference(NativeTensor x, NativeTensor gamma, NativeTensor beta,
                                          NativeTensor runningMean, NativeTensor runningVar, float eps,
                                          NativeTensor y) {
        normalizeWithRunning(x, gamma, beta, runningMean, runningVar, eps, y, false);
    }

    @Override
    public void batchNormBackward(NativeTensor x, NativeTensor dy, NativeTensor gamma, NativeTensor saveMean,
                                  NativeTensor saveInvStd, float eps, NativeTensor dx, NativeTensor dgamma,
                                  NativeTensor dbeta) {
        normBackward(x, dy, gamma, saveMean, saveInvStd, eps, null, dx, dgamma, dbeta, false);
    }

    // oneDNN's fused ReLU need not keep a NaN as ReLU must, so the fused ops run where no NaN can
    // arise: in training, finite batch statistics prove a finite x; inference scans x. Elsewhere
    // they run batch-norm and ReLU one after the other, and the workspace's last float says which ran
    // (the mask takes its first bytes; forward and backward get the same workspace).
    // Where a NaN cannot arise, the output is marked so (see Layouts) and max pooling skips its scan.

    /**
     * The mask's size depends on the shape alone (the primitive runs in the blocked layout whatever
     * eps and x's layout), so this asks the plan a model's step runs: x as a convolution leaves it,
     * PyTorch's eps.
     */
    @Override
    public long batchNormReluWorkspaceBytes(Shape x) {
        int xFormat = Formats.of(MemoryDesc.channelBlocked(x.dim(1)), bf16 ? dnnl_bf16 : dnnl_f32);
        long mask = plans.get(new BatchNorm.TrainingKey(new BatchNorm.Geometry(x, 1e-5f, bf16), xFormat, true))
                .workspaceBytes;
        return (mask + Float.BYTES - 1) / Float.BYTES * Float.BYTES + Float.BYTES;
    }

    private static int fusedFlag(NativeTensor workspace) {
        return Math.toIntExact(workspace.numel() - 1);
    }

    @Override
    public void batchNormReluForwardTraining(NativeTensor x, NativeTensor gamma, NativeTensor beta,
                                             NativeTensor runningMean, NativeTensor runningVar, float momentum,
                                             float eps, NativeTensor y, NativeTensor saveMean,
                                             NativeTensor saveInvStd, NativeTensor workspace) {
        boolean fused = normalize(x, gamma, beta, eps, y, saveMean, workspace, true)
                .finish(runningMean, runningVar, momentum, eps, saveMean, saveInvStd)
                && allFinite(gamma) && allFinite(beta);
        if (fused) {
            layouts.wrote(y, layouts.of(y), true);
        } else {
            normalize(x, gamma, beta, eps, y, saveMean, null, false);
            reluForward(y, y);
        }
        workspace.hostBuffer().put(fusedFlag(workspace), fused ? 1f : 0f);
    }

    @Override
    public void batchNormReluForwardInference(NativeTensor x, NativeTensor gamma, NativeTensor beta,
                                              NativeTensor runningMean, NativeTensor runningVar, float eps,
                                              NativeTensor y) {
        boolean fused = allFinite(gamma) && allFinite(beta) && allFinite(runningMean)
                && BatchNorm.invStdFinite(runningVar, eps) && allFinite(x);
        normalizeWithRunning(x, gamma, beta, runningMean, runningVar, eps, y, fused);
        if (fused) {
            layouts.wrote(y, layouts.of(y), true);
        } else {
            reluForward(y, y);
        }
    }

    @Override
    public void batchNormReluBackward(NativeTensor x, NativeTensor y, NativeTensor dy, NativeTensor gamma,
                                      NativeTensor saveMean, NativeTensor saveInvStd, float eps,
                                      NativeTensor workspace, NativeTensor dx, NativeTensor dgamma,
                                      NativeTensor dbeta) {
        if (workspace.hostBuffer().get(fusedFlag(workspace)) == 1f) {
            normBackward(x, dy, gamma, saveMean, saveInvStd, eps, workspace, dx, dgamma, dbeta, true);
            return;
        }
        try (Memory scratch = allocate(x.numel() * Float.BYTES)) {
            NativeTensor masked = new NativeTensor(x.shape(), scratch.address().address(), true);
            reluBackward(y, dy, masked);
            batchNormBackward(x, masked, gamma, saveMean, saveInvStd, eps, dx, dgamma, dbeta);
        }
    }

    /** The batch statistics of x normalise it into y; the caller finishes the plan. */
    private BatchNorm.Training normalize(NativeTensor x, NativeTensor gamma, NativeTensor beta, float eps,
                                         NativeTensor y, NativeTensor saveMean, NativeTensor workspace,
                                         boolean relu) {
        int xTag = input(x);
        plainInputs(gamma, beta, saveMean);
        layouts.writing(y);
        BatchNorm.Training plan = plans.get(new BatchNorm.TrainingKey(new BatchNorm.Geometry(x.shape(), eps, bf16), xTag,
                relu));
        plan.run(x, gamma, beta, y, saveMean, workspace);
        layouts.wrote(y, plan.yTag);
        return plan;
    }

    private void normalizeWithRunning(NativeTensor x, NativeTensor gamma, NativeTensor beta,
                                      NativeTensor runningMean, NativeTensor runningVar, float eps, NativeTensor y,
                                      boolean relu) {
        int xTag = input(x);
        plainInputs(gamma, beta, runningMean, runningVar);
        layouts.writing(y);
        BatchNorm.Inference plan = plans.get(new BatchNorm.InferenceKey(new BatchNorm.Geometry(x.shape(), eps, bf16),
                xTag, relu));
        plan.run(x, gamma, beta, runningMean, runningVar, y);
        layouts.wrote(y, plan.yTag);
    }

    private void normBackward(NativeTensor x, NativeTensor dy, NativeTensor gamma, NativeTensor saveMean,
                              NativeTensor saveInvStd, float eps, NativeTensor workspace, NativeTensor dx,
                              NativeTensor dgamma, NativeTensor dbeta, boolean relu) {
        int xTag = input(x);
        int dyTag = input(dy);
        plainInputs(gamma, saveMean, saveInvStd, dgamma, dbeta);
        layouts.writing(dx);
        BatchNorm.Backward plan = plans.get(new BatchNorm.BackwardKey(new BatchNorm.Geometry(x.shape(), eps, bf16), xTag,
                dyTag, relu));
        plan.run(x, dy, gamma, saveMean, saveInvStd, eps, workspace, dx, dgamma, dbeta);
        layouts.wrote(dx, plan.dxTag);
    }

    // ---- linear --------------------------------------------------------------------------------

    @Override
    public void linearForward(NativeTensor x, NativeTensor w, NativeTensor bias, NativeTensor y) {
        plainInputs(x, w, bias);
        layouts.writing(y);
        int n = x.shape().dim(0);
        plans.get(new Linear.Key(n, x.shape().dim(1), w.shape().dim(0), bias != null, Linear.Pass.FORWARD))
                .run(x, w, bias, y);
    }

    @Override
    public void linearBackwardData(NativeTensor dy, NativeTensor w, NativeTensor dx) {
        plainInputs(dy, w);
        layouts.writing(dx);
        int n = dy.shape().dim(0);
        plans.get(new Linear.Key(n, w.shape().dim(1), w.shape().dim(0), false, Linear.Pass.BACKWARD_DATA))
                .run(dy, w, null, dx);
    }

    @Override
    public void linearBackwardWeights(NativeTensor x, NativeTensor dy, NativeTensor dw, NativeTensor dbias) {
        plainInputs(x, dy, dw, dbias);
        int n = x.shape().dim(0);
        plans.get(new Linear.Key(n, dw.shape().dim(1), dw.shape().dim(0), false, Linear.Pass.BACKWARD_WEIGHTS))
                .run(dy, x, null, dw);
        if (dbias != null) {
            Linear.accumulateBiasGradient(dy, dbias);
        }
    }

    // ---- activations and regularisation ---------------------------------------------------------

    @Override
    public void reluForward(NativeTensor x, NativeTensor y) {
        // Elementwise: y takes x's layout, blocked or not.
        int tag = hostInput(x);
        layouts.writing(y);
        FloatBuffer xb = x.hostBuffer();
        FloatBuffer yb = y.hostBuffer();
        loops.run(xb.capacity(), (from, to, k) -> HostLoops.reluForward(xb, yb, from, to, k));
        layouts.wrote(y, tag);
    }

    @Override
    public void reluBackward(NativeTensor y, NativeTensor dy, NativeTensor dx) {
        // Elementwise over y and dy alike: in their common layout, else both nchw.
        int tag = hostInput(y) == hostInput(dy) ? layouts.of(y) : dnnl_abcd;
        if (tag == dnnl_abcd) {
            plainInputs(y, dy);
        }
        layouts.writing(dx);
        IntBuffer yb = y.hostBits();
        IntBuffer dyb = dy.hostBits();
        IntBuffer dxb = dx.hostBits();
        loops.run(yb.capacity(), (from, to, k) -> HostLoops.reluBackward(yb, dyb, dxb, from, to, k));
        layouts.wrote(dx, tag);
    }

    @Override
    public void dropoutForward(NativeTensor x, float p, long seed, NativeTensor mask, NativeTensor y) {
        plainInputs(x);
        layouts.writing(mask);
        layouts.writing(y);
        FloatBuffer xb = x.hostBuffer();
        FloatBuffer mb = mask.hostBuffer();
        FloatBuffer yb = y.hostBuffer();
        loops.run(xb.capacity(), (from, to, k) -> HostLoops.dropoutForward(xb, p, seed, mb, yb, from, to));
    }

    @Override
    public void dropoutBackward(NativeTensor dy, NativeTensor mask, NativeTensor dx) {
        plainInputs(dy, mask);
        layouts.writing(dx);
        FloatBuffer g = dy.hostBuffer();
        FloatBuffer m = mask.hostBuffer();
        FloatBuffer d = dx.hostBuffer();
        loops.run(g.capacity(), (from, to, k) -> HostLoops.multiply(g, m, d, from, to, k));
    }

    // ---- loss ----------------------------------------------------------------------------------

    @Override
    public double softmaxCrossEntropy(NativeTensor logits, int[] labels, float[] classWeights, double totalWeight,
                                      float gradScale, NativeTensor dlogits) {
        plainInputs(logits);
        if (dlogits != null) {
            layouts.writing(dlogits);
        }
        return HostLoops.softmaxCrossEntropy(logits.hostBuffer(), logits.shape().dim(0), logits.shape().dim(1),
                labels, classWeights, totalWeight, gradScale, dlogits == null ? null : dlogits.hostBuffer());
    }

    // ---- optimizer updates over flat buffers ------------------------------------------------------

    @Override
    public void sgdStep(NativeTensor param, NativeTensor grad, NativeTensor velocity, float lr, float momentum,
                        float weightDecay, boolean nesterov, boolean zeroGrad) {
        plainInputs(param, grad, velocity);
        FloatBuffer p = param.hostBuffer();
        FloatBuffer g = grad.hostBuffer();
        FloatBuffer v = momentum != 0f ? velocity.hostBuffer() : null;
        loops.run(p.capacity(),
                (from, to, k) -> Optimizers.sgd(p, g, v, lr, momentum, weightDecay, nesterov, zeroGrad, from, to, k));
    }

    @Override
    public void adamStep(NativeTensor param, NativeTensor grad, NativeTensor m, NativeTensor v, float lr, float beta1,
                         float beta2, float eps, float weightDecay, boolean decoupled, long step,
                         boolean zeroGrad) {
        plainInputs(param, grad, m, v);
        float stepSize = (float) (lr / (1.0 - Math.pow(beta1, step)));
        float bc2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, step));
        FloatBuffer pb = param.hostBuffer();
        FloatBuffer gb = grad.hostBuffer();
        FloatBuffer mb = m.hostBuffer();
        FloatBuffer vb = v.hostBuffer();
        loops.run(pb.capacity(), (from, to, k) -> Optimizers.adam(pb, gb, mb, vb, lr, beta1, beta2, eps, weightDecay,
                decoupled, stepSize, bc2Sqrt, zeroGrad, from, to, k));
    }

    // ---- input ---------------------------------------------------------------------------------

    @Override
    public void imagesToTensor(Memory pixels, int n, int height, int width, float[] mean, float[] std,
                               NativeTensor dst) {
        layouts.writing(dst);
        ByteBuffer bytes = new BytePointer(pixels.address()).capacity(pixels.bytes()).limit(pixels.bytes())
                .asBuffer().order(ByteOrder.nativeOrder());
        HostLoops.imagesToTensor(bytes, n, height, width, mean, std, dst.hostBuffer());
    }

    // ---- lifetime --------------------------------------------------------------------------------

    @Override
    public void close() {
        plans.close();
        loops.close();
        ctx.close();
    }
}
