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
        boolean wasTraining = model.isTraining();
        model.eval();
        int classes = -1;
        Metrics metrics = null;
        try (DataSource.Pass pass = loader.pass(0, order)) {
            while (pass.hasNext()) {
                int[] labels = pass.next(input);
                Tensor logits = model.forward(input.narrow(labels.length));
                if (metrics == null) {
                    classes = logits.shape().dim(1);
                    metrics = new Metrics(classes);
                }
                double value = loss.compute(logits, labels, 1f, null);
                metrics.addBatch(value, Metrics.argmax(logits.toArray(), labels.length, classes), labels);
                onBatch.accept(labels.length);
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        if (metrics == null) {
            throw new IllegalArgumentException("Evaluator: no samples to score");
        }
        return metrics.summary();
    }

    @Override
    public void close() {
        input.close();
    }
}
