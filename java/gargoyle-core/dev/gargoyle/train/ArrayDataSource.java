package dev.gargoyle.train;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.List;

/**
 * A data set held in Java arrays, one float array per sample (PyTorch's {@code TensorDataset}): for
 * tests, small tabular or synthetic data, and samples an application already has in memory.
 */
public final class ArrayDataSource implements DataSource {
    private final List<String> classes;
    private final Shape sampleShape;
    private final float[][] samples;
    private final int[] labels;

    /**
     * @param samples each sample's values, row-major, {@code sampleShape.numel()} long
     * @param labels  each sample's class, in {@code [0, classes.size())}
     */
    public ArrayDataSource(List<String> classes, Shape sampleShape, float[][] samples, int[] labels) {
        if (samples.length != labels.length) {
            throw new IllegalArgumentException("ArrayDataSource: " + samples.length + " samples but " + labels.length
                    + " labels");
        }
        for (int i = 0; i < samples.length; i++) {
            if (samples[i].length != sampleShape.numel()) {
                throw new IllegalArgumentException("ArrayDataSource: sample " + i + " has " + samples[i].length
                        + " values, expected " + sampleShape.numel() + " for shape " + sampleShape);
            }
            if (labels[i] < 0 || labels[i] >= classes.size()) {
                throw new IllegalArgumentException("ArrayDataSource: label " + i + " is " + labels[i]
                        + ", expected a class in [0, " + classes.size() + ")");
            }
        }
        this.classes = List.copyOf(classes);
        this.sampleShape = sampleShape;
        this.samples = samples.clone();
        this.labels = labels.clone();
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int size() {
        return samples.length;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public Shape sampleShape() {
        return sampleShape;
    }

    @Override
    public Loader open(Backend backend, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("ArrayDataSource: batch size must be at least 1, got " + batchSize);
        }
        int sample = Math.toIntExact(sampleShape.numel());
        float[] batch = new float[batchSize * sample];
        return new Loader() {
            @Override
            public Pass pass(int epoch, int[] order) {
                return new Pass() {
                    private int at;

                    @Override
                    public boolean hasNext() {
                        return at < order.length;
                    }

                    @Override
                    public int[] next(Tensor x) {
                        int n = Math.min(batchSize, order.length - at);
                        int[] out = new int[n];
                        for (int i = 0; i < n; i++) {
                            int index = order[at + i];
                            System.arraycopy(samples[index], 0, batch, i * sample, sample);
                            out[i] = labels[index];
                        }
                        at += n;
                        backend.copyFromHost(batch, 0, x.narrow(n));
                        return out;
                    }

                    @Override
                    public void close() {
                        at = order.length;
                    }
                };
            }

            @Override
            public void close() {
                // Nothing native: the samples stay on the Java heap.
            }
        };
    }
}
