package dev.gargoyle.tensor;

/**
 * The one list of ops every device implements (oneDNN on the CPU, cuDNN and cuBLAS on CUDA), each
 * forward next to its backward, with PyTorch's semantics so weights and numbers move between the two.
 *
 * <p><b>The gradient rule.</b> Backward ops <em>overwrite</em> activation gradients ({@code dx = ...})
 * and <em>accumulate</em> into parameter gradients ({@code dw += ...}, {@code dbias += ...}). Gradient
 * accumulation over micro-batches rests on this: zero the parameter gradients once, then run
 * backward several times.
 *
 * <p>All tensors passed to one call must live on this backend and be open; outputs are written in
 * place and must not alias inputs unless a method says so. Shape mismatches throw
 * {@link IllegalArgumentException} naming the op, the operand, the expected and the actual shape.
 * A backend owns native resources (engines, handles, cached primitives, workspaces) and is closed
 * after the tensors made by it.
 */
public interface Backend extends AutoCloseable {

    Device device();

    /** One line for logs, e.g. {@code oneDNN 3.11.0 (AVX-512), 2 threads}. */
    String describe();

    // ---- memory -------------------------------------------------------------------------------

    /** A new zero-filled tensor owning its memory on this device. */
    Tensor allocate(Shape shape);

    /** A staging buffer for host-to-device copies (page-locked where the device benefits). */
    HostBuffer allocateHostBuffer(long bytes);

    /** Copies {@code dst.numel()} floats from {@code src[srcOffset..]} into {@code dst}. */
    void copyFromHost(float[] src, int srcOffset, Tensor dst);

    /** Copies all of {@code src} into {@code dst[dstOffset..]}; waits for pending work. */
    void copyToHost(Tensor src, float[] dst, int dstOffset);

    /** {@code dst = src}; equal sizes. */
    void copy(Tensor src, Tensor dst);

    /** Waits until all queued work on this backend has finished. */
    void synchronize();

    /** Native bytes this backend's device has in use now (for leak checks). */
    long memoryInUse();

    // ---- elementwise ---------------------------------------------------------------------------

    /** {@code t = value} everywhere. */
    void fill(Tensor t, float value);

    /** {@code t *= alpha}. */
    void scale(Tensor t, float alpha);

    /** {@code y += alpha * x}; equal sizes. */
    void axpy(float alpha, Tensor x, Tensor y);

    /** {@code out = a + b}; equal sizes; {@code out} may be {@code a} or {@code b}. */
    void add(Tensor a, Tensor b, Tensor out);

    /** The sum of squares of all elements, accumulated in double precision where the device allows. */
    double sumOfSquares(Tensor t);

    // ---- convolution ---------------------------------------------------------------------------

    /**
     * {@code y = conv(x, w) + bias}: x {@code [N,C,H,W]}, w {@code [K,C/g,R,S]}, bias {@code [K]} or
     * null, y {@code [N,K,P,Q]} overwritten.
     */
    void conv2dForward(Tensor x, Tensor w, Tensor bias, Conv2dSpec spec, Tensor y);

    /** Activation gradient, overwritten: {@code dx = conv_backward_data(dy, w)}. */
    void conv2dBackwardData(Tensor dy, Tensor w, Conv2dSpec spec, Tensor dx);

    /**
     * Parameter gradients, accumulated: {@code dw += conv_backward_filter(x, dy)} and, when
     * {@code dbias} is not null, {@code dbias += sum of dy over N, P, Q}.
     */
    void conv2dBackwardWeights(Tensor x, Tensor dy, Conv2dSpec spec, Tensor dw, Tensor dbias);

    // ---- pooling -------------------------------------------------------------------------------

    /**
     * The workspace a training forward of max pooling keeps for its backward ({@code [0]} when none
     * is needed); a longer tensor may be passed.
     */
    Shape pool2dWorkspaceShape(Pool2dSpec spec, Shape x);

    /**
     * {@code y = pool(x)}. With a non-null {@code workspace} this is a training forward that records
     * what {@link #pool2dBackward} needs; with null it is inference.
     */
    void pool2dForward(Tensor x, Pool2dSpec spec, Tensor y, Tensor workspace);

    /**
     * Activation gradient, overwritten: {@code dx = pool_backward(dy)}, given the forward's input,
     * output and workspace. For max pooling a tie goes to the first maximum in the window.
     */
    void pool2dBackward(Tensor x, Tensor y, Tensor dy, Pool2dSpec spec, Tensor workspace, Tensor dx);

    // ---- batch normalisation (spatial, over N, H, W per channel) ------------------------------------

    /**
     * Training forward: normalises with the batch mean and biased variance; writes
     * {@code saveMean} and {@code saveInvStd = 1/sqrt(var + eps)} (each {@code [C]}) for backward;
     * updates {@code running = (1 - momentum)·running + momentum·batch}, using the unbiased variance
     * (times {@code n/(n-1)}, n = N·H·W) for {@code runningVar}.
     */
    void batchNormForwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                  float momentum, float eps, Tensor y, Tensor saveMean, Tensor saveInvStd);

    /** Inference forward with the running statistics. */
    void batchNormForwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                   float eps, Tensor y);

    /**
     * Backward of the training forward: {@code dx} overwritten; {@code dgamma += ...} and
     * {@code dbeta += ...} accumulated.
     */
    void batchNormBackward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, float eps,
                           Tensor dx, Tensor dgamma, Tensor dbeta);

    // ---- linear --------------------------------------------------------------------------------

    /** {@code y = x·wᵀ + bias}: x {@code [N,in]}, w {@code [out,in]}, bias {@code [out]} or null, y {@code [N,out]}. */
    void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y);

    /** Activation gradient, overwritten: {@code dx = dy·w}. */
    void linearBackwardData(Tensor dy, Tensor w, Tensor dx);

    /** Parameter gradients, accumulated: {@code dw += dyᵀ·x}; {@code dbias += sum of dy over N} unless null. */
    void linearBackwardWeights(Tensor x, Tensor dy, Tensor dw, Tensor dbias);

    // ---- activations and regularisation ---------------------------------------------------------

    /** {@code y = max(x, 0)}; {@code y} may be {@code x}. */
    void reluForward(Tensor x, Tensor y);

    /** Activation gradient, overwritten: {@code dx = dy · (y > 0)}, from the forward's output; {@code dx} may be {@code dy}. */
    void reluBackward(Tensor y, Tensor dy, Tensor dx);

    /**
     * Inverted dropout: {@code mask[i] = u(seed, i) >= p ? 1/(1-p) : 0} with {@code u} from
     * {@link DropoutRandom#uniform} (the same on every backend), then {@code y = x · mask}.
     */
    void dropoutForward(Tensor x, float p, long seed, Tensor mask, Tensor y);

    /** Activation gradient, overwritten: {@code dx = dy · mask}. */
    void dropoutBackward(Tensor dy, Tensor mask, Tensor dx);

    // ---- loss ----------------------------------------------------------------------------------

    /**
     * Softmax cross-entropy of logits {@code [N,K]} against integer labels: returns the mean loss
     * over N and, when {@code dlogits} is not null, overwrites it with
     * {@code gradScale · (softmax(logits) - onehot(labels)) / N}, the gradient of
     * {@code gradScale · meanLoss}.
     *
     * @throws IllegalArgumentException if a label is outside {@code [0, K)}, naming its index
     */
    double softmaxCrossEntropy(Tensor logits, int[] labels, float gradScale, Tensor dlogits);

    // ---- optimizer updates over flat buffers ------------------------------------------------------

    /**
     * One SGD step as PyTorch's {@code torch.optim.SGD} (dampening 0): {@code g = grad + wd·param};
     * with momentum {@code v = momentum·v + g} and {@code g = nesterov ? g + momentum·v : v};
     * {@code param -= lr·g}. {@code velocity} may be null when momentum is 0.
     */
    void sgdStep(Tensor param, Tensor grad, Tensor velocity, float lr, float momentum, float weightDecay,
                 boolean nesterov);

    /**
     * One Adam step as {@code torch.optim.Adam} ({@code decoupled=false}, L2 added to the gradient)
     * or {@code torch.optim.AdamW} ({@code decoupled=true}, {@code param *= 1 - lr·wd}); {@code step}
     * counts from 1 and sets the bias corrections.
     */
    void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                  float weightDecay, boolean decoupled, long step);

    // ---- input ---------------------------------------------------------------------------------

    /**
     * Turns {@code n} uint8 RGB images, each {@code height × width × 3} (HWC) and packed one after
     * another in {@code pixels}, into {@code dst [n,3,height,width]} with
     * {@code (pixel/255 - mean[c]) / std[c]}.
     */
    void imagesToTensor(HostBuffer pixels, int n, int height, int width, float[] mean, float[] std, Tensor dst);

    /** Frees every native resource of this backend; tensors made by it must be closed first. */
    @Override
    void close();
}
