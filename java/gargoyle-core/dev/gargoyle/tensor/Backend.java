package dev.gargoyle.tensor;

import dev.gargoyle.tensor.spi.BackendOps;
import dev.gargoyle.tensor.spi.NativeTensor;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one list of ops every device implements (oneDNN on the CPU, cuDNN and cuBLAS on CUDA), each
 * forward next to its backward, with PyTorch's semantics so weights and numbers move between the two.
 * Get one from {@link Backends#create}; close it after the tensors made by it.
 *
 * <p><b>The gradient rule.</b> Backward ops <em>overwrite</em> activation gradients ({@code dx = ...})
 * and <em>accumulate</em> into parameter gradients ({@code dw += ...}, {@code dbias += ...}). Gradient
 * accumulation over micro-batches rests on this: zero the parameter gradients once, then run
 * backward several times.
 *
 * <p><b>The contract, checked here once for every device.</b> All tensors passed to one call must
 * have been made by this backend and be open; outputs are written in place and must not alias
 * inputs unless a method says so. Shape mismatches throw {@link IllegalArgumentException} naming the
 * op, the operand, the expected and the actual shape; a closed backend or tensor throws
 * {@link IllegalStateException}. Layer inputs need at least one channel (or feature); a batch of
 * zero samples does nothing, except in the two ops that need samples (batch-norm training and the
 * loss), which refuse it. A device failure is a {@link BackendException}.
 *
 * <p><b>One thread.</b> A backend belongs to the thread that first runs an op on it; any other
 * thread gets an {@link IllegalStateException} at once (make one backend per thread).
 * {@link #device()}, {@link #describe()} and {@link #memoryInUse()} may be read from any thread.
 */
public final class Backend implements AutoCloseable {
    private final BackendOps ops;
    private final AtomicReference<Thread> owner = new AtomicReference<>();
    private volatile boolean closed;

    private Backend(BackendOps ops) {
        this.ops = ops;
    }

    /** For backend implementations and tests: the checked backend around {@code ops}, which it takes over. */
    public static Backend of(BackendOps ops) {
        return new Backend(ops);
    }

    public Device device() {
        return ops.device();
    }

    /** One line for logs, e.g. {@code oneDNN 3.11.0 (AVX-512), 2 threads}. */
    public String describe() {
        return ops.describe();
    }

    /** A device-specific interface of this backend (e.g. the CUDA backend's algorithm tuning), if it has one. */
    public <T> Optional<T> extension(Class<T> type) {
        enter("extension");
        return ops.extension(type);
    }

    // ---- memory -------------------------------------------------------------------------------

    /** A new zero-filled tensor owning its memory on this device. */
    public Tensor allocate(Shape shape) {
        enter("allocate");
        if (shape == null) {
            throw new IllegalArgumentException("allocate: shape is null");
        }
        return Tensor.owning(this, ops.allocate(shape.numel() * Float.BYTES), shape);
    }

    /**
     * For communicators (the engines behind {@code dev.gargoyle.dist.Communicator}): the native side
     * of {@code t}, after the checks every op makes, so that MPI or NCCL can read and write its memory.
     */
    public NativeTensor collectiveView(String op, Tensor t) {
        NativeTensor view = at(op, "tensor", t);
        ops.expose(view);
        return view;
    }

    /** A staging buffer for host-to-device copies (page-locked where the device benefits). */
    public HostBuffer allocateHostBuffer(long bytes) {
        enter("allocateHostBuffer");
        if (bytes < 0 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("allocateHostBuffer: expected 0 to " + Integer.MAX_VALUE
                    + " bytes (one Java buffer), got " + bytes);
        }
        return new HostBuffer(ops.allocateHostBuffer(bytes));
    }

    /** Copies {@code dst.numel()} floats from {@code src[srcOffset..]} into {@code dst}. */
    public void copyFromHost(float[] src, int srcOffset, Tensor dst) {
        String op = "copyFromHost";
        NativeTensor d = at(op, "dst", dst);
        Operands.hostRange(op, src, srcOffset, dst);
        if (dst.numel() > 0) {
            ops.copyFromHost(src, srcOffset, d);
        }
    }

    /** Copies all of {@code src} into {@code dst[dstOffset..]}; waits for pending work. */
    public void copyToHost(Tensor src, float[] dst, int dstOffset) {
        String op = "copyToHost";
        NativeTensor s = at(op, "src", src);
        Operands.hostRange(op, dst, dstOffset, src);
        if (src.numel() > 0) {
            ops.copyToHost(s, dst, dstOffset);
        }
    }

    /** {@code dst = src}; equal sizes. */
    public void copy(Tensor src, Tensor dst) {
        String op = "copy";
        NativeTensor s = at(op, "src", src);
        NativeTensor d = at(op, "dst", dst);
        Operands.sameSize(op, "src", src, "dst", dst);
        if (src.numel() > 0) {
            ops.copy(s, d);
        }
    }

    /** Waits until all queued work on this backend has finished. */
    public void synchronize() {
        enter("synchronize");
        ops.synchronize();
    }

    /** Native bytes this backend holds now (its tensors, buffers, caches, workspaces), for leak checks. */
    public long memoryInUse() {
        if (closed) {
            throw new IllegalStateException("memoryInUse: the " + device() + " backend is closed");
        }
        return ops.memoryInUse();
    }

    // ---- elementwise ---------------------------------------------------------------------------

    /** {@code t = value} everywhere. */
    public void fill(Tensor t, float value) {
        NativeTensor n = at("fill", "t", t);
        if (t.numel() > 0) {
            ops.fill(n, value);
        }
    }

    /** {@code t *= alpha}. */
    public void scale(Tensor t, float alpha) {
        NativeTensor n = at("scale", "t", t);
        if (t.numel() > 0) {
            ops.scale(n, alpha);
        }
    }

    /** {@code y += alpha * x}; equal sizes. */
    public void axpy(float alpha, Tensor x, Tensor y) {
        String op = "axpy";
        NativeTensor xn = at(op, "x", x);
        NativeTensor yn = at(op, "y", y);
        Operands.sameSize(op, "x", x, "y", y);
        if (x.numel() > 0) {
            ops.axpy(alpha, xn, yn);
        }
    }

    /** {@code out = a + b}; equal sizes; {@code out} may be {@code a} or {@code b}. */
    public void add(Tensor a, Tensor b, Tensor out) {
        String op = "add";
        NativeTensor an = at(op, "a", a);
        NativeTensor bn = at(op, "b", b);
        NativeTensor on = at(op, "out", out);
        Operands.sameSize(op, "a", a, "b", b);
        Operands.sameSize(op, "a", a, "out", out);
        if (a.numel() > 0) {
            ops.add(an, bn, on);
        }
    }

    /** The sum of squares of all elements, accumulated in double precision where the device allows. */
    public double sumOfSquares(Tensor t) {
        NativeTensor n = at("sumOfSquares", "t", t);
        return t.numel() == 0 ? 0.0 : ops.sumOfSquares(n);
    }

    // ---- convolution ---------------------------------------------------------------------------

    /**
     * {@code y = conv(x, w) + bias}: x {@code [N,C,H,W]}, w {@code [K,C/g,R,S]}, bias {@code [K]} or
     * null, y {@code [N,K,P,Q]} overwritten.
     */
    public void conv2dForward(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor y) {
        String op = "conv2dForward";
        Operands.present(op, "spec", spec);
        NativeTensor xn = at(op, "x", x);
        NativeTensor wn = at(op, "w", w);
        NativeTensor bn = optional(op, "bias", bias);
        NativeTensor yn = at(op, "y", y);
        Operands.features(op, "x", x.shape());
        Operands.nonEmpty(op, "w", w.shape());
        Shape.require(op, "y", y.shape(), spec.outputShape(op, x.shape(), w.shape()));
        if (bias != null) {
            Shape.require(op, "bias", bias.shape(), Shape.of(w.shape().dim(0)));
        }
        if (y.numel() > 0) {
            ops.conv2dForward(xn, wn, bn, spec, yn);
        }
    }

    /** Activation gradient, overwritten: {@code dx = conv_backward_data(dy, w)}. */
    public void conv2dBackwardData(Tensor dy, Tensor w, Conv2dSpec spec, Tensor dx) {
        String op = "conv2dBackwardData";
        Operands.present(op, "spec", spec);
        NativeTensor dyn = at(op, "dy", dy);
        NativeTensor wn = at(op, "w", w);
        NativeTensor dxn = at(op, "dx", dx);
        Operands.features(op, "dx", dx.shape());
        Operands.nonEmpty(op, "w", w.shape());
        Shape.require(op, "dy", dy.shape(), spec.outputShape(op, dx.shape(), w.shape()));
        if (dx.numel() > 0) {
            ops.conv2dBackwardData(dyn, wn, spec, dxn);
        }
    }

    /**
     * Parameter gradients, accumulated: {@code dw += conv_backward_filter(x, dy)} and, when
     * {@code dbias} is not null, {@code dbias += sum of dy over N, P, Q}.
     */
    public void conv2dBackwardWeights(Tensor x, Tensor dy, Conv2dSpec spec, Tensor dw, Tensor dbias) {
        String op = "conv2dBackwardWeights";
        Operands.present(op, "spec", spec);
        NativeTensor xn = at(op, "x", x);
        NativeTensor dyn = at(op, "dy", dy);
        NativeTensor dwn = at(op, "dw", dw);
        NativeTensor dbn = optional(op, "dbias", dbias);
        Operands.features(op, "x", x.shape());
        Operands.nonEmpty(op, "dw", dw.shape());
        Shape.require(op, "dy", dy.shape(), spec.outputShape(op, x.shape(), dw.shape()));
        if (dbias != null) {
            Shape.require(op, "dbias", dbias.shape(), Shape.of(dw.shape().dim(0)));
        }
        if (dy.numel() > 0) {
            ops.conv2dBackwardWeights(xn, dyn, spec, dwn, dbn);
        }
    }

    // ---- pooling -------------------------------------------------------------------------------

    /**
     * The workspace a training forward of max pooling keeps for its backward ({@code [0]} when none
     * is needed); a longer tensor may be passed.
     */
    public Shape pool2dWorkspaceShape(Pool2dSpec spec, Shape x) {
        String op = "pool2dWorkspaceShape";
        enter(op);
        Operands.present(op, "spec", spec);
        Operands.present(op, "x", x);
        Operands.features(op, "x", x);
        spec.outputShape(op, x);
        return Shape.of(Math.toIntExact((workspaceBytes(spec, x) + Float.BYTES - 1) / Float.BYTES));
    }

    /**
     * {@code y = pool(x)}. With a non-null {@code workspace} this is a training forward that records
     * what {@link #pool2dBackward} needs; with null it is inference.
     */
    public void pool2dForward(Tensor x, Pool2dSpec spec, Tensor y, Tensor workspace) {
        String op = "pool2dForward";
        Operands.present(op, "spec", spec);
        NativeTensor xn = at(op, "x", x);
        NativeTensor yn = at(op, "y", y);
        NativeTensor wsn = optional(op, "workspace", workspace);
        Operands.features(op, "x", x.shape());
        Shape.require(op, "y", y.shape(), spec.outputShape(op, x.shape()));
        if (workspace != null) {
            requireWorkspace(op, workspace, spec, x.shape());
        }
        if (y.numel() > 0) {
            ops.pool2dForward(xn, spec, yn, wsn);
        }
    }

    /**
     * Activation gradient, overwritten: {@code dx = pool_backward(dy)}, given the forward's input,
     * output and workspace. For max pooling a tie goes to the first maximum in the window.
     */
    public void pool2dBackward(Tensor x, Tensor y, Tensor dy, Pool2dSpec spec, Tensor workspace, Tensor dx) {
        String op = "pool2dBackward";
        Operands.present(op, "spec", spec);
        NativeTensor xn = at(op, "x", x);
        NativeTensor yn = at(op, "y", y);
        NativeTensor dyn = at(op, "dy", dy);
        NativeTensor wsn = optional(op, "workspace", workspace);
        NativeTensor dxn = at(op, "dx", dx);
        Operands.features(op, "x", x.shape());
        Shape out = spec.outputShape(op, x.shape());
        Shape.require(op, "y", y.shape(), out);
        Shape.require(op, "dy", dy.shape(), out);
        Shape.require(op, "dx", dx.shape(), x.shape());
        requireWorkspace(op, workspace, spec, x.shape());
        if (dx.numel() > 0) {
            ops.pool2dBackward(xn, yn, dyn, spec, wsn, dxn);
        }
    }

    private long workspaceBytes(Pool2dSpec spec, Shape x) {
        return spec.kind() == Pool2dSpec.Kind.MAX && x.numel() > 0 ? ops.pool2dWorkspaceBytes(spec, x) : 0;
    }

    private void requireWorkspace(String op, Tensor workspace, Pool2dSpec spec, Shape x) {
        long bytes = workspaceBytes(spec, x);
        if (bytes == 0) {
            return;
        }
        if (workspace == null) {
            throw new IllegalArgumentException(op + ": max pooling needs the workspace of its training forward, "
                    + "got null");
        }
        if (workspace.numel() * Float.BYTES < bytes) {
            throw new IllegalArgumentException(op + ": workspace has shape " + workspace.shape()
                    + ", expected at least [" + (bytes + Float.BYTES - 1) / Float.BYTES + "]");
        }
    }

    // ---- batch normalisation (spatial, over N, H, W per channel) ------------------------------------

    /**
     * Training forward: normalises with the batch mean and biased variance; writes
     * {@code saveMean} and {@code saveInvStd = 1/sqrt(var + eps)} (each {@code [C]}) for backward;
     * updates {@code running = (1 - momentum)·running + momentum·batch}, using the unbiased variance
     * (times {@code n/(n-1)}, n = N·H·W) for {@code runningVar}.
     */
    public void batchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                         float momentum, float eps, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        forwardTraining("batchNormForwardTraining", x, gamma, beta, runningMean, runningVar, momentum, eps, y,
                saveMean, saveInvStd, null, false);
    }

    /** Inference forward with the running statistics. */
    public void batchNormForwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                          float eps, Tensor y) {
        forwardInference("batchNormForwardInference", x, gamma, beta, runningMean, runningVar, eps, y, false);
    }

    /**
     * Backward of the training forward: {@code dx} overwritten; {@code dgamma += ...} and
     * {@code dbeta += ...} accumulated.
     */
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, float eps,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        backward("batchNormBackward", x, null, dy, gamma, saveMean, saveInvStd, eps, null, dx, dgamma, dbeta);
    }

    // ---- batch normalisation followed by ReLU, one pass where the device fuses them ------------------

    /**
     * The workspace {@link #batchNormReluForwardTraining} keeps for {@link #batchNormReluBackward};
     * a longer tensor may be passed.
     */
    public Shape batchNormReluWorkspaceShape(Shape x) {
        String op = "batchNormReluWorkspaceShape";
        enter(op);
        Operands.present(op, "x", x);
        Operands.channels(op, x, 0f);
        return Shape.of(Math.toIntExact((batchNormReluWorkspaceBytes(x) + Float.BYTES - 1) / Float.BYTES));
    }

    /**
     * {@link #batchNormForwardTraining} and then {@code y = max(y, 0)} as {@link #reluForward}
     * (NaN stays NaN); {@code workspace} records what {@link #batchNormReluBackward} needs.
     */
    public void batchNormReluForwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                             Tensor runningVar, float momentum, float eps, Tensor y, Tensor saveMean,
                                             Tensor saveInvStd, Tensor workspace) {
        forwardTraining("batchNormReluForwardTraining", x, gamma, beta, runningMean, runningVar, momentum, eps, y,
                saveMean, saveInvStd, workspace, true);
    }

    /** {@link #batchNormForwardInference} and then ReLU, as {@link #batchNormReluForwardTraining}. */
    public void batchNormReluForwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                              Tensor runningVar, float eps, Tensor y) {
        forwardInference("batchNormReluForwardInference", x, gamma, beta, runningMean, runningVar, eps, y, true);
    }

    /**
     * Backward of {@link #batchNormReluForwardTraining} from its input {@code x}, output {@code y}
     * and workspace, {@code dy} being the gradient of {@code y}: {@link #batchNormBackward} of
     * {@code dy} masked as {@link #reluBackward} masks it.
     */
    public void batchNormReluBackward(Tensor x, Tensor y, Tensor dy, Tensor gamma, Tensor saveMean,
                                      Tensor saveInvStd, float eps, Tensor workspace, Tensor dx, Tensor dgamma,
                                      Tensor dbeta) {
        if (y == null) {
            throw new IllegalArgumentException("batchNormReluBackward: y is null");
        }
        backward("batchNormReluBackward", x, y, dy, gamma, saveMean, saveInvStd, eps, workspace, dx, dgamma, dbeta);
    }

    private long batchNormReluWorkspaceBytes(Shape x) {
        return x.numel() > 0 ? ops.batchNormReluWorkspaceBytes(x) : 0;
    }

    private void forwardTraining(String op, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                 Tensor runningVar, float momentum, float eps, Tensor y, Tensor saveMean,
                                 Tensor saveInvStd, Tensor workspace, boolean relu) {
        NativeTensor xn = at(op, "x", x);
        Shape c = Operands.channels(op, x.shape(), eps);
        NativeTensor gn = perChannel(op, "gamma", gamma, c);
        NativeTensor bn = perChannel(op, "beta", beta, c);
        NativeTensor rm = perChannel(op, "runningMean", runningMean, c);
        NativeTensor rv = perChannel(op, "runningVar", runningVar, c);
        NativeTensor yn = at(op, "y", y);
        NativeTensor sm = perChannel(op, "saveMean", saveMean, c);
        NativeTensor si = perChannel(op, "saveInvStd", saveInvStd, c);
        Shape.require(op, "y", y.shape(), x.shape());
        if (x.numel() / c.dim(0) < 2) {
            // The unbiased running variance divides by n - 1; PyTorch refuses this case too.
            throw new IllegalArgumentException(op + ": expected more than 1 value per channel when training, got x "
                    + x.shape());
        }
        if (relu) {
            NativeTensor wsn = batchNormReluWorkspace(op, workspace, x.shape());
            ops.batchNormReluForwardTraining(xn, gn, bn, rm, rv, momentum, eps, yn, sm, si, wsn);
        } else {
            ops.batchNormForwardTraining(xn, gn, bn, rm, rv, momentum, eps, yn, sm, si);
        }
    }

    private void forwardInference(String op, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                  Tensor runningVar, float eps, Tensor y, boolean relu) {
        NativeTensor xn = at(op, "x", x);
        Shape c = Operands.channels(op, x.shape(), eps);
        NativeTensor gn = perChannel(op, "gamma", gamma, c);
        NativeTensor bn = perChannel(op, "beta", beta, c);
        NativeTensor rm = perChannel(op, "runningMean", runningMean, c);
        NativeTensor rv = perChannel(op, "runningVar", runningVar, c);
        NativeTensor yn = at(op, "y", y);
        Shape.require(op, "y", y.shape(), x.shape());
        if (x.numel() == 0) {
            return;
        }
        if (relu) {
            ops.batchNormReluForwardInference(xn, gn, bn, rm, rv, eps, yn);
        } else {
            ops.batchNormForwardInference(xn, gn, bn, rm, rv, eps, yn);
        }
    }

    /** With {@code y} non-null, the backward of batch-norm with ReLU. */
    private void backward(String op, Tensor x, Tensor y, Tensor dy, Tensor gamma, Tensor saveMean,
                          Tensor saveInvStd, float eps, Tensor workspace, Tensor dx, Tensor dgamma, Tensor dbeta) {
        NativeTensor xn = at(op, "x", x);
        Shape c = Operands.channels(op, x.shape(), eps);
        NativeTensor yn = optional(op, "y", y);
        NativeTensor dyn = at(op, "dy", dy);
        NativeTensor gn = perChannel(op, "gamma", gamma, c);
        NativeTensor sm = perChannel(op, "saveMean", saveMean, c);
        NativeTensor si = perChannel(op, "saveInvStd", saveInvStd, c);
        NativeTensor dxn = at(op, "dx", dx);
        NativeTensor dgn = perChannel(op, "dgamma", dgamma, c);
        NativeTensor dbn = perChannel(op, "dbeta", dbeta, c);
        Shape.require(op, "dy", dy.shape(), x.shape());
        Shape.require(op, "dx", dx.shape(), x.shape());
        if (y != null) {
            Shape.require(op, "y", y.shape(), x.shape());
        }
        if (x.numel() == 0) {
            return;
        }
        if (y != null) {
            NativeTensor wsn = batchNormReluWorkspace(op, workspace, x.shape());
            ops.batchNormReluBackward(xn, yn, dyn, gn, sm, si, eps, wsn, dxn, dgn, dbn);
        } else {
            ops.batchNormBackward(xn, dyn, gn, sm, si, eps, dxn, dgn, dbn);
        }
    }

    private NativeTensor batchNormReluWorkspace(String op, Tensor workspace, Shape x) {
        long bytes = batchNormReluWorkspaceBytes(x);
        if (workspace == null) {
            throw new IllegalArgumentException(op + ": batch-norm with ReLU needs the workspace of its training "
                    + "forward, got null");
        }
        NativeTensor wsn = at(op, "workspace", workspace);
        if (workspace.numel() * Float.BYTES < bytes) {
            throw new IllegalArgumentException(op + ": workspace has shape " + workspace.shape()
                    + ", expected at least [" + (bytes + Float.BYTES - 1) / Float.BYTES + "]");
        }
        return wsn;
    }

    private NativeTensor perChannel(String op, String operand, Tensor t, Shape channels) {
        NativeTensor n = at(op, operand, t);
        Shape.require(op, operand, t.shape(), channels);
        return n;
    }

    // ---- linear --------------------------------------------------------------------------------

    /**
     * {@code y = x·wᵀ + bias}: x {@code [N,in]}, w {@code [out,in]}, bias {@code [out]} or null,
     * y {@code [N,out]}.
     */
    public void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y) {
        String op = "linearForward";
        NativeTensor xn = at(op, "x", x);
        NativeTensor wn = at(op, "w", w);
        NativeTensor bn = optional(op, "bias", bias);
        NativeTensor yn = at(op, "y", y);
        Shape.requireRank(op, "x", x.shape(), 2);
        Operands.matrix(op, "w", w.shape());
        int n = x.shape().dim(0);
        int out = w.shape().dim(0);
        Shape.require(op, "x", x.shape(), Shape.of(n, w.shape().dim(1)));
        Shape.require(op, "y", y.shape(), Shape.of(n, out));
        if (bias != null) {
            Shape.require(op, "bias", bias.shape(), Shape.of(out));
        }
        if (y.numel() > 0) {
            ops.linearForward(xn, wn, bn, yn);
        }
    }

    /** Activation gradient, overwritten: {@code dx = dy·w}. */
    public void linearBackwardData(Tensor dy, Tensor w, Tensor dx) {
        String op = "linearBackwardData";
        NativeTensor dyn = at(op, "dy", dy);
        NativeTensor wn = at(op, "w", w);
        NativeTensor dxn = at(op, "dx", dx);
        Shape.requireRank(op, "dy", dy.shape(), 2);
        Operands.matrix(op, "w", w.shape());
        int n = dy.shape().dim(0);
        Shape.require(op, "dy", dy.shape(), Shape.of(n, w.shape().dim(0)));
        Shape.require(op, "dx", dx.shape(), Shape.of(n, w.shape().dim(1)));
        if (dx.numel() > 0) {
            ops.linearBackwardData(dyn, wn, dxn);
        }
    }

    /** Parameter gradients, accumulated: {@code dw += dyᵀ·x}; {@code dbias += sum of dy over N} unless null. */
    public void linearBackwardWeights(Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        String op = "linearBackwardWeights";
        NativeTensor xn = at(op, "x", x);
        NativeTensor dyn = at(op, "dy", dy);
        NativeTensor dwn = at(op, "dw", dw);
        NativeTensor dbn = optional(op, "dbias", dbias);
        Shape.requireRank(op, "x", x.shape(), 2);
        Operands.matrix(op, "dw", dw.shape());
        int n = x.shape().dim(0);
        int out = dw.shape().dim(0);
        Shape.require(op, "x", x.shape(), Shape.of(n, dw.shape().dim(1)));
        Shape.require(op, "dy", dy.shape(), Shape.of(n, out));
        if (dbias != null) {
            Shape.require(op, "dbias", dbias.shape(), Shape.of(out));
        }
        if (n > 0) {
            ops.linearBackwardWeights(xn, dyn, dwn, dbn);
        }
    }

    // ---- activations and regularisation ---------------------------------------------------------

    /** {@code y = max(x, 0)}; {@code y} may be {@code x}. */
    public void reluForward(Tensor x, Tensor y) {
        String op = "reluForward";
        NativeTensor xn = at(op, "x", x);
        NativeTensor yn = at(op, "y", y);
        Shape.require(op, "y", y.shape(), x.shape());
        if (x.numel() > 0) {
            ops.reluForward(xn, yn);
        }
    }

    /**
     * Activation gradient, overwritten: {@code dx = dy · (y > 0)}, from the forward's output;
     * {@code dx} may be {@code dy}.
     */
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        String op = "reluBackward";
        NativeTensor yn = at(op, "y", y);
        NativeTensor dyn = at(op, "dy", dy);
        NativeTensor dxn = at(op, "dx", dx);
        Shape.require(op, "dy", dy.shape(), y.shape());
        Shape.require(op, "dx", dx.shape(), y.shape());
        if (y.numel() > 0) {
            ops.reluBackward(yn, dyn, dxn);
        }
    }

    /**
     * Inverted dropout: {@code mask[i] = u(seed, i) >= p ? 1/(1-p) : 0} with {@code u} from
     * {@link DropoutRandom#uniform} (the same on every backend), then {@code y = x · mask}.
     */
    public void dropoutForward(Tensor x, float p, long seed, Tensor mask, Tensor y) {
        String op = "dropoutForward";
        NativeTensor xn = at(op, "x", x);
        NativeTensor mn = at(op, "mask", mask);
        NativeTensor yn = at(op, "y", y);
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException(op + ": p must be in [0, 1], got " + p);
        }
        Shape.require(op, "mask", mask.shape(), x.shape());
        Shape.require(op, "y", y.shape(), x.shape());
        if (x.numel() > 0) {
            ops.dropoutForward(xn, p, seed, mn, yn);
        }
    }

    /** Activation gradient, overwritten: {@code dx = dy · mask}. */
    public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) {
        String op = "dropoutBackward";
        NativeTensor dyn = at(op, "dy", dy);
        NativeTensor mn = at(op, "mask", mask);
        NativeTensor dxn = at(op, "dx", dx);
        Shape.require(op, "mask", mask.shape(), dy.shape());
        Shape.require(op, "dx", dx.shape(), dy.shape());
        if (dy.numel() > 0) {
            ops.dropoutBackward(dyn, mn, dxn);
        }
    }

    // ---- loss ----------------------------------------------------------------------------------

    /**
     * Softmax cross-entropy of logits {@code [N,K]} against integer labels: returns the mean loss
     * over N and, when {@code dlogits} is not null, overwrites it with
     * {@code gradScale · (softmax(logits) - onehot(labels)) / N}, the gradient of
     * {@code gradScale · meanLoss}.
     *
     * @throws IllegalArgumentException if a label is outside {@code [0, K)}, naming its index
     */
    public double softmaxCrossEntropy(Tensor logits, int[] labels, float gradScale, Tensor dlogits) {
        return softmaxCrossEntropy(logits, labels, null, gradScale, dlogits);
    }

    /**
     * Class-weighted softmax cross-entropy as PyTorch's {@code CrossEntropyLoss(weight=classWeights)}:
     * returns {@code sum_i w[label_i]·loss_i / sum_i w[label_i]} and, when {@code dlogits} is not null,
     * overwrites row i with {@code gradScale · w[label_i] · (softmax - onehot) / sum_i w[label_i]}.
     * {@code classWeights} null is the plain mean; otherwise K finite weights >= 0 whose sum over the
     * rows' labels is positive.
     */
    public double softmaxCrossEntropy(Tensor logits, int[] labels, float[] classWeights, float gradScale,
                                      Tensor dlogits) {
        String op = "softmaxCrossEntropy";
        NativeTensor ln = at(op, "logits", logits);
        NativeTensor dn = optional(op, "dlogits", dlogits);
        Shape.requireRank(op, "logits", logits.shape(), 2);
        if (dlogits != null) {
            Shape.require(op, "dlogits", dlogits.shape(), logits.shape());
        }
        int n = logits.shape().dim(0);
        int k = logits.shape().dim(1);
        Operands.labels(op, labels, n, k);
        double total = classWeights == null ? n : Operands.totalWeight(op, classWeights, labels, k);
        return ops.softmaxCrossEntropy(ln, labels, classWeights == null ? null : classWeights.clone(), total,
                gradScale, dn);
    }

    // ---- optimizer updates over flat buffers ------------------------------------------------------

    /**
     * One SGD step as PyTorch's {@code torch.optim.SGD} (dampening 0): {@code g = grad + wd·param};
     * with momentum {@code v = momentum·v + g} and {@code g = nesterov ? g + momentum·v : v};
     * {@code param -= lr·g}. {@code velocity} may be null when momentum is 0.
     */
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay,
                        boolean nesterov) {
        sgdStep(param, grad, velocity, lr, momentum, weightDecay, nesterov, false);
    }

    /** {@link #sgdStep}, then {@code grad = 0} when {@code zeroGrad}: one pass over the buffers where the device can. */
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay,
                        boolean nesterov, boolean zeroGrad) {
        String op = "sgdStep";
        NativeTensor pn = at(op, "param", param);
        NativeTensor gn = at(op, "grad", grad);
        Operands.sameSize(op, "param", param, "grad", grad);
        NativeTensor vn = null;
        if (momentum != 0f) {
            if (velocity == null) {
                throw new IllegalArgumentException(op + ": momentum " + momentum
                        + " needs a velocity buffer, got null");
            }
            vn = at(op, "velocity", velocity);
            Operands.sameSize(op, "param", param, "velocity", velocity);
        }
        if (param.numel() > 0) {
            ops.sgdStep(pn, gn, vn, lr, momentum, weightDecay, nesterov, zeroGrad);
        }
    }

    /**
     * One Adam step as {@code torch.optim.Adam} ({@code decoupled=false}, L2 added to the gradient)
     * or {@code torch.optim.AdamW} ({@code decoupled=true}, {@code param *= 1 - lr·wd}); {@code step}
     * counts from 1 and sets the bias corrections.
     */
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, boolean decoupled, long step) {
        adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step, false);
    }

    /** {@link #adamStep}, then {@code grad = 0} when {@code zeroGrad}: one pass over the buffers where the device can. */
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, boolean decoupled, long step, boolean zeroGrad) {
        String op = "adamStep";
        NativeTensor pn = at(op, "param", param);
        NativeTensor gn = at(op, "grad", grad);
        NativeTensor mn = at(op, "m", m);
        NativeTensor vn = at(op, "v", v);
        Operands.sameSize(op, "param", param, "grad", grad);
        Operands.sameSize(op, "param", param, "m", m);
        Operands.sameSize(op, "param", param, "v", v);
        if (step < 1) {
            throw new IllegalArgumentException(op + ": step counts from 1, got " + step);
        }
        if (param.numel() > 0) {
            ops.adamStep(pn, gn, mn, vn, lr, beta1, beta2, eps, weightDecay, decoupled, step, zeroGrad);
        }
    }

    // ---- input ---------------------------------------------------------------------------------

    /**
     * Turns {@code n} uint8 RGB images, each {@code height × width × 3} (HWC) and packed one after
     * another in {@code pixels}, into {@code dst [n,3,height,width]} with
     * {@code (pixel/255 - mean[c]) / std[c]}. It returns once {@code pixels} may be refilled.
     */
    public void imagesToTensor(HostBuffer pixels, int n, int height, int width, float[] mean, float[] std, Tensor dst) {
        String op = "imagesToTensor";
        NativeTensor d = at(op, "dst", dst);
        Operands.images(op, pixels, n, height, width, mean, std, dst.shape());
        if (n > 0) {
            ops.imagesToTensor(pixels.memory(), n, height, width, mean.clone(), std.clone(), d);
        }
    }

    // ---- lifetime ------------------------------------------------------------------------------

    /** Frees every native resource of this backend; tensors made by it must be closed first. */
    @Override
    public void close() {
        if (!closed) {
            enter("close");
            closed = true;
            ops.close();
        }
    }

    /** Open, and called from the thread this backend belongs to (the first one to use it). */
    private void enter(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": the " + device() + " backend is closed");
        }
        Thread current = Thread.currentThread();
        Thread first = owner.get();
        if (first != current && (first != null || !owner.compareAndSet(null, current))) {
            throw new IllegalStateException(op + ": this " + device() + " backend belongs to thread '"
                    + owner.get().getName() + "', the first to use it, and was called from thread '"
                    + current.getName() + "'; use one backend per thread");
        }
    }

    /** The native side of {@code t}, after checking the backend, and that {@code t} is present, open and ours. */
    private NativeTensor at(String op, String operand, Tensor t) {
        enter(op);
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + operand + " is null");
        }
        if (t.backend() != this) {
            throw new IllegalArgumentException(op + ": " + operand + " " + t + " was made by another backend, not this "
                    + device() + " one");
        }
        t.ensureOpen(op);
        return t.nativeTensor();
    }

    private NativeTensor optional(String op, String operand, Tensor t) {
        return t == null ? null : at(op, operand, t);
    }
}
