package dev.gargoyle.data;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.train.DataSource;
import java.util.List;

/**
 * An {@link ImageFolder} as a {@link DataSource}: images decoded by OpenCV, resized (and augmented,
 * seeded per epoch and sample) on worker threads into the backend's host buffers, then normalised
 * with {@code (pixel/255 - mean) / std} into the trainer's input on the device.
 */
public final class ImageDataSource implements DataSource {
    private final ImageFolder images;
    private final LoaderOptions options;
    private final float[] mean;
    private final float[] std;

    /**
     * @param options how images are loaded (size, augmentation, workers, prefetch, seed); its batch
     *                size and shuffle are ignored: the trainer's batch size and sampler decide
     * @param mean    per-channel (R, G, B) mean of the normalisation
     * @param std     per-channel standard deviation, each above 0
     */
    public ImageDataSource(ImageFolder images, LoaderOptions options, float[] mean, float[] std) {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("ImageDataSource: mean and std need 3 values (R, G, B), got "
                    + mean.length + " and " + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("ImageDataSource: std values must be above 0, got " + s);
            }
        }
        this.images = images;
        this.options = options;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * Training images: {@code size x size}, with the standard augmentation seeded by {@code seed}
     * (and the epoch and sample), decoded by one worker thread per processor.
     */
    public static ImageDataSource training(ImageFolder images, int size, float[] mean, float[] std, long seed) {
        return new ImageDataSource(images, LoaderOptions.training(1, size, seed), mean, std);
    }

    /** Evaluation images: {@code size x size}, no augmentation, one worker thread per processor. */
    public static ImageDataSource evaluation(ImageFolder images, int size, float[] mean, float[] std) {
        return new ImageDataSource(images, LoaderOptions.evaluation(1, size), mean, std);
    }

    public ImageFolder images() {
        return images;
    }

    @Override
    public List<String> classes() {
        return images.classes();
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public int label(int index) {
        return images.sample(index).label();
    }

    @Override
    public Shape sampleShape() {
        return Shape.of(3, options.imageSize(), options.imageSize());
    }

    @Override
    public int[] classCounts() {
        return images.classCounts();
    }

    @Override
    public Loader open(Backend backend, int batchSize) {
        BatchLoader loader = new BatchLoader(images, new LoaderOptions(batchSize, options.imageSize(),
                options.augmentation(), false, options.seed(), options.workers(), options.prefetch(),
                options.maxPixels(), options.cacheBytes()),
                backend::allocateHostBuffer);
        int side = options.imageSize();
        return new Loader() {
            @Override
            public Pass pass(int epoch, int[] order) {
                Epoch batches = loader.epoch(epoch, order);
                return new Pass() {
                    @Override
                    public boolean hasNext() {
                        return batches.hasNext();
                    }

                    @Override
                    public int[] next(Tensor x) {
                        try (Batch b = batches.next()) {
                            backend.imagesToTensor(b.pixels(), b.size(), side, side, mean, std, x.narrow(b.size()));
                            return b.labels();
                        }
                    }

                    @Override
                    public void close() {
                        batches.close();
                    }
                };
            }

            @Override
            public void close() {
                loader.close();
            }
        };
    }
}
