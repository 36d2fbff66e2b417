package dev.gargoyle.train;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.List;

/**
 * A labelled data set the {@link Trainer} draws batches from: image folders decoded by OpenCV
 * ({@code dev.gargoyle.data.ImageDataSource}), arrays in memory ({@link ArrayDataSource}), or
 * anything else that can put samples into a tensor. Samples are addressed by index; the trainer's
 * {@link Sampler} decides the order of each epoch.
 */
public interface DataSource {
    /** Class names, in label order. */
    List<String> classes();

    /** Samples in the data set. */
    int size();

    /** The label of sample {@code index}, in {@code [0, classes().size())}. */
    int label(int index);

    /** One sample's shape, e.g. {@code [3, 64, 64]}. */
    Shape sampleShape();

    /** Samples per class, by label. */
    default int[] classCounts() {
        int[] counts = new int[classes().size()];
        for (int i = 0; i < size(); i++) {
            counts[label(i)]++;
        }
        return counts;
    }

    /**
     * A loader of batches of up to {@code batchSize} samples onto {@code backend}; it may hold
     * threads and buffers until closed. The trainer calls this on the backend's thread.
     */
    Loader open(Backend backend, int batchSize);

    /** Loads the passes over a data set; owns what it needs for that (threads, host buffers). */
    interface Loader extends AutoCloseable {
        /**
         * A pass over the samples {@code order} names (indices, repeats allowed), in that order and
         * in batches of the loader's batch size; {@code epoch} seeds whatever is random per epoch
         * (augmentation). One pass is open at a time.
         */
        Pass pass(int epoch, int[] order);

        @Override
        void close();
    }

    /** One pass: its batches, in order. */
    interface Pass extends AutoCloseable {
        boolean hasNext();

        /**
         * Loads the next batch into the first {@code n} rows of {@code x} (a tensor of at least the
         * batch size rows of {@link #sampleShape()}) and returns its {@code n} labels.
         */
        int[] next(Tensor x);

        @Override
        void close();
    }
}
