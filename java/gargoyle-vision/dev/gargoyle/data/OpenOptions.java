package dev.gargoyle.data;

/**
 * How {@link ImageFolder#open} reads a data set.
 *
 * @param valSplit fraction of each class held out for testing when the folder has no train/test split
 * @param seed     seeds that split
 * @param strict   an unreadable image is an error (naming it) instead of a skipped file with a warning
 * @param verify   decode every image once at open, so bad files are found before training starts
 * @param threads  threads for that check
 * @param maxPixels images whose header declares more pixels are unreadable (skipped, or an error
 *                 when strict) before they are decoded
 */
public record OpenOptions(double valSplit, long seed, boolean strict, boolean verify, int threads, long maxPixels) {

    public OpenOptions {
        if (!(valSplit >= 0 && valSplit < 1)) {
            throw new IllegalArgumentException("validation split must be in [0, 1), got " + valSplit);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be at least 1, got " + maxPixels);
        }
    }

    /** Split 0.2, seed 0, not strict, verify with one thread per processor, {@link Images#DEFAULT_MAX_PIXELS}. */
    public static OpenOptions defaults() {
        return new OpenOptions(0.2, 0, false, true, Runtime.getRuntime().availableProcessors(),
                Images.DEFAULT_MAX_PIXELS);
    }

    public OpenOptions withValSplit(double v) {
        return new OpenOptions(v, seed, strict, verify, threads, maxPixels);
    }

    public OpenOptions withSeed(long s) {
        return new OpenOptions(valSplit, s, strict, verify, threads, maxPixels);
    }

    public OpenOptions withStrict(boolean s) {
        return new OpenOptions(valSplit, seed, s, verify, threads, maxPixels);
    }

    public OpenOptions withVerify(boolean v) {
        return new OpenOptions(valSplit, seed, strict, v, threads, maxPixels);
    }

    public OpenOptions withThreads(int t) {
        return new OpenOptions(valSplit, seed, strict, verify, t, maxPixels);
    }

    public OpenOptions withMaxPixels(long m) {
        return new OpenOptions(valSplit, seed, strict, verify, threads, m);
    }
}
