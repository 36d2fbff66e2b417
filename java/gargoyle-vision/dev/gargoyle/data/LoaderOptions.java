package dev.gargoyle.data;

/**
 * How a {@link BatchLoader} makes batches.
 *
 * @param batchSize    images per batch (the last batch of an epoch may have fewer)
 * @param imageSize    images are {@code imageSize × imageSize} RGB
 * @param augmentation per-image augmentation, {@link Augmentation#none()} for evaluation
 * @param shuffle      a new seeded order every epoch; off keeps the {@link ImageFolder} order
 * @param seed         seeds the shuffle and the augmentation, with the epoch and the sample index
 * @param workers      decoding threads; batches do not depend on it
 * @param prefetch     batch buffers, so at most this many batches are decoded ahead or held
 * @param maxPixels    an image whose header declares more pixels is refused before it is decoded
 * @param cacheBytes   decoded images kept in memory for the next epochs, up to this many bytes (0:
 *                     none); batches do not depend on it
 */
public record LoaderOptions(int batchSize, int imageSize, Augmentation augmentation, boolean shuffle, long seed,
                            int workers, int prefetch, long maxPixels, long cacheBytes) {

    /**
     * Decoded images kept by default: 1 GiB holds AHE's 10,235 images (64x64, 126 MB decoded) many
     * times over, and most folders of small images.
     */
    public static final long DEFAULT_CACHE_BYTES = 1L << 30;

    public LoaderOptions {
        positive(batchSize, "batch size");
        positive(imageSize, "image size");
        positive(workers, "workers");
        positive(prefetch, "prefetch");
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("cacheBytes must be at least 0, got " + cacheBytes);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be at least 1, got " + maxPixels);
        }
        if (augmentation == null) {
            throw new IllegalArgumentException("augmentation must be given (Augmentation.none() for none)");
        }
    }

    /** Shuffled, standard augmentation, one worker per processor, 3 batches ahead, the default cache. */
    public static LoaderOptions training(int batchSize, int imageSize, long seed) {
        return new LoaderOptions(batchSize, imageSize, Augmentation.standard(), true, seed,
                Runtime.getRuntime().availableProcessors(), 3, Images.DEFAULT_MAX_PIXELS, DEFAULT_CACHE_BYTES);
    }

    /** In order, no augmentation, one worker per processor, 3 batches ahead, the default cache. */
    public static LoaderOptions evaluation(int batchSize, int imageSize) {
        return new LoaderOptions(batchSize, imageSize, Augmentation.none(), false, 0,
                Runtime.getRuntime().availableProcessors(), 3, Images.DEFAULT_MAX_PIXELS, DEFAULT_CACHE_BYTES);
    }

    public LoaderOptions withAugmentation(Augmentation a) {
        return new LoaderOptions(batchSize, imageSize, a, shuffle, seed, workers, prefetch, maxPixels, cacheBytes);
    }

    public LoaderOptions withShuffle(boolean s) {
        return new LoaderOptions(batchSize, imageSize, augmentation, s, seed, workers, prefetch, maxPixels, cacheBytes);
    }

    public LoaderOptions withSeed(long s) {
        return new LoaderOptions(batchSize, imageSize, augmentation, shuffle, s, workers, prefetch, maxPixels,
                cacheBytes);
    }

    public LoaderOptions withWorkers(int w) {
        return new LoaderOptions(batchSize, imageSize, augmentation, shuffle, seed, w, prefetch, maxPixels, cacheBytes);
    }

    public LoaderOptions withPrefetch(int p) {
        return new LoaderOptions(batchSize, imageSize, augmentation, shuffle, seed, workers, p, maxPixels, cacheBytes);
    }

    public LoaderOptions withMaxPixels(long m) {
        return new LoaderOptions(batchSize, imageSize, augmentation, shuffle, seed, workers, prefetch, m, cacheBytes);
    }

    public LoaderOptions withCacheBytes(long c) {
        return new LoaderOptions(batchSize, imageSize, augmentation, shuffle, seed, workers, prefetch, maxPixels, c);
    }

    /** Bytes of one image: {@code imageSize² · 3}. */
    public long imageBytes() {
        return (long) imageSize * imageSize * 3;
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }
}
