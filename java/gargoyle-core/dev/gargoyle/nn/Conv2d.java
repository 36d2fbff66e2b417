package dev.gargoyle.nn;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;

/** A 2-D convolution layer as PyTorch's {@code nn.Conv2d}: weight {@code [out, in/groups, k, k]}, optional bias. */
public final class Conv2d extends Module {
    private final Conv2dSpec spec;
    private final Parameter weight;
    private final Parameter bias;
    private final Activation output = new Activation();
    private final Activation gradInput = new Activation();
    private Tensor input;

    /** A square-kernel convolution with bias, no dilation, one group. */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding) {
        this(inChannels, outChannels, kernel, Conv2dSpec.of(stride, padding), true);
    }

    public Conv2d(int inChannels, int outChannels, int kernel, Conv2dSpec spec, boolean withBias) {
        if (inChannels < 1 || outChannels < 1 || kernel < 1) {
            throw new IllegalArgumentException("Conv2d: channels and kernel must be >= 1, got in=" + inChannels
                    + " out=" + outChannels + " kernel=" + kernel);
        }
        if (inChannels % spec.groups() != 0 || outChannels % spec.groups() != 0) {
            throw new IllegalArgumentException("Conv2d: groups=" + spec.groups() + " must divide in=" + inChannels
                    + " and out=" + outChannels);
        }
        this.spec = spec;
        long fanIn = (long) (inChannels / spec.groups()) * kernel * kernel;
        this.weight = parameter("weight", Shape.of(outChannels, inChannels / spec.groups(), kernel, kernel),
                Init.uniformFanIn(fanIn));
        this.bias = withBias ? parameter("bias", Shape.of(outChannels), Init.uniformFanIn(fanIn)) : null;
    }

    public Parameter weight() {
        return weight;
    }

    public int outChannels() {
        return weight.shape().dim(0);
    }

    @Override
    public Shape outputShape(Shape in) {
        return spec.outputShape("Conv2d", in, weight.shape());
    }

    @Override
    protected Tensor forwardImpl(Tensor x) {
        Backend b = backend();
        Tensor y = output.get(b, outputShape(x.shape()));
        b.conv2dForward(x, weight.value(), bias == null ? null : bias.value(), spec, y);
        input = x;
        return y;
    }

    @Override
    protected Tensor backwardImpl(Tensor dy, boolean needInputGrad) {
        Backend b = backend();
        if (!weight.isFrozen()) {
            b.conv2dBackwardWeights(input, dy, spec, weight.grad(), bias == null ? null : bias.grad());
        }
        if (!needInputGrad) {
            return null;
        }
        Tensor dx = gradInput.get(b, input.shape());
        b.conv2dBackwardData(dy, weight.value(), spec, dx);
        return dx;
    }

    @Override
    public void close() {
        output.close();
        gradInput.close();
    }

    @Override
    public String toString() {
        Shape w = weight.shape();
        return "Conv2d(" + w.dim(1) * spec.groups() + ", " + w.dim(0) + ", kernel=" + w.dim(2) + ", stride="
                + spec.strideH() + ", padding=" + spec.padH() + ")";
    }
}
