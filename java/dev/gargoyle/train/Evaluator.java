package dev.gargoyle.train;

import dev.gargoyle.data.Batch;
import dev.gargoyle.data.BatchLoader;
import dev.gargoyle.data.Epoch;
import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.function.IntConsumer;

/**
 * Runs a model in evaluation mode over a data set and scores it (loss, accuracy, precision, recall,
 * F1, confusion). Owns one input buffer, reused for every batch.
 */
public final class Evaluator implements AutoCloseable {
    private final Model model;
    private final float[] mean;
    private final float[] std;
    private final int classes;
    private Tensor input;

    public Evaluator(Model model, int classes, float[] mean, float[] std) {
        this.model = model;
        this.classes = classes;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** Scores the model on every batch of {@code loader}; {@code onBatch} gets each batch's size. */
    public MetricsSummary evaluate(BatchLoader loader, IntConsumer onBatch) {
        boolean wasTraining = model.isTraining();
        model.eval();
        Metrics metrics = new Metrics(classes);
        try (Epoch epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                try (Batch b = epoch.next()) {
                    Tensor logits = forward(b);
                    double loss = model.backend().softmaxCrossEntropy(logits, b.labels(), 1f, null);
                    metrics.addBatch(loss, Metrics.argmax(logits.toArray(), b.size(), classes), b.labels());
                    onBatch.accept(b.size());
                }
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return metrics.summary();
    }

    /** The logits of one batch (owned by the model, valid until its next forward). */
    Tensor forward(Batch b) {
        Backend backend = model.backend();
        int s = b.imageSize();
        if (input == null || input.shape().dim(0) < b.size() || input.shape().dim(2) != s) {
            close();
            input = backend.allocate(Shape.of(Math.max(b.size(), 1), 3, s, s));
        }
        Tensor x = input.narrow(b.size());
        backend.imagesToTensor(b.pixels(), b.size(), s, s, mean, std, x);
        return model.forward(x);
    }

    @Override
    public void close() {
        if (input != null) {
            input.close();
            input = null;
        }
    }
}
