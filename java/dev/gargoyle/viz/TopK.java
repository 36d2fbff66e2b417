package dev.gargoyle.viz;

import java.util.Arrays;

/**
 * The k largest values seen per unit, with the image each came from, kept while images stream by
 * (memory is units·k, whatever the data set's size). An equal value never displaces an earlier
 * image, so the outcome does not depend on anything but the order images arrive in.
 */
final class TopK {
    private final int k;
    private final float[][] values;
    private final int[][] images;
    private final int[] count;
    private final int[] minAt;

    TopK(int units, int k) {
        this.k = k;
        this.values = new float[units][k];
        this.images = new int[units][k];
        this.count = new int[units];
        this.minAt = new int[units];
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
            if (n == 0 || value < v[m] || (value == v[m] && image > im[m])) {
                minAt[unit] = n;
            }
            return;
        }
        if (!(value > v[minAt[unit]])) {
            return;
        }
        v[minAt[unit]] = value;
        im[minAt[unit]] = image;
        // The new minimum is the last-seen of the smallest values, so ties keep the earlier image.
        int m = 0;
        for (int i = 1; i < k; i++) {
            if (v[i] < v[m] || (v[i] == v[m] && im[i] > im[m])) {
                m = i;
            }
        }
        minAt[unit] = m;
    }

    /** The unit's images, largest value first (ties: earlier image first). */
    int[] images(int unit) {
        return sorted(unit).images;
    }

    /** The unit's values in the same order as {@link #images}. */
    float[] values(int unit) {
        return sorted(unit).values;
    }

    private record Sorted(int[] images, float[] values) {
    }

    private Sorted sorted(int unit) {
        int n = count[unit];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        float[] v = values[unit];
        int[] im = images[unit];
        Arrays.sort(order, (a, b) -> v[a] != v[b] ? Float.compare(v[b], v[a]) : Integer.compare(im[a], im[b]));
        int[] outImages = new int[n];
        float[] outValues = new float[n];
        for (int i = 0; i < n; i++) {
            outImages[i] = im[order[i]];
            outValues[i] = v[order[i]];
        }
        return new Sorted(outImages, outValues);
    }
}
