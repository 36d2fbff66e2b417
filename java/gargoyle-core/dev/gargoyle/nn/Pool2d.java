package dev.gargoyle.nn;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;

/** Max or average pooling; {@link MaxPool2d} and {@link AvgPool2d} name the two kinds. */
abstract class Pool2d extends Module {
    private final Pool2dSpec spec;
    private final Activation output = new Activation();
    private final Activation workspace = new Activation();
    private final Activation gradInput = new Activation();
    private Tensor input;
    private Tensor saved;
    private Tensor savedWorkspace;

    Pool2d(Pool2dSpec spec) {
        this.spec = spec;
    }

    @Override
    public Shape outputShape(Shape in) {
        return spec.outputShape(getClass().getSimpleName(), in);
    }

    /** Always a training forward, so gradients can flow to the input in evaluation mode too (visualisation). */
    @Override
    protected Tensor forwardImpl(Tensor x) {
        Backend b = backend();
        Tensor y = output.get(b, outputShape(x.shape()));
        Shape ws = b.pool2dWorkspaceShape(spec, x.shape());
        savedWorkspace = ws.numel() == 0 ? null : workspace.get(b, ws);
        b.pool2dForward(x, spec, y, savedWorkspace);
        input = x;
        saved = y;
        return y;
    }

    @Override
    protected Tensor backwardImpl(Tensor dy, boolean needInputGrad) {
        if (!needInputGrad) {
            return null;
        }
        Backend b = backend();
        Tensor dx = gradInput.get(b, input.shape());
        b.pool2dBackward(input, saved, dy, spec, savedWorkspace, dx);
        return dx;
    }

    @Override
    public void close() {
        output.close();
        workspace.close();
        gradInput.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(kernel=" + spec.kernelH() + ", stride=" + spec.strideH()
                + ", padding=" + spec.padH() + ")";
    }
}
