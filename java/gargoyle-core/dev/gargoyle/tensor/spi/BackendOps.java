package dev.gargoyle.tensor.spi;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.Optional;

/**
 * What a device implements: the ops of {@link dev.gargoyle.tensor.Backend}, with the same names and
 * semantics, called only after the Backend has checked everything it can without the device (open,
 * present, owned by this backend, shapes, sizes, ranges, labels), from one thread at a time, and
 * never with an empty output (those calls return before they get here). So an implementation
 * checks nothing the contract already checks, and cannot drift from the other devices.
 */
public interface BackendOps extends AutoCloseable {

    Device device();

    String describe();

    /** Native bytes this backend holds now: its tensors, buffers, caches and workspaces. */
    long memoryInUse();

    /** An optional device-specific interface (e.g. the CUDA backend's algorithm tuning), else empty. */
    default <T> Optional<T> extension(Class<T> type) {
        return Optional.empty();
    }

    /**
     * Before something outside the backend (an MPI or NCCL engine) reads and writes {@code t}'s
     * memory directly: its elements must then be in the row-major layout everyone expects, and
     * stay so until the backend writes {@code t} again.
     */
    default void expose(NativeTensor t) {
    }

    // ---- memory -------------------------------------------------------------------------------

    /** Zero-filled device memory for a tensor of {@code bytes}. */
    Memory allocate(long bytes);

    /** Host memory the device copies from quickly (page-locked where that helps). */
    Memory allocateHostBuffer(long bytes);

    void copyFromHost(float[] src, int srcOffset, NativeTensor dst);

    void copyToHost(NativeTensor src, float[] dst, int dstOffset);

    void copy(NativeTensor src, NativeTensor dst);

    void synchronize();

    // ---- elementwise ---------------------------------------------------------------------------

    void fill(NativeTensor t, float value);

    void scale(NativeTensor t, float alpha);

    void axpy(float alpha, NativeTensor x, NativeTensor y);

    void add(NativeTensor a, NativeTensor b, NativeTensor out);

    double sumOfSquares(NativeTensor t);

    // ---- convolution ---------------------------------------------------------------------------

    void conv2dForward(NativeTensor x, NativeTensor w, NativeTensor bias, Conv2dSpec spec, NativeTensor y);

    void conv2dBackwardData(NativeTensor dy, NativeTensor w, Conv2dSpec spec, NativeTensor dx);

    void conv2dBackwardWeights(NativeTensor x, NativeTensor dy, Conv2dSpec spec, NativeTensor dw,
                               NativeTensor dbias);

    // ---- pooling -------------------------------------------------------------------------------

    /** Bytes of workspace a training forward of max pooling keeps for its backward (0 when none). */
    long pool2dWorkspaceBytes(Pool2dSpec spec, Shape x);

    void pool2dForward(NativeTensor x, Pool2dSpec spec, NativeTensor y, NativeTensor workspace);

    void pool2dBackward(NativeTensor x, NativeTensor y, NativeTensor dy, Pool2dSpec spec, NativeTensor workspace,
                        NativeTensor dx);

    // ---- batch normalisation -------------------------------------------------------------------

    void batchNormForwardTraining(NativeTensor x, NativeTensor gamma, NativeTensor beta, NativeTensor runningMean,
                                  NativeTensor runningVar, float momentum, float eps, NativeTensor y,
                                  NativeTensor saveMean, NativeTensor saveInvStd);

    void batchNormForwardInference(NativeTensor x, NativeTensor gamma, NativeTensor beta, NativeTensor runningMean,
                                   NativeTensor runningVar, float eps, NativeTensor y);

    void batchNormBackward(NativeTensor x, NativeTensor dy, NativeTensor gamma, NativeTensor saveMean,
                           NativeTensor saveInvStd, float eps, NativeTensor dx, NativeTensor dgamma,
                           NativeTensor dbeta);

    // ---- batch normalisation followed by ReLU (one pass where the device fuses them) ---------------

    /**
     * Bytes of workspace a training forward of batch-norm with ReLU keeps for its backward. The
     * default is room for the ReLU-masked gradient the composed backward below needs.
     */
    default long batchNormReluWorkspaceBytes(Shape x) {
        return x.numel() * Float.BYTES;
    }

    default void batchNormReluForwardTraining(NativeTensor x, NativeTensor gamma, NativeTensor beta,
                                              NativeTensor runningMean, NativeTensor runningVar, float momentum,
                                              float eps, NativeTensor y, NativeTensor saveMean,
                                              NativeTensor saveInvStd, NativeTensor workspace) {
        batchNormForwardTraining(x, gamma, beta, runningMean, runningVar, momentum, eps, y, saveMean, saveInvStd);
        reluForward(y, y);
    }

    default void batchNormReluForwardInference(NativeTensor x, NativeTensor gamma, NativeTensor beta,
                                               NativeTensor runningMean, NativeTensor runningVar, float eps,
                                               NativeTensor y) {
        batchNormForwardInference(x, gamma, beta, runningMean, runningVar, eps, y);
        reluForward(y, y);
    }

    default void batchNormReluBackward(NativeTensor x, NativeTensor y, NativeTensor dy, NativeTensor gamma,
                                       NativeTensor saveMean, NativeTensor saveInvStd, float eps,
                                       NativeTensor workspace, NativeTensor dx, NativeTensor dgamma,
                                       NativeTensor dbeta) {
        NativeTensor masked = workspace.prefix(x.shape());
        reluBackward(y, dy, masked);
        batchNormBackward(x, masked, gamma, saveMean, saveInvStd, eps, dx, dgamma, dbeta);
    }

    // ---- linear --------------------------------------------------------------------------------

    void linearForward(NativeTensor x, NativeTensor w, NativeTensor bias, NativeTensor y);

    void linearBackwardData(NativeTensor dy, NativeTensor w, NativeTensor dx);

    void linearBackwardWeights(NativeTensor x, NativeTensor dy, NativeTensor dw, NativeTensor dbias);

    // ---- activations and regularisation ---------------------------------------------------------

    void reluForward(NativeTensor x, NativeTensor y);

    void reluBackward(NativeTensor y, NativeTensor dy, NativeTensor dx);

    void dropoutForward(NativeTensor x, float p, long seed, NativeTensor mask, NativeTensor y);

    void dropoutBackward(NativeTensor dy, NativeTensor mask, NativeTensor dx);

    // ---- loss ----------------------------------------------------------------------------------

    /**
     * As {@link dev.gargoyle.tensor.Backend#softmaxCrossEntropy}: {@code classWeights} null for the
     * plain mean, else the checked per-class weights with {@code totalWeight} the sum of the rows'
     * weights (positive), so the loss is {@code sum(w[label]·loss) / totalWeight}.
     */
    double softmaxCrossEntropy(NativeTensor logits, int[] labels, float[] classWeights, double totalWeight,
                               float gradScale, NativeTensor dlogits);

    // ---- optimizer updates ---------------------------------------------------------------------

    /** {@code zeroGrad}: also sets {@code grad} to 0, in the same pass where the device can. */
    void sgdStep(NativeTensor param, NativeTensor grad, NativeTensor velocity, float lr, float momentum,
                 float weightDecay, boolean nesterov, boolean zeroGrad);

    /** {@code zeroGrad}: also sets {@code grad} to 0, in the same pass where the device can. */
    void adamStep(NativeTensor param, NativeTensor grad, NativeTensor m, NativeTensor v, float lr, float beta1,
                  float beta2, float eps, float weightDecay, boolean decoupled, long step, boolean zeroGrad);

    // ---- input ---------------------------------------------------------------------------------

    /** {@code pixels} is host memory holding at least the images (fastest when {@link #allocateHostBuffer} made it). */
    void imagesToTensor(Memory pixels, int n, int height, int width, float[] mean, float[] std, NativeTensor dst);

    /** Frees every native resource; the Backend has closed nothing else for it. */
    @Override
    void close();
}
