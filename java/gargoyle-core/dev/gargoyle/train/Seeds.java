package dev.gargoyle.train;

import java.util.SplittableRandom;

/**
 * Derives independent seeds from a base seed and a few integers (epoch, sample index, ...), so that
 * every random choice of training and its data pipeline depends on what it is for and never on
 * thread timing; and the seeded permutations that samplers, splits and probes order samples by.
 */
public final class Seeds {
    /** Tags that keep the seeds of different uses apart. */
    public static final long SPLIT = 0x5350_4C49_54L;
    public static final long SHUFFLE = 0x5348_5546L;
    public static final long AUGMENT = 0x4155_474DL;
    public static final long SAMPLE = 0x5341_4D50L;
    public static final long BALANCED = 0x4241_4C41L;

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Seeds() {
    }

    /** SplitMix64's finaliser over the parts in turn: equal inputs give equal seeds, any change scrambles all bits. */
    public static long mix(long seed, long... parts) {
        long h = scramble(seed);
        for (long part : parts) {
            h = scramble(h + GOLDEN + scramble(part + GOLDEN));
        }
        return h;
    }

    /** A permutation of {@code 0..n-1} by a Fisher-Yates shuffle seeded with {@code seed}. */
    public static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static long scramble(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
