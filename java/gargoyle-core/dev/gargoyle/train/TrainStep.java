package dev.gargoyle.train;

import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.GradientClipping;
import dev.gargoyle.optim.Optimizer;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;

/**
 * The two halves of a training step under gradient accumulation: {@link #microBatch} adds one
 * micro-batch's gradient, scaled by its share of the update (see {@link AccumulationPlan}), and
 * {@link #update} clips, applies the optimizer and zeroes the gradients. Public so that
 * {@code gargoyle bench train} times exactly the step the trainer runs.
 */
public final class TrainStep implements AutoCloseable {
    private final Model model;
    private final Optimizer optimizer;
    private final CrossEntropyLoss loss;
    private final double clipNorm;
    private Tensor dlogits;

    /** The logits of a micro-batch, copied to the heap ({@code [n, classes]} row-major), and its mean loss. */
    public record Output(float[] logits, double loss) {
    }

    public TrainStep(Model model, Optimizer optimizer, CrossEntropyLoss loss, double clipNorm) {
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
        this.clipNorm = clipNorm;
    }

    /** Forward, loss (the loss's mean over the micro-batch) and backward with the loss scaled by {@code lossScale}. */
    public Output microBatch(Tensor x, int[] labels, float lossScale) {
        Tensor logits = model.forward(x);
        Shape s = logits.shape();
        if (dlogits == null || dlogits.shape().dim(0) < s.dim(0) || dlogits.shape().dim(1) != s.dim(1)) {
            close();
            dlogits = model.backend().allocate(s);
        }
        Tensor dl = dlogits.narrow(s.dim(0));
        double value = loss.compute(logits, labels, lossScale, dl);
        float[] host = logits.toArray();
        if (Double.isFinite(value)) {
            model.backward(dl, false);
        }
        return new Output(host, value);
    }

    /**
     * A micro-batch with no samples on this rank ({@code x} has 0 rows), run only for the collectives
     * inside its layers (synchronised batch-norm); it adds nothing to the gradients.
     */
    public void emptyMicroBatch(Tensor x) {
        Tensor logits = model.forward(x);
        if (dlogits == null || dlogits.shape().dim(1) != logits.shape().dim(1)) {
            close();
            dlogits = model.backend().allocate(logits.shape());
        }
        model.backward(dlogits.narrow(0), false);
    }

    /** One optimizer update at learning rate {@code lr} from the gradients accumulated so far, then zeroes them. */
    public void update(double lr) {
        if (clipNorm > 0) {
            GradientClipping.clipByGlobalNorm(model, clipNorm);
        }
        optimizer.stepAndZeroGrad(lr);
    }

    @Override
    public void close() {
        if (dlogits != null) {
            dlogits.close();
            dlogits = null;
        }
    }
}
