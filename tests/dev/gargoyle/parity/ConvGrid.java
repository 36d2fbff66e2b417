package dev.gargoyle.parity;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The convolution cases of the parity grid: batch 1, 3; channels 1, 3, 8; spatial sizes 5, 8, 13
 * (height; width is one more, so that a swapped axis shows); kernels 1, 3, 5; stride 1, 2;
 * padding 0, 1, 2; dilation 1, 2; groups 1, 2; with and without bias; always 6 output channels.
 * Combinations a convolution cannot have (groups not dividing the channels, a dilated kernel larger
 * than the padded input) are left out; the bad-input tests cover them.
 */
final class ConvGrid {
    static final int OUT_CHANNELS = 6;
    private static final int[][] LEVELS = {
        {1, 3},     // batch
        {1, 3, 8},  // channels
        {5, 8, 13}, // size
        {1, 3, 5},  // kernel
        {1, 2},     // stride
        {0, 1, 2},  // padding
        {1, 2},     // dilation
        {1, 2},     // groups
        {0, 1},     // bias
    };

    private ConvGrid() {
    }

    /** One convolution of the grid. */
    record Case(int batch, int channels, int size, int kernel, int stride, int padding, int dilation, int groups,
                boolean bias) {
        Shape x() {
            return Shape.of(batch, channels, size, size + 1);
        }

        Shape w() {
            return Shape.of(OUT_CHANNELS, channels / groups, kernel, kernel);
        }

        Conv2dSpec spec() {
            return new Conv2dSpec(stride, stride, padding, padding, dilation, dilation, groups);
        }

        boolean valid() {
            return channels % groups == 0 && OUT_CHANNELS % groups == 0
                    && dilation * (kernel - 1) + 1 <= size + 2 * padding;
        }

        @Override
        public String toString() {
            return "N" + batch + " C" + channels + " " + size + "x" + (size + 1) + " k" + kernel + " s" + stride
                    + " p" + padding + " d" + dilation + " g" + groups + (bias ? " bias" : " no-bias");
        }
    }

    /** Every valid combination of the levels (1,632 cases). */
    static List<Case> full() {
        List<Case> out = new ArrayList<>();
        for (int[] l : product()) {
            Case c = of(l);
            if (c.valid()) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * An all-pairs covering design: every value of every factor, and every pair of values of two
     * factors that some valid case can hold, appears in at least one case. Built greedily (each new
     * case covers the most pairs not yet covered, ties broken by a shuffle seeded with {@code seed}),
     * so the same seed gives the same few dozen cases.
     */
    static List<Case> allPairs(long seed) {
        List<int[]> candidates = new ArrayList<>();
        for (int[] l : product()) {
            if (of(l).valid()) {
                candidates.add(l);
            }
        }
        Collections.shuffle(candidates, new Random(seed));
        Set<Long> uncovered = new HashSet<>();
        for (int[] l : candidates) {
            uncovered.addAll(pairs(l));
        }
        List<Case> out = new ArrayList<>();
        while (!uncovered.isEmpty()) {
            int[] best = null;
            int bestGain = 0;
            for (int[] l : candidates) {
                int gain = 0;
                for (long p : pairs(l)) {
                    if (uncovered.contains(p)) {
                        gain++;
                    }
                }
                if (gain > bestGain) {
                    best = l;
                    bestGain = gain;
                }
            }
            uncovered.removeAll(pairs(best));
            out.add(of(best));
        }
        return out;
    }

    /** The (factor, value, factor, value) pairs of one combination of level indices, packed in longs. */
    private static List<Long> pairs(int[] l) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < l.length; i++) {
            for (int j = i + 1; j < l.length; j++) {
                out.add(((((long) i * 16 + l[i]) * 16 + j) * 16) + l[j]);
            }
        }
        return out;
    }

    /** All combinations of level indices. */
    private static List<int[]> product() {
        List<int[]> out = new ArrayList<>();
        int[] l = new int[LEVELS.length];
        while (true) {
            out.add(l.clone());
            int f = 0;
            while (f < l.length && ++l[f] == LEVELS[f].length) {
                l[f++] = 0;
            }
            if (f == l.length) {
                return out;
            }
        }
    }

    private static Case of(int[] l) {
        int[] v = new int[l.length];
        for (int f = 0; f < l.length; f++) {
            v[f] = LEVELS[f][l[f]];
        }
        return new Case(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8] == 1);
    }
}
