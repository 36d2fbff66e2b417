package dev.gargoyle.reference;

import dev.gargoyle.tensor.Backend;
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
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.BytePointer;

/**
 * Backend ops made of the float64 reference ops over host memory, rounding to float32 only where
 * tensors are written. It exists to test the parity harness itself: the harness must pass it
 * (anything else is a harness bug), and a harness change can be tried without a real backend. Like
 * every backend it runs behind the checked {@link Backend}, which is what {@link #create()} returns.
 */
public final class ReferenceBackend implements BackendOps {
    private final MemoryLedger ledger = new MemoryLedger();

    /** The bare ops, for tests that wrap them; {@link #create()} gives the checked backend. */
    public ReferenceBackend() {
    }

    /** A checked backend over the reference ops. */
    public static Backend create() {
        return Backend.of(new ReferenceBackend());
    }

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
    public Memory allocate(long bytes) {
        return ledger.track(new HostMemory(bytes));
    }

    @Override
    public Memory allocateHostBuffer(long bytes) {
        return ledger.track(new HostMemory(bytes));
    }

    @Override
    public void copyFromHost(float[] src, int srcOffset, NativeTensor dst) {
        dst.hostBuffer().put(0, src, srcOffset, Math.toIntExact(dst.numel()));
    }

    @Override
    public void copyToHost(NativeTensor src, float[] dst, int dstOffset) {
        src.hostBuffer().get(0, dst, dstOffset, Math.toIntExact(src.numel()));
    }

    @Override
    public void copy(NativeTensor src, NativeTensor dst) {
        put("copy", dst, get("copy", src));
    }

    @Override
    public void synchronize() {
        // Every op has finished when it returns.
    }

    @Override
    public long memoryInUse() {
        return ledger.bytes();
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @Override
    public void fill(NativeTensor t, float value) {
        double[] v = new double[Math.toIntExact(t.numel())];
        java.util.Arrays.fill(v, value);
        put("fill", t, v);
    }

    @Override
    public void scale(NativeTensor t, float alpha) {
        put("scale", t, ElementwiseRef.scale(get("scale", t), alpha));
    }

    @Override
    public void axpy(float alpha, NativeTensor x, NativeTensor y) {
        put("axpy", y, ElementwiseRef.axpy(alpha, get("axpy", x), get("axpy", y)));
    }

    @Override
    public void add(NativeTensor a, NativeTensor b, NativeTensor out) {
        put("add", out, ElementwiseRef.add(get("add", a), get("add", b)));
    }

    @Override
    public double sumOfSquares(NativeTensor t) {
        return ElementwiseRef.sumOfSquares(get("sumOfSquares", t));
    }

    // ---- convolution ---------------------------------------------------------------------------

    @Override
    public void conv2dForward(NativeTensor x, NativeTensor w, NativeTensor bias, Conv2dSpec spec, NativeTensor y) {
        String op = "conv2dForward";
        if (bias != null) {
            Shape.require(op, "bias", bias.shape(), Shape.of(w.shape().dim(0)));
        }
        put(op, y, Conv2dRef.forward(get(op, x), x.shape(), get(op, w), w.shape(), bias == null ? null : get(op, bias),
                spec));
    }

    @Override
    public void conv2dBackwardData(NativeTensor dy, NativeTensor w, Conv2dSpec spec, NativeTensor dx) {
        String op = "conv2dBackwardData";
        put(op, dx, Conv2dRef.backwardData(get(op, dy), get(op, w), w.shape(), spec, dx.shape()));
    }

    @Override
    public void conv2dBackwardWeights(NativeTensor x, NativeTensor dy, Conv2dSpec spec, NativeTensor dw,
                                      NativeTensor dbias) {
        String op = "conv2dBackwardWeights";
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
    public long pool2dWorkspaceBytes(Pool2dSpec spec, Shape x) {
        return 0;
    }

    @Override
    public void pool2dForward(NativeTensor x, Pool2dSpec spec, NativeTensor y, NativeTensor workspace) {
        String op = "pool2dForward";
        put(op, y, Pool2dRef.forward(get(op, x), x.shape(), spec));
    }

    @Override
    public void pool2dBackward(NativeTensor x, NativeTensor y, NativeTensor dy, Pool2dSpec spec,
                               NativeTensor workspace, NativeTensor dx) {
        String op = "pool2dBackward";
        put(op, dx, Pool2dRef.backward(get(op, x), x.shape(), spec, get(op, dy)));
    }

    // ---- batch normalisation -------------------------------------------------------------------

    @Override
    public void batchNormForwardTraining(NativeTensor x, NativeTensor gamma, NativeTensor beta,
                                         NativeTensor runningMean, NativeTensor runningVar, float momentum, float eps,
                                         NativeTensor y, NativeTensor saveMean, NativeTensor saveInvStd) {
        String op = "batchNormForwardTraining";
        BatchNormRef.Training t = BatchNormRef.forwardTraining(get(op, x), x.shape(), get(op, gamma), get(op, beta),
                get(op, runningMean), get(op, runningVar), momentum, eps);
        put(op, y, t.y());
        put(op, saveMean, t.saveMean());
        put(op, saveInvStd, t.saveInvStd());
        put(op, runningMean, t.runningMean());
        put(op, runningVar, t.runningVar());
    }

    @Override
    public void batchNormForwardInference(NativeTensor x, NativeTensor gamma, NativeTensor beta,
                                          NativeTensor runningMean, NativeTensor runningVar, float eps,
                                          NativeTensor y) {
        String op = "batchNormForwardInference";
        put(op, y, BatchNormRef.forwardInference(get(op, x), x.shape(), get(op, gamma), get(op, beta),
                get(op, runningMean), get(op, runningVar), eps));
    }

    @Override
    public void batchNormBackward(NativeTensor x, NativeTensor dy, NativeTensor gamma, NativeTensor saveMean,
                                  NativeTensor saveInvStd, float eps, NativeTensor dx, NativeTensor dgamma,
                                  NativeTensor dbeta) {
        String op = "batchNormBackward";
        BatchNormRef.Grads g = BatchNormRef.backward(get(op, x), x.shape(), get(op, dy), get(op, gamma),
                get(op, saveMean), get(op, saveInvStd));
        put(op, dx, g.dx());
        accumulate(op, dgamma, g.dgamma());
        accumulate(op, dbeta, g.dbeta());
    }

    // ---- linear --------------------------------------------------------------------------------

    @Override
    public void linearForward(NativeTensor x, NativeTensor w, NativeTensor bias, NativeTensor y) {
        String op = "linearForward";
        int n = x.shape().dim(0), in = w.shape().dim(1), out = w.shape().dim(0);
        if (bias != null) {
            Shape.require(op, "bias", bias.shape(), Shape.of(out));
        }
        put(op, y, LinearRef.forward(get(op, x), n, in, get(op, w), out, bias == null ? null : get(op, bias)));
    }

    @Override
    public void linearBackwardData(NativeTensor dy, NativeTensor w, NativeTensor dx) {
        String op = "linearBackwardData";
        int n = dx.shape().dim(0), in = w.shape().dim(1), out = w.shape().dim(0);
        put(op, dx, LinearRef.backwardData(get(op, dy), n, get(op, w), out, in));
    }

    @Override
    public void linearBackwardWeights(NativeTensor x, NativeTensor dy, NativeTensor dw, NativeTensor dbias) {
        String op = "linearBackwardWeights";
        int n = x.shape().dim(0), in = dw.shape().dim(1), out = dw.shape().dim(0);
        double[] g = get(op, dy);
        accumulate(op, dw, LinearRef.backwardWeights(get(op, x), n, in, g, out));
        if (dbias != null) {
            Shape.require(op, "dbias", dbias.shape(), Shape.of(out));
            accumulate(op, dbias, LinearRef.backwardBias(g, n, out));
        }
    }

    // ---- activations and regularisation ---------------------------------------------------------

    @Override
    public void reluForward(NativeTensor x, NativeTensor y) {
        put("reluForward", y, ActivationRef.reluForward(get("reluForward", x)));
    }

    @Override
    public void reluBackward(NativeTensor y, NativeTensor dy, NativeTensor dx) {
        put("reluBackward", dx, ActivationRef.reluBackward(get("reluBackward", y), get("reluBackward", dy)));
    }

    @Override
    public void dropoutForward(NativeTensor x, float p, long seed, NativeTensor mask, NativeTensor y) {
        String op = "dropoutForward";
        double[] m = ActivationRef.dropoutMask(Math.toIntExact(x.numel()), p, seed);
        put(op, mask, m);
        put(op, y, ActivationRef.dropoutForward(get(op, x), m));
    }

    @Override
    public void dropoutBackward(NativeTensor dy, NativeTensor mask, NativeTensor dx) {
        String op = "dropoutBackward";
        put(op, dx, ActivationRef.dropoutBackward(get(op, dy), get(op, mask)));
    }

    // ---- loss ----------------------------------------------------------------------------------

    @Override
    public double softmaxCrossEntropy(NativeTensor logits, int[] labels, float[] classWeights, double totalWeight,
                                      float gradScale, NativeTensor dlogits) {
        String op = "softmaxCrossEntropy";
        int n = logits.shape().dim(0), k = logits.shape().dim(1);
        double[] weights = null;
        if (classWeights != null) {
            weights = new double[k];
            for (int c = 0; c < k; c++) {
                weights[c] = classWeights[c];
            }
        }
        double[] l = get(op, logits);
        if (dlogits != null) {
            put(op, dlogits, SoftmaxCrossEntropyRef.gradient(l, n, k, labels, weights, gradScale));
        }
        return SoftmaxCrossEntropyRef.loss(l, n, k, labels, weights);
    }

    // ---- optimizer updates ---------------------------------------------------------------------

    @Override
    public void sgdStep(NativeTensor param, NativeTensor grad, NativeTensor velocity, float lr, float momentum,
                        float weightDecay, boolean nesterov, boolean zeroGrad) {
        String op = "sgdStep";
        double[] p = get(op, param), v = null;
        if (momentum != 0) {
            v = get(op, velocity);
        }
        OptimizerRef.sgdStep(p, get(op, grad), v, lr, momentum, weightDecay, nesterov);
        put(op, param, p);
        if (v != null) {
            put(op, velocity, v);
        }
        if (zeroGrad) {
            put(op, grad, new double[(int) grad.numel()]);
        }
    }

    @Override
    public void adamStep(NativeTensor param, NativeTensor grad, NativeTensor m, NativeTensor v, float lr, float beta1,
                         float beta2, float eps, float weightDecay, boolean decoupled, long step,
                         boolean zeroGrad) {
        String op = "adamStep";
        double[] p = get(op, param), mv = get(op, m), vv = get(op, v);
        OptimizerRef.adamStep(p, get(op, grad), mv, vv, lr, beta1, beta2, eps, weightDecay, decoupled, step);
        put(op, param, p);
        put(op, m, mv);
        put(op, v, vv);
        if (zeroGrad) {
            put(op, grad, new double[(int) grad.numel()]);
        }
    }

    // ---- input ---------------------------------------------------------------------------------

    @Override
    public void imagesToTensor(Memory pixels, int n, int height, int width, float[] mean, float[] std,
                               NativeTensor dst) {
        byte[] b = new byte[Math.toIntExact((long) n * height * width * 3)];
        ByteBuffer source = new BytePointer(pixels.address()).capacity(pixels.bytes()).limit(pixels.bytes())
                .asBuffer();
        source.get(0, b);
        put("imagesToTensor", dst, InputRef.imagesToTensor(b, n, height, width, mean, std));
    }

    @Override
    public void close() {
        // Nothing native beyond the tensors, which their owners close.
    }

    // ---- tensors as float64 arrays -------------------------------------------------------------

    private static double[] get(String op, NativeTensor t) {
        FloatBuffer f = t.hostBuffer();
        double[] out = new double[Math.toIntExact(t.numel())];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.get(i);
        }
        return out;
    }

    private static void put(String op, NativeTensor t, double[] values) {
        FloatBuffer f = t.hostBuffer();
        for (int i = 0; i < values.length; i++) {
            f.put(i, (float) values[i]);
        }
    }

    private static void accumulate(String op, NativeTensor t, double[] delta) {
        double[] v = get(op, t);
        for (int i = 0; i < v.length; i++) {
            v[i] += delta[i];
        }
        put(op, t, v);
    }
}
