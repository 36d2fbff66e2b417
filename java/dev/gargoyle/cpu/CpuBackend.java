package dev.gargoyle.cpu;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.HostBuffer;
import dev.gargoyle.tensor.HostMemory;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Pointer;

/**
 * The {@link Backend} on the CPU: convolution, pooling, batch-norm, linear and ReLU through oneDNN
 * primitives cached per shape (see {@link PlanCache}), the rest as host loops. Every call checks
 * its arguments before any native call. Not thread-safe: one training loop drives a backend.
 */
public final class CpuBackend implements Backend {
    /** Enough for a model's every layer, pass and batch size several times over. */
    static final int PLAN_CACHE_CAPACITY = 256;

    private final DnnlContext ctx = new DnnlContext();
    private final PlanCache plans = new PlanCache(ctx, PLAN_CACHE_CAPACITY);
    private final Parallel loops = new Parallel();
    private boolean closed;

    CpuBackend() {
    }

    @Override
    public Device device() {
        return Device.cpu();
    }

    @Override
    public String describe() {
        return "oneDNN " + CpuInfo.version() + " (" + CpuInfo.isaFamily() + "), " + CpuInfo.threads() + " threads";
    }

    /** Cached plans now; for tests of the cache bound. */
    int cachedPlans() {
        return plans.size();
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Tensor allocate(Shape shape) {
        ensureOpen("allocate");
        return Tensor.owning(this, new HostMemory(shape.numel() * Float.BYTES), shape);
    }

    @Override
    public HostBuffer allocateHostBuffer(long bytes) {
        ensureOpen("allocateHostBuffer");
        return new HostBuffer(new HostMemory(bytes));
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, Tensor dst) {
        check("copyFromHost", dst);
        int n = Math.toIntExact(dst.numel());
        if (srcOffset < 0 || srcOffset > src.length - n) {
            throw new IllegalArgumentException("copyFromHost: " + n + " floats from offset " + srcOffset
                    + " do not fit in an array of " + src.length);
        }
        dst.hostBuffer().put(0, src, srcOffset, n);
    }

    @Override
    public void copyToHost(Tensor src, float[] dst, int dstOffset) {
        check("copyToHost", src);
        int n = Math.toIntExact(src.numel());
        if (dstOffset < 0 || dstOffset > dst.length - n) {
            throw new IllegalArgumentException("copyToHost: " + n + " floats to offset " + dstOffset
                    + " do not fit in an array of " + dst.length);
        }
        ctx.await();
        src.hostBuffer().get(0, dst, dstOffset, n);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        check("copy", src, dst);
        requireSameSize("copy", src, dst);
        dst.hostBuffer().put(0, src.hostBuffer(), 0, Math.toIntExact(src.numel()));
    }

    @Override
    public void synchronize() {
        ensureOpen("synchronize");
        ctx.await();
    }

    @Override
    public long memoryInUse() {
        return Pointer.totalBytes();
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @Override
    public void fill(Tensor t, float value) {
        check("fill", t);
        FloatBuffer b = t.hostBuffer();
        loops.run(b.capacity(), (from, to, k) -> HostLoops.fill(b, value, from, to, k));
    }

    @Override
    public void scale(Tensor t, float alpha) {
        check("scale", t);
        FloatBuffer b = t.hostBuffer();
        loops.run(b.capacity(), (from, to, k) -> HostLoops.scale(b, alpha, from, to, k));
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        check("axpy", x, y);
        requireSameSize("axpy", x, y);
        FloatBuffer xb = x.hostBuffer();
        FloatBuffer yb = y.hostBuffer();
        loops.run(xb.capacity(), (from, to, k) -> HostLoops.axpy(alpha, xb, yb, from, to, k));
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        check("add", a, b, out);
        requireSameSize("add", a, b);
        requireSameSize("add", a, out);
        FloatBuffer ab = a.hostBuffer();
        FloatBuffer bb = b.hostBuffer();
        FloatBuffer ob = out.hostBuffer();
        loops.run(ab.capacity(), (from, to, k) -> HostLoops.add(ab, bb, ob, from, to, k));
    }

    @Override
    public double sumOfSquares(Tensor t) {
        check("sumOfSquares", t);
        FloatBuffer b = t.hostBuffer();
        return loops.sum(b.capacity(), (from, to, k) -> HostLoops.sumOfSquares(b, from, to, k));
    }

    // ---- convolution ---------------------------------------------------------------------------

    @Override
    public void conv2dForward(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor y) {
        String op = "conv2dForward";
        check(op, x, w, y);
        Shape out = spec.outputShape(op, x.shape(), w.shape());
        Shape.require(op, "y", y.shape(), out);
        if (bias != null) {
            check(op, bias);
            Shape.require(op, "bias", bias.shape(), Shape.of(w.shape().dim(0)));
        }
        Convolution.Geometry g = new Convolution.Geometry(x.shape(), w.shape(), spec);
        plans.get(new Convolution.ForwardKey(g, bias != null)).run(x, w, bias, y);
    }

    @Override
    public void conv2dBackwardData(Tensor dy, Tensor w, Conv2dSpec spec, Tensor dx) {
        String op = "conv2dBackwardData";
        check(op, dy, w, dx);
        Shape.require(op, "dy", dy.shape(), spec.outputShape(op, dx.shape(), w.shape()));
        Convolution.Geometry g = new Convolution.Geometry(dx.shape(), w.shape(), spec);
        plans.get(new Convolution.BackwardDataKey(g)).run(dy, w, dx);
    }

    @Override
    public void conv2dBackwardWeights(Tensor x, Tensor dy, Conv2dSpec spec, Tensor dw, Tensor dbias) {
        String op = "conv2dBackwardWeights";
        check(op, x, dy, dw);
        Shape.require(op, "dy", dy.shape(), spec.outputShape(op, x.shape(), dw.shape()));
        if (dbias != null) {
            check(op, dbias);
            Shape.require(op, "dbias", dbias.shape(), Shape.of(dw.shape().dim(0)));
        }
        Convolution.Geometry g = new Convolution.Geometry(x.shape(), dw.shape(), spec);
        plans.get(new Convolution.BackwardWeightsKey(g, dbias != null)).run(x, dy, dw, dbias);
    }

    // ---- pooling -------------------------------------------------------------------------------

    @Override
    public Shape pool2dWorkspaceShape(Pool2dSpec spec, Shape x) {
        ensureOpen("pool2dWorkspaceShape");
        spec.outputShape("pool2dWorkspaceShape", x);
        if (spec.kind() != Pool2dSpec.Kind.MAX) {
            return Shape.of(0);
        }
        long bytes = plans.get(new Pooling.Key(x, spec, Pooling.Pass.TRAINING)).workspaceBytes;
        return Shape.of(Math.toIntExact((bytes + Float.BYTES - 1) / Float.BYTES));
    }

    @Override
    public void pool2dForward(Tensor x, Pool2dSpec spec, Tensor y, Tensor workspace) {
        String op = "pool2dForward";
        check(op, x, y);
        Shape.require(op, "y", y.shape(), spec.outputShape(op, x.shape()));
        Pooling.Pass pass = workspace == null ? Pooling.Pass.INFERENCE : Pooling.Pass.TRAINING;
        Pooling.Prepared plan = plans.get(new Pooling.Key(x.shape(), spec, pass));
        requireWorkspace(op, workspace, plan.workspaceBytes, spec, x.shape());
        plan.run(x, y, workspace);
    }

    @Override
    public void pool2dBackward(Tensor x, Tensor y, Tensor dy, Pool2dSpec spec, Tensor workspace, Tensor dx) {
        String op = "pool2dBackward";
        check(op, x, y, dy, dx);
        Shape out = spec.outputShape(op, x.shape());
        Shape.require(op, "y", y.shape(), out);
        Shape.require(op, "dy", dy.shape(), out);
        Shape.require(op, "dx", dx.shape(), x.shape());
        Pooling.Prepared plan = plans.get(new Pooling.Key(x.shape(), spec, Pooling.Pass.BACKWARD));
        requireWorkspace(op, workspace, plan.workspaceBytes, spec, x.shape());
        plan.run(dy, dx, workspace);
    }

    private void requireWorkspace(String op, Tensor workspace, long bytes, Pool2dSpec spec, Shape x) {
        if (bytes == 0) {
            return;
        }
        if (workspace == null) {
            throw new IllegalArgumentException(op + ": max pooling needs the workspace of its training forward, got null");
        }
        check(op, workspace);
        if (workspace.numel() * Float.BYTES < bytes) {
            throw new IllegalArgumentException(op + ": workspace has shape " + workspace.shape() + ", expected at least "
                    + pool2dWorkspaceShape(spec, x));
        }
    }

    // ---- batch normalisation ------------------------------------------------------------------------

    @Override
    public void batchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                         float momentum, float eps, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        String op = "batchNormForwardTraining";
        check(op, x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd);
        Shape c = channels(op, x, eps);
        requireChannels(op, c, "gamma", gamma, "beta", beta, "runningMean", runningMean, "runningVar", runningVar,
                "saveMean", saveMean, "saveInvStd", saveInvStd);
        Shape.require(op, "y", y.shape(), x.shape());
        if (x.numel() / x.shape().dim(1) < 2) {
            throw new IllegalArgumentException(op + ": expected more than 1 value per channel when training, got input "
                    + x.shape());
        }
        plans.get(new BatchNorm.TrainingKey(new BatchNorm.Geometry(x.shape(), eps)))
                .run(x, gamma, beta, runningMean, runningVar, momentum, eps, y, saveMean, saveInvStd);
    }

    @Override
    public void batchNormForwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                          float eps, Tensor y) {
        String op = "batchNormForwardInference";
        check(op, x, gamma, beta, runningMean, runningVar, y);
        Shape c = channels(op, x, eps);
        requireChannels(op, c, "gamma", gamma, "beta", beta, "runningMean", runningMean, "runningVar", runningVar);
        Shape.require(op, "y", y.shape(), x.shape());
        plans.get(new BatchNorm.InferenceKey(new BatchNorm.Geometry(x.shape(), eps)))
                .run(x, gamma, beta, runningMean, runningVar, y);
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, float eps,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = "batchNormBackward";
        check(op, x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);
        Shape c = channels(op, x, eps);
        requireChannels(op, c, "gamma", gamma, "saveMean", saveMean, "saveInvStd", saveInvStd, "dgamma", dgamma,
                "dbeta", dbeta);
        Shape.require(op, "dy", dy.shape(), x.shape());
        Shape.require(op, "dx", dx.shape(), x.shape());
        plans.get(new BatchNorm.BackwardKey(new BatchNorm.Geometry(x.shape(), eps)))
                .run(x, dy, gamma, saveMean, saveInvStd, eps, dx, dgamma, dbeta);
    }

    private static Shape channels(String op, Tensor x, float eps) {
        Shape.requireRank(op, "x", x.shape(), 4);
        if (!(eps >= 0f) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException(op + ": eps must be a finite number >= 0, got " + eps);
        }
        return Shape.of(x.shape().dim(1));
    }

    private static void requireChannels(String op, Shape c, Object... namesAndTensors) {
        for (int i = 0; i < namesAndTensors.length; i += 2) {
            Shape.require(op, (String) namesAndTensors[i], ((Tensor) namesAndTensors[i + 1]).shape(), c);
        }
    }

    // ---- linear --------------------------------------------------------------------------------

    @Override
    public void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y) {
        String op = "linearForward";
        check(op, x, w, y);
        Shape.requireRank(op, "x", x.shape(), 2);
        Shape.requireRank(op, "w", w.shape(), 2);
        int n = x.shape().dim(0);
        int in = x.shape().dim(1);
        int out = w.shape().dim(0);
        Shape.require(op, "w", w.shape(), Shape.of(out, in));
        Shape.require(op, "y", y.shape(), Shape.of(n, out));
        if (bias != null) {
            check(op, bias);
            Shape.require(op, "bias", bias.shape(), Shape.of(out));
        }
        plans.get(new Linear.Key(n, in, out, bias != null, Linear.Pass.FORWARD)).run(x, w, bias, y);
    }

    @Override
    public void linearBackwardData(Tensor dy, Tensor w, Tensor dx) {
        String op = "linearBackwardData";
        check(op, dy, w, dx);
        Shape.requireRank(op, "dy", dy.shape(), 2);
        Shape.requireRank(op, "w", w.shape(), 2);
        int n = dy.shape().dim(0);
        int out = w.shape().dim(0);
        int in = w.shape().dim(1);
        Shape.require(op, "dy", dy.shape(), Shape.of(n, out));
        Shape.require(op, "dx", dx.shape(), Shape.of(n, in));
        plans.get(new Linear.Key(n, in, out, false, Linear.Pass.BACKWARD_DATA)).run(dy, w, null, dx);
    }

    @Override
    public void linearBackwardWeights(Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        String op = "linearBackwardWeights";
        check(op, x, dy, dw);
        Shape.requireRank(op, "x", x.shape(), 2);
        Shape.requireRank(op, "dw", dw.shape(), 2);
        int n = x.shape().dim(0);
        int in = x.shape().dim(1);
        int out = dw.shape().dim(0);
        Shape.require(op, "dw", dw.shape(), Shape.of(out, in));
        Shape.require(op, "dy", dy.shape(), Shape.of(n, out));
        if (dbias != null) {
            check(op, dbias);
            Shape.require(op, "dbias", dbias.shape(), Shape.of(out));
        }
        plans.get(new Linear.Key(n, in, out, false, Linear.Pass.BACKWARD_WEIGHTS)).run(dy, x, null, dw);
        if (dbias != null) {
            Linear.accumulateBiasGradient(dy, dbias);
        }
    }

    // ---- activations and regularisation ---------------------------------------------------------

    @Override
    public void reluForward(Tensor x, Tensor y) {
        check("reluForward", x, y);
        Shape.require("reluForward", "y", y.shape(), x.shape());
        plans.get(new Relu.Key(x.numel(), false)).forward(x, y);
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        check("reluBackward", y, dy, dx);
        Shape.require("reluBackward", "dy", dy.shape(), y.shape());
        Shape.require("reluBackward", "dx", dx.shape(), y.shape());
        plans.get(new Relu.Key(y.numel(), true)).backward(y, dy, dx);
    }

    @Override
    public void dropoutForward(Tensor x, float p, long seed, Tensor mask, Tensor y) {
        String op = "dropoutForward";
        check(op, x, mask, y);
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException(op + ": p must be in [0, 1], got " + p);
        }
        Shape.require(op, "mask", mask.shape(), x.shape());
        Shape.require(op, "y", y.shape(), x.shape());
        FloatBuffer xb = x.hostBuffer();
        FloatBuffer mb = mask.hostBuffer();
        FloatBuffer yb = y.hostBuffer();
        loops.run(xb.capacity(), (from, to, k) -> HostLoops.dropoutForward(xb, p, seed, mb, yb, from, to));
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) {
        String op = "dropoutBackward";
        check(op, dy, mask, dx);
        Shape.require(op, "mask", mask.shape(), dy.shape());
        Shape.require(op, "dx", dx.shape(), dy.shape());
        FloatBuffer g = dy.hostBuffer();
        FloatBuffer m = mask.hostBuffer();
        FloatBuffer d = dx.hostBuffer();
        loops.run(g.capacity(), (from, to, k) -> HostLoops.multiply(g, m, d, from, to, k));
    }

    // ---- loss ----------------------------------------------------------------------------------

    @Override
    public double softmaxCrossEntropy(Tensor logits, int[] labels, float gradScale, Tensor dlogits) {
        String op = "softmaxCrossEntropy";
        check(op, logits);
        Shape.requireRank(op, "logits", logits.shape(), 2);
        int n = logits.shape().dim(0);
        int k = logits.shape().dim(1);
        if (labels.length != n) {
            throw new IllegalArgumentException(op + ": " + labels.length + " labels for " + n + " rows of logits "
                    + logits.shape());
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException(op + ": label " + i + " is " + labels[i] + ", expected a class in [0, "
                        + k + ")");
            }
        }
        if (dlogits != null) {
            check(op, dlogits);
            Shape.require(op, "dlogits", dlogits.shape(), logits.shape());
        }
        if (n == 0) {
            throw new IllegalArgumentException(op + ": logits " + logits.shape() + " have no rows");
        }
        return HostLoops.softmaxCrossEntropy(logits.hostBuffer(), n, k, labels, gradScale,
                dlogits == null ? null : dlogits.hostBuffer());
    }

    // ---- optimizer updates over flat buffers ------------------------------------------------------

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay,
                        boolean nesterov) {
        String op = "sgdStep";
        check(op, param, grad);
        requireSameSize(op, param, grad);
        if (momentum != 0f) {
            if (velocity == null) {
                throw new IllegalArgumentException(op + ": momentum " + momentum + " needs a velocity buffer, got null");
            }
            check(op, velocity);
            requireSameSize(op, param, velocity);
        }
        FloatBuffer p = param.hostBuffer();
        FloatBuffer g = grad.hostBuffer();
        FloatBuffer v = momentum != 0f ? velocity.hostBuffer() : null;
        loops.run(p.capacity(),
                (from, to, k) -> Optimizers.sgd(p, g, v, lr, momentum, weightDecay, nesterov, from, to, k));
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, boolean decoupled, long step) {
        String op = "adamStep";
        check(op, param, grad, m, v);
        requireSameSize(op, param, grad);
        requireSameSize(op, param, m);
        requireSameSize(op, param, v);
        if (step < 1) {
            throw new IllegalArgumentException(op + ": step counts from 1, got " + step);
        }
        float stepSize = (float) (lr / (1.0 - Math.pow(beta1, step)));
        float bc2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, step));
        FloatBuffer pb = param.hostBuffer();
        FloatBuffer gb = grad.hostBuffer();
        FloatBuffer mb = m.hostBuffer();
        FloatBuffer vb = v.hostBuffer();
        loops.run(pb.capacity(), (from, to, k) -> Optimizers.adam(pb, gb, mb, vb, lr, beta1, beta2, eps, weightDecay,
                decoupled, stepSize, bc2Sqrt, from, to, k));
    }

    // ---- input ---------------------------------------------------------------------------------

    @Override
    public void imagesToTensor(HostBuffer pixels, int n, int height, int width, float[] mean, float[] std, Tensor dst) {
        String op = "imagesToTensor";
        check(op, dst);
        Shape.require(op, "dst", dst.shape(), Shape.of(n, 3, height, width));
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException(op + ": mean and std need 3 values (RGB), got " + mean.length + " and "
                    + std.length);
        }
        long needed = (long) n * height * width * 3;
        if (pixels.capacity() < needed) {
            throw new IllegalArgumentException(op + ": " + n + " images of " + height + "x" + width + "x3 need " + needed
                    + " bytes, the buffer has " + pixels.capacity());
        }
        HostLoops.imagesToTensor(pixels.buffer(), n, height, width, mean, std, dst.hostBuffer());
    }

    // ---- lifetime --------------------------------------------------------------------------------

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            plans.close();
            loops.close();
            ctx.close();
        }
    }

    private void ensureOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": the CPU backend is closed");
        }
    }

    /** Open backend, tensors present, open and on the CPU; before any native call. */
    private void check(String op, Tensor... tensors) {
        ensureOpen(op);
        for (Tensor t : tensors) {
            if (t == null) {
                throw new IllegalArgumentException(op + ": a required tensor is null");
            }
            t.ensureOpen(op);
            if (!t.device().isCpu()) {
                throw new IllegalArgumentException(op + ": tensor " + t.shape() + " lives on " + t.device()
                        + ", expected cpu");
            }
        }
    }

    private static void requireSameSize(String op, Tensor a, Tensor b) {
        if (a.numel() != b.numel()) {
            throw new IllegalArgumentException(op + ": sizes differ: " + a.shape() + " (" + a.numel() + " elements) and "
                    + b.shape() + " (" + b.numel() + " elements)");
        }
    }
}
