package dev.gargoyle.nn;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Batch normalisation over N, H, W per channel, as PyTorch's {@code nn.BatchNorm2d} (momentum 0.1,
 * eps 1e-5, running variance updated with the unbiased batch variance). When its parameters are
 * frozen it behaves as in evaluation mode even while the model trains: it normalises with the
 * running statistics and leaves them alone, as a frozen, pretrained backbone should.
 *
 * <p>Followed by a {@link ReLU} in a {@link Sequential}, it applies the ReLU inside its own op (one
 * pass over the activations instead of two, forward and backward), unless something must see its
 * output before the ReLU: a hook of its, or synchronised statistics.
 */
public final class BatchNorm2d extends Module {
    public static final float MOMENTUM = 0.1f;
    public static final float EPS = 1e-5f;

    private final int channels;
    private final Parameter weight;
    private final Parameter bias;
    private final Activation output = new Activation();
    private final Activation gradInput = new Activation();
    private final Activation normalized = new Activation();
    private final Activation reluWorkspace = new Activation();
    private final Activation maskedGrad = new Activation();
    private Tensor runningMean;
    private Tensor runningVar;
    private Tensor saveMean;
    private Tensor saveInvStd;
    private Tensor evalScale;
    private Tensor ones;
    private Tensor zeros;
    private long numBatchesTracked;
    private Tensor input;
    private boolean trainedForward;
    private CrossReplicaBatchNorm crossReplica;
    private boolean followedByRelu;
    private boolean fuseRelu;
    private boolean fusedForward;
    private boolean unmaskedGradient;
    private Tensor workspace;

    public BatchNorm2d(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("BatchNorm2d: channels must be >= 1, got " + channels);
        }
        this.channels = channels;
        this.weight = parameter("weight", Shape.of(channels), Init.constant(1f));
        this.bias = parameter("bias", Shape.of(channels), Init.constant(0f));
    }

    @Override
    protected void onBind(Backend b) {
        close();
        Shape c = Shape.of(channels);
        runningMean = b.allocate(c);
        runningVar = b.allocate(c);
        b.fill(runningVar, 1f);
        saveMean = b.allocate(c);
        saveInvStd = b.allocate(c);
        evalScale = b.allocate(Shape.of(channels, 1, 1, 1));
        ones = b.allocate(c);
        b.fill(ones, 1f);
        zeros = b.allocate(c);
    }

    public int channels() {
        return channels;
    }

    /** PyTorch's {@code num_batches_tracked}: training forwards seen. */
    public long numBatchesTracked() {
        return numBatchesTracked;
    }

    public void setNumBatchesTracked(long n) {
        this.numBatchesTracked = n;
    }

    /**
     * Normalises training batches with the statistics of every replica's batch together, as PyTorch's
     * {@code SyncBatchNorm}; {@code sumOverReplicas} sums an array in place over the replicas, and
     * every replica calls it in the same order. Null returns to this replica's own batch statistics.
     */
    public void synchronizeStatistics(Consumer<double[]> sumOverReplicas) {
        crossReplica = sumOverReplicas == null ? null : new CrossReplicaBatchNorm(channels, sumOverReplicas);
    }

    /**
     * Whether this layer runs the ReLU after it (in a {@link Sequential}) inside its own op: yes,
     * unless its statistics are synchronised across replicas; and not while it has a hook.
     */
    public boolean fusesRelu() {
        return followedByRelu && crossReplica == null;
    }

    void followedByRelu() {
        followedByRelu = true;
    }

    boolean canFuseRelu() {
        return crossReplica == null && !hasHooks();
    }

    /** The forward with the ReLU after it applied too: {@code max(bn(x), 0)}. */
    Tensor forwardWithRelu(Tensor x) {
        fuseRelu = true;
        try {
            return forward(x);
        } finally {
            fuseRelu = false;
        }
    }

    /**
     * Asked by the fused ReLU's backward: whether this layer's next backward takes the ReLU's output
     * gradient and masks it itself (no hook of its must see the masked gradient).
     */
    boolean takesUnmaskedGradient() {
        unmaskedGradient = fusedForward && !hasHooks();
        return unmaskedGradient;
    }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("running_mean", runningMean);
        m.put("running_var", runningVar);
        return m;
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.rank() != 4 || in.dim(1) != channels) {
            throw new IllegalArgumentException("BatchNorm2d: input has shape " + in + ", expected [N, " + channels
                    + ", H, W]");
        }
        return in;
    }

    @Override
    protected Tensor forwardImpl(Tensor x) {
        Backend b = backend();
        Tensor y = output.get(b, outputShape(x.shape()));
        // A frozen layer keeps its running statistics, as a fine-tuned backbone in eval mode would.
        trainedForward = isTraining() && !weight.isFrozen();
        fusedForward = fuseRelu;
        unmaskedGradient = false;
        if (trainedForward && crossReplica != null) {
            crossReplica.forward(x, weight.value(), bias.value(), runningMean, runningVar, MOMENTUM, EPS, y);
        } else if (trainedForward && fusedForward) {
            workspace = reluWorkspace.get(b, b.batchNormReluWorkspaceShape(x.shape()));
            b.batchNormReluForwardTraining(x, weight.value(), bias.value(), runningMean, runningVar, MOMENTUM, EPS, y,
                    saveMean, saveInvStd, workspace);
        } else if (trainedForward) {
            b.batchNormForwardTraining(x, weight.value(), bias.value(), runningMean, runningVar, MOMENTUM, EPS, y,
                    saveMean, saveInvStd);
        } else if (fusedForward) {
            b.batchNormReluForwardInference(x, weight.value(), bias.value(), runningMean, runningVar, EPS, y);
        } else {
            b.batchNormForwardInference(x, weight.value(), bias.value(), runningMean, runningVar, EPS, y);
        }
        if (trainedForward) {
            numBatchesTracked++;
        }
        input = x;
        return y;
    }

    @Override
    protected Tensor backwardImpl(Tensor dy, boolean needInputGrad) {
        Backend b = backend();
        boolean unmasked = unmaskedGradient;
        unmaskedGradient = false;
        if (trainedForward && crossReplica != null) {
            Tensor dx = gradInput.get(b, input.shape());
            crossReplica.backward(dy, weight.value(), dx, weight.grad(), bias.grad());
            return needInputGrad ? dx : null;
        }
        if (trainedForward) {
            Tensor dx = gradInput.get(b, input.shape());
            if (unmasked) {
                b.batchNormReluBackward(input, output.get(b, input.shape()), dy, weight.value(), saveMean, saveInvStd,
                        EPS, workspace, dx, weight.grad(), bias.grad());
            } else {
                b.batchNormBackward(input, dy, weight.value(), saveMean, saveInvStd, EPS, dx, weight.grad(),
                        bias.grad());
            }
            return needInputGrad ? dx : null;
        }
        if (unmasked) {
            Tensor g = maskedGrad.get(b, dy.shape());
            b.reluBackward(output.get(b, input.shape()), dy, g);
            return evalBackward(b, g, needInputGrad);
        }
        return evalBackward(b, dy, needInputGrad);
    }

    /**
     * In evaluation mode batch-norm is the per-channel affine map {@code y = a·x + c} with
     * {@code a = gamma/sqrt(runningVar + eps)}. No backend has that backward as one op, but a depthwise
     * 1x1 convolution (groups = channels) has exactly its shape: its backward-weights gives
     * {@code dgamma += Σ dy·x̂} and {@code dbeta += Σ dy}, its backward-data gives {@code dx = a·dy}.
     */
    private Tensor evalBackward(Backend b, Tensor dy, boolean needInputGrad) {
        Conv2dSpec depthwise = Conv2dSpec.of(1, 0).withGroups(channels);
        Shape perChannel = Shape.of(channels, 1, 1, 1);
        if (!weight.isFrozen()) {
            Tensor xhat = normalized.get(b, input.shape());
            b.batchNormForwardInference(input, ones, zeros, runningMean, runningVar, EPS, xhat);
            b.conv2dBackwardWeights(xhat, dy, depthwise, weight.grad().view(perChannel), bias.grad());
        }
        if (!needInputGrad) {
            return null;
        }
        // a is the inference forward of a tensor of ones with mean 0 and beta 0, made on the device.
        Shape oneByC = Shape.of(1, channels, 1, 1);
        b.batchNormForwardInference(ones.view(oneByC), weight.value(), zeros, zeros, runningVar, EPS,
                evalScale.view(oneByC));
        Tensor dx = gradInput.get(b, input.shape());
        b.conv2dBackwardData(dy, evalScale, depthwise, dx);
        return dx;
    }

    @Override
    public void close() {
        output.close();
        gradInput.close();
        normalized.close();
        reluWorkspace.close();
        maskedGrad.close();
        for (Tensor t : new Tensor[] {runningMean, runningVar, saveMean, saveInvStd, evalScale, ones, zeros}) {
            if (t != null) {
                t.close();
            }
        }
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + channels + ")";
    }
}
