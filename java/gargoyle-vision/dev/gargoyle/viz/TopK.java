package dev.gargoyle.viz;

import java.util.Arrays;

/**
 * The k largest values seen per unit, with the image each came from, kept while images stream by
 * (memory is units·k, whatever the data set's size). Equal values are ranked by a fixed order of
 * the images ({@code tieRank}, lower first) rather than by arrival, because data sets arrive class by
 * class: breaking ties by arrival would hand a unit that is silent on many images the first class.
 */
final class TopK {
    private final int k;
    private final int[] tieRank;
    private final float[][] values;
    private final int[][] images;
    private final int[] count;
    private final int[] minAt;

    /** {@code tieRank[image]} orders images of equal value; it must cover every image offered. */
    TopK(int units, int k, int[] tieRank) {
        this.k = k;
        this.tieRank = tieRank;
        this.values = new float[units][k];
        this.images = new int[units][k];
        this.count = new int[units];
        this.minAt = new int[units];
    }

    /** True when (a, imageA) ranks below (b, imageB): a smaller value, or equal and later in the tie order. */
    private boolean below(float a, int imageA, float b, int imageB) {
        return a < b || (a == b && tieRank[imageA] > tieRank[imageB]);
    }

    void offer(int unit, float value, int image) {
        float[] v = values[unit];
        int[] im = images[unit];
        int n = count[unit];
        if (n < k) {
            v[n] = value;
            im[n] = image;
            count[unit] = n + 1;
            int m = minAt[unit];
            if (n == 0 || below(value, image, v[m], im[m])) {
                minAt[unit] = n;
            }
            return;
        }
        int m = minAt[unit];
        if (!below(v[m], im[m], value, image)) {
            return;
        }
        v[m] = value;
        im[m] = image;
        int lowest = 0;
        for (int i = 1; i < k; i++) {
            if (below(v[i], im[i], v[lowest], im[lowest])) {
                lowest = i;
            }
        }
        minAt[unit] = lowest;
    }

    /** A unit's images, largest value first (equal values in tie order), and their values in the same order. */
    record Ranked(int[] images, float[] values) {
    }

    Ranked ranked(int unit) {
        int n = count[unit];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        float[] v = values[unit];
        int[] im = images[unit];
        Arrays.sort(order, (a, b) -> below(v[a], im[a], v[b], im[b]) ? 1 : below(v[b], im[b], v[a], im[a]) ? -1 : 0);
        int[] outImages = new int[n];
        float[] outValues = new float[n];
        for (int i = 0; i < n; i++) {
            outImages[i] = im[order[i]];
            outValues[i] = v[order[i]];
        }
        return new Ranked(outImages, outValues);
    }
}
