package dev.gargoyle.train;

import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.function.IntConsumer;

/**
 * Runs a model in evaluation mode over a data set and scores it (loss, accuracy, precision, recall,
 * F1, confusion). Owns one input buffer of a batch's shape, reused for every batch.
 */
public final class Evaluator implements AutoCloseable {
    private final Model model;
    private final CrossEntropyLoss loss;
    private final Tensor input;

    /** {@code batchShape} is the input of the largest batch, {@code [batchSize, sample shape...]}. */
    public Evaluator(Model model, CrossEntropyLoss loss, Shape batchShape) {
        this.model = model;
        this.loss = loss;
        this.input = model.backend().allocate(batchShape);
    }

    /**
     * Scores the model on the samples {@code order} names, in batches of {@code loader}; {@code onBatch}
     * gets each batch's size.
     */
    public MetricsSummary evaluate(DataSource.Loader loader, int[] order, IntConsumer onBatch) {
        int classes = model.root().outputShape(input.shape().withDim(0, 1)).dim(1);
        Metrics metrics = score(loader, order, classes, onBatch);
        if (metrics.confusion().total() == 0) {
            throw new IllegalArgumentException("Evaluator: no samples to score");
        }
        return metrics.summary();
    }

    /** As {@link #evaluate}, but the raw sums of a model with {@code classes} outputs; {@code order} may be empty. */
    Metrics score(DataSource.Loader loader, int[] order, int classes, IntConsumer onBatch) {
        Metrics metrics = new Metrics(classes);
        boolean wasTraining = model.isTraining();
        model.eval();
        try (DataSource.Pass pass = loader.pass(0, order)) {
            while (pass.hasNext()) {
                int[] labels = pass.next(input);
                add(metrics, model.forward(input.narrow(labels.length)), labels);
                onBatch.accept(labels.length);
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return metrics;
    }

    private void add(Metrics metrics, Tensor logits, int[] labels) {
        double value = loss.compute(logits, labels, 1f, null);
        metrics.addBatch(value, Metrics.argmax(logits.toArray(), labels.length, logits.shape().dim(1)), labels);
    }

    @Override
    public void close() {
        input.close();
    }
}
