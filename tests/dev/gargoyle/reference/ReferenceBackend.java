package dev.gargoyle.reference;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.HostBuffer;
import dev.gargoyle.tensor.HostMemory;
import dev.gargoyle.tensor.Memory;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Pointer;

/**
 * A {@link Backend} made of the float64 reference ops over host memory, rounding to float32 only
 * where tensors are written. It exists to test the parity harness itself: the harness must pass it
 * (anything else is a harness bug), and a harness change can be tried without a real backend.
 */
public final class ReferenceBackend implements Backend {
    private long inUse;

    @Override
    public Device device() {
        return Device.cpu();
    }

    @Override
    public String describe() {
        return "float64 reference (plain Java loops)";
    }

    // ---- memory -------------------------------------------------------------------------------

    @Override
    public Tensor allocate(Shape shape) {
        return Tensor.owning(this, new Counted(new HostMemory(shape.numel() * Float.BYTES)), shape);
    }

    /** Host memory that keeps {@link #memoryInUse} up to date. */
    private final class Counted implements Memory {
        private final HostMemory memory;

        Counted(HostMemory memory) {
            this.memory = memory;
            inUse += memory.bytes();
        }

        @Override
        public Pointer address() {
            return memory.address();
        }

        @Override
        public long bytes() {
            return memory.bytes();
        }

        @Override
        public boolean isClosed() {
            return memory.isClosed();
        }

        @Override
        public void close() {
            if (!memory.isClosed()) {
                inUse -= memory.bytes();
                memory.close();
            }
        }
    }

    @Override
    public HostBuffer allocateHostBuffer(long bytes) {
        return new HostBuffer(new HostMemory(bytes));
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, Tensor dst) {
        dst.ensureOpen("copyFromHost");
        dst.hostBuffer().put(0, src, srcOffset, Math.toIntExact(dst.numel()));
    }

    @Override
    public void copyToHost(Tensor src, float[] dst, int dstOffset) {
        src.ensureOpen("copyToHost");
        src.hostBuffer().get(0, dst, dstOffset, Math.toIntExact(src.numel()));
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        sameSize("copy", src, dst);
        put("copy", dst, get("copy", src));
    }

    @Override
    public void synchronize() {
        // Every op has finished when it returns.
    }

    @Override
    public long memoryInUse() {
        return inUse;
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @Override
    public void fill(Tensor t, float value) {
        double[] v = new double[Math.toIntExact(t.numel())];
        java.util.Arrays.fill(v, value);
        put("fill", t, v);
    }

    @Override
    public void scale(Tensor t, float alpha) {
        put("scale", t, ElementwiseRef.scale(get("scale", t), alpha));
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        sameSize("axpy", x, y);
        put("axpy", y, ElementwiseRef.axpy(alpha, get("axpy", x), get("axpy", y)));
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        sameSize("add", a, b);
        sameSize("add", a, out);
        put("add", out, ElementwiseRef.add(get("add", a), get("add", b)));
    }

    @Override
    public double sumOfSquares(Tensor t) {
        return ElementwiseRef.sumOfSquares(get("sumOfSquares", t));
    }

    // ---- convolution ---------------------------------------------------------------------------

    @Override
    public void conv2dForward(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor y) {
        String op = "conv2dForward";
        open(op, x, w, bias, y);
        Shape.require(op, "y", y.shape(), spec.outputShape(op, x.shape(), w.shape()));
        if (bias != null) {
            Shape.require(op, "bias", bias.shape(), Shape.of(w.shape().dim(0)));
        }
        put(op, y, Conv2dRef.forward(get(op, x), x.shape(), get(op, w), w.shape(), bias == null ? null : get(op, bias),
                spec));
    }

    @Override
    public void conv2dBackwardData(Tensor dy, Tensor w, Conv2dSpec spec, Tensor dx) {
        String op = "conv2dBackwardData";
        open(op, dy, w, dx);
        Shape.require(op, "dy", dy.shape(), spec.outputShape(op, dx.shape(), w.shape()));
        put(op, dx, Conv2dRef.backwardData(get(op, dy), get(op, w), w.shape(), spec, dx.shape()));
    }

    @Override
    public void conv2dBackwardWeights(Tensor x, Tensor dy, Conv2dSpec spec, Tensor dw, Tensor dbias) {
        String op = "conv2dBackwardWeights";
        open(op, x, dy, dw, dbias);
        Shape.require(op, "dy", dy.shape(), spec.outputShape(op, x.shape(), dw.shape()));
        double[] g = get(op, dy);
        accumulate(op, dw, Conv2dRef.backwardWeights(get(op, x), x.shape(), g, spec, dw.shape()));
        if (dbias != null) {
            Shape.require(op, "dbias", dbias.shape(), Shape.of(dw.shape().dim(0)));
            accumulate(op, dbias, Conv2dRef.backwardBias(g, dy.shape()));
        }
    }

    // ---- pooling -------------------------------------------------------------------------------

    /** None: the reference backward finds the maximum again from x. */
    @Override
    public Shape pool2dWorkspaceShape(Pool2dSpec spec, Shape x) {
        return Shape.of(0);
    }

    @Override
    public void pool2dForward(Tensor x, Pool2dSpec spec, Tensor y, Tensor workspace) {
        String op = "pool2dForward";
        open(op, x, y, workspace);
        Shape.require(op, "y", y.shape(), spec.outputShape(op, x.shape()));
        put(op, y, Pool2dRef.forward(get(op, x), x.shape(), spec));
    }

    @Override
    public void pool2dBackward(Tensor x, Tensor y, Tensor dy, Pool2dSpec spec, Tensor workspace, Tensor dx) {
        String op = "pool2dBackward";
        open(op, x, y, dy, workspace, dx);
        Shape ys = spec.outputShape(op, x.shape());
        Shape.require(op, "y", y.shape(), ys);
        Shape.require(op, "dy", dy.shape(), ys);
        Shape.require(op, "dx", dx.shape(), x.shape());
        put(op, dx, Pool2dRef.backward(get(op, x), x.shape(), spec, get(op, dy)));
    }

    // ---- batch normalisation -------------------------------------------------------------------

    @Override
    public void batchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                         float momentum, float eps, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        String op = "batchNormForwardTraining";
        open(op, x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd);
        channels(op, x, y, gamma, beta, runningMean, runningVar, saveMean, saveInvStd);
        BatchNormRef.Training t = BatchNormRef.forwardTraining(get(op, x), x.shape(), get(op, gamma), get(op, beta),
                get(op, runningMean), get(op, runningVar), momentum, eps);
        put(op, y, t.y());
        put(op, saveMean, t.saveMean());
        put(op, saveInvStd, t.saveInvStd());
        put(op, runningMean, t.runningMean());
        put(op, runningVar, t.runningVar());
    }

    @Override
    public void batchNormForwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                          float eps, Tensor y) {
        String op = "batchNormForwardInference";
        open(op, x, gamma, beta, runningMean, runningVar, y);
        channels(op, x, y, gamma, beta, runningMean, runningVar);
        put(op, y, BatchNormRef.forwardInference(get(op, x), x.shape(), get(op, gamma), get(op, beta),
                get(op, runningMean), get(op, runningVar), eps));
    }

    @Override
    public void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, float eps,
                                  Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = "batchNormBackward";
        open(op, x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);
        channels(op, x, dx, gamma, saveMean, saveInvStd, dgamma, dbeta);
        Shape.require(op, "dy", dy.shape(), x.shape());
        BatchNormRef.Grads g = BatchNormRef.backward(get(op, x), x.shape(), get(op, dy), get(op, gamma),
                get(op, saveMean), get(op, saveInvStd));
        put(op, dx, g.dx());
        accumulate(op, dgamma, g.dgamma());
        accumulate(op, dbeta, g.dbeta());
    }

    /** x is {@code [N,C,H,W]}, {@code like} has x's shape and every vector is {@code [C]}. */
    private static void channels(String op, Tensor x, Tensor like, Tensor... vectors) {
        Shape.requireRank(op, "x", x.shape(), 4);
        Shape.require(op, "output", like.shape(), x.shape());
        for (Tensor v : vectors) {
            Shape.require(op, "per-channel vector", v.shape(), Shape.of(x.shape().dim(1)));
        }
    }

    // ---- linear --------------------------------------------------------------------------------

    @Override
    public void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y) {
        String op = "linearForward";
        open(op, x, w, bias, y);
        int n = rows(op, x, w, 1), in = w.shape().dim(1), out = w.shape().dim(0);
        Shape.require(op, "y", y.shape(), Shape.of(n, out));
        if (bias != null) {
            Shape.require(op, "bias", bias.shape(), Shape.of(out));
        }
        put(op, y, LinearRef.forward(get(op, x), n, in, get(op, w), out, bias == null ? null : get(op, bias)));
    }

    @Override
    public void linearBackwardData(Tensor dy, Tensor w, Tensor dx) {
        String op = "linearBackwardData";
        open(op, dy, w, dx);
        int n = rows(op, dx, w, 1), in = w.shape().dim(1), out = w.shape().dim(0);
        Shape.require(op, "dy", dy.shape(), Shape.of(n, out));
        put(op, dx, LinearRef.backwardData(get(op, dy), n, get(op, w), out, in));
    }

    @Override
    public void linearBackwardWeights(Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        String op = "linearBackwardWeights";
        open(op, x, dy, dw, dbias);
        int n = rows(op, x, dw, 1), in = dw.shape().dim(1), out = dw.shape().dim(0);
        Shape.require(op, "dy", dy.shape(), Shape.of(n, out));
        double[] g = get(op, dy);
        accumulate(op, dw, LinearRef.backwardWeights(get(op, x), n, in, g, out));
        if (dbias != null) {
            Shape.require(op, "dbias", dbias.shape(), Shape.of(out));
            accumulate(op, dbias, LinearRef.backwardBias(g, n, out));
        }
    }

    /** The batch size of {@code x [N,in]} against {@code w [out,in]}. */
    private static int rows(String op, Tensor x, Tensor w, int inDim) {
        Shape.requireRank(op, "x", x.shape(), 2);
        Shape.requireRank(op, "w", w.shape(), 2);
        if (x.shape().dim(1) != w.shape().dim(inDim)) {
            throw new IllegalArgumentException(op + ": x " + x.shape() + " has " + x.shape().dim(1)
                    + " features, weights " + w.shape() + " expect " + w.shape().dim(inDim));
        }
        return x.shape().dim(0);
    }

    // ---- activations and regularisation ---------------------------------------------------------

    @Override
    public void reluForward(Tensor x, Tensor y) {
        sameSize("reluForward", x, y);
        put("reluForward", y, ActivationRef.reluForward(get("reluForward", x)));
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        sameSize("reluBackward", y, dy);
        sameSize("reluBackward", y, dx);
        put("reluBackward", dx, ActivationRef.reluBackward(get("reluBackward", y), get("reluBackward", dy)));
    }

    @Override
    public void dropoutForward(Tensor x, float p, long seed, Tensor mask, Tensor y) {
        String op = "dropoutForward";
        sameSize(op, x, mask);
        sameSize(op, x, y);
        double[] m = ActivationRef.dropoutMask(Math.toIntExact(x.numel()), p, seed);
        put(op, mask, m);
        put(op, y, ActivationRef.dropoutForward(get(op, x), m));
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) {
        String op = "dropoutBackward";
        sameSize(op, dy, mask);
        sameSize(op, dy, dx);
        put(op, dx, ActivationRef.dropoutBackward(get(op, dy), get(op, mask)));
    }

    // ---- loss ----------------------------------------------------------------------------------

    @Override
    public double softmaxCrossEntropy(Tensor logits, int[] labels, float gradScale, Tensor dlogits) {
        String op = "softmaxCrossEntropy";
        open(op, logits, dlogits);
        Shape.requireRank(op, "logits", logits.shape(), 2);
        int n = logits.shape().dim(0), k = logits.shape().dim(1);
        if (labels.length != n) {
            throw new IllegalArgumentException(op + ": " + labels.length + " labels for " + n + " rows of logits");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= k) {
                throw new IllegalArgumentException(op + ": label " + labels[i] + " at index " + i
                        + " is outside [0, " + k + ")");
            }
        }
        double[] l = get(op, logits);
        if (dlogits != null) {
            Shape.require(op, "dlogits", dlogits.shape(), logits.shape());
            put(op, dlogits, SoftmaxCrossEntropyRef.gradient(l, n, k, labels, gradScale));
        }
        return SoftmaxCrossEntropyRef.loss(l, n, k, labels);
    }

    // ---- optimizer updates ---------------------------------------------------------------------

    @Override
    public void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay,
                        boolean nesterov) {
        String op = "sgdStep";
        sameSize(op, param, grad);
        double[] p = get(op, param), v = null;
        if (momentum != 0) {
            if (velocity == null) {
                throw new IllegalArgumentException(op + ": momentum " + momentum + " needs a velocity buffer");
            }
            sameSize(op, param, velocity);
            v = get(op, velocity);
        }
        OptimizerRef.sgdStep(p, get(op, grad), v, lr, momentum, weightDecay, nesterov);
        put(op, param, p);
        if (v != null) {
            put(op, velocity, v);
        }
    }

    @Override
    public void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, boolean decoupled, long step) {
        String op = "adamStep";
        sameSize(op, param, grad);
        sameSize(op, param, m);
        sameSize(op, param, v);
        if (step < 1) {
            throw new IllegalArgumentException(op + ": step counts from 1, got " + step);
        }
        double[] p = get(op, param), mv = get(op, m), vv = get(op, v);
        OptimizerRef.adamStep(p, get(op, grad), mv, vv, lr, beta1, beta2, eps, weightDecay, decoupled, step);
        put(op, param, p);
        put(op, m, mv);
        put(op, v, vv);
    }

    // ---- input ---------------------------------------------------------------------------------

    @Override
    public void imagesToTensor(HostBuffer pixels, int n, int height, int width, float[] mean, float[] std, Tensor dst) {
        String op = "imagesToTensor";
        open(op, dst);
        Shape.require(op, "dst", dst.shape(), Shape.of(n, 3, height, width));
        long bytes = (long) n * height * width * 3;
        if (pixels.capacity() < bytes) {
            throw new IllegalArgumentException(op + ": " + n + " images of " + height + "x" + width + "x3 need "
                    + bytes + " bytes, the buffer holds " + pixels.capacity());
        }
        byte[] b = new byte[Math.toIntExact(bytes)];
        ByteBuffer source = pixels.buffer().duplicate();
        source.get(0, b);
        put(op, dst, InputRef.imagesToTensor(b, n, height, width, mean, std));
    }

    @Override
    public void close() {
        // Nothing native beyond the tensors, which their owners close.
    }

    // ---- tensors as float64 arrays -------------------------------------------------------------

    private static void open(String op, Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null) {
                t.ensureOpen(op);
            }
        }
    }

    private static void sameSize(String op, Tensor a, Tensor b) {
        open(op, a, b);
        if (a.numel() != b.numel()) {
            throw new IllegalArgumentException(op + ": sizes differ, " + a.shape() + " and " + b.shape());
        }
    }

    private static double[] get(String op, Tensor t) {
        t.ensureOpen(op);
        FloatBuffer f = t.hostBuffer();
        double[] out = new double[Math.toIntExact(t.numel())];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.get(i);
        }
        return out;
    }

    private static void put(String op, Tensor t, double[] values) {
        t.ensureOpen(op);
        FloatBuffer f = t.hostBuffer();
        for (int i = 0; i < values.length; i++) {
            f.put(i, (float) values[i]);
        }
    }

    private static void accumulate(String op, Tensor t, double[] delta) {
        double[] v = get(op, t);
        for (int i = 0; i < v.length; i++) {
            v[i] += delta[i];
        }
        put(op, t, v);
    }
}
