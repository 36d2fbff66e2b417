package dev.gargoyle.tensor;

/**
 * The counter-based random numbers behind dropout, defined here once so that every backend (and
 * our CUDA kernel, native/dropout.cu) draws the same mask for the same seed: element {@code i} of a
 * call with seed {@code s} gets {@code splitmix64(s + (i+1)·0x9E3779B97F4A7C15)}, top 24 bits.
 */
public final class DropoutRandom {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private DropoutRandom() {
    }

    /** A uniform number in {@code [0, 1)} with 24 random bits, from the seed and the element index. */
    public static float uniform(long seed, long index) {
        long z = seed + (index + 1) * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 40) * 0x1.0p-24f;
    }
}
