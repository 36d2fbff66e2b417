package dev.gargoyle.parity;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The convolution cases of the parity grid: batch 1, 3; channels 1, 3, 8; spatial sizes 5, 8, 13
 * (height; width is one more, so that a swapped axis shows); kernels 1, 3, 5; stride 1, 2;
 * padding 0, 1, 2; dilation 1, 2; groups 1, 2; with and without bias; always 6 output channels.
 * Combinations a convolution cannot have (groups not dividing the channels, a dilated kernel larger
 * than the padded input) are left out; the bad-input tests cover them.
 *
 * <p>All 1,632 valid cases take about 5 s on the oneDNN backend on 2 idle cores (most of it
 * creating oneDNN primitives for each new shape; the reference takes 2 s), and 40 s to over 2
 * minutes when other work shares the cores. The CPU suite runs them all; the harness default is a
 * covering design of strength 4 instead: 115 cases in which every combination of values of any
 * four factors appears (hence every pair and triple too), for backends where a new shape costs
 * more (cuDNN's algorithm search). {@link BackendParityTests.ConvGridDesign} chooses.
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

    static List<Case> cases(BackendParityTests.ConvGridDesign design) {
        return design.strength() == 0 ? full() : covering(design.strength(), 1);
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
     * A covering design of the given strength t: every value of every factor, and every combination
     * of values of any t factors that some valid case can hold, appears in at least one case
     * (t = 2: all pairs, t = 3: all triples). Built greedily, each new case covering the most
     * combinations not yet covered, ties broken by a shuffle seeded with {@code seed}, so the same
     * seed gives the same cases.
     */
    static List<Case> covering(int strength, long seed) {
        List<int[]> candidates = new ArrayList<>();
        for (int[] l : product()) {
            if (of(l).valid()) {
                candidates.add(l);
            }
        }
        Collections.shuffle(candidates, new Random(seed));
        // Number each combination once, so that the greedy loop works on plain int arrays.
        Map<Long, Integer> ids = new HashMap<>();
        int[][] tuples = new int[candidates.size()][];
        for (int i = 0; i < tuples.length; i++) {
            long[] packed = tuples(candidates.get(i), strength);
            tuples[i] = new int[packed.length];
            for (int j = 0; j < packed.length; j++) {
                tuples[i][j] = ids.computeIfAbsent(packed[j], k -> ids.size());
            }
        }
        boolean[] covered = new boolean[ids.size()];
        int left = covered.length;
        List<Case> out = new ArrayList<>();
        while (left > 0) {
            int best = -1;
            int bestGain = 0;
            for (int i = 0; i < tuples.length; i++) {
                int gain = 0;
                for (int t : tuples[i]) {
                    if (!covered[t]) {
                        gain++;
                    }
                }
                if (gain > bestGain) {
                    best = i;
                    bestGain = gain;
                }
            }
            for (int t : tuples[best]) {
                covered[t] = true;
            }
            left -= bestGain;
            out.add(of(candidates.get(best)));
        }
        return out;
    }

    /** The value combinations of every {@code strength} factors of one case, each packed in a long. */
    private static long[] tuples(int[] l, int strength) {
        List<Long> out = new ArrayList<>();
        collect(l, strength, 0, 0L, out);
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** Packs (factor, level) choices four bits each, the factors in increasing order. */
    private static void collect(int[] l, int left, int from, long packed, List<Long> out) {
        if (left == 0) {
            out.add(packed);
            return;
        }
        for (int f = from; f < l.length; f++) {
            collect(l, left - 1, f + 1, (packed << 8) | (f + 1L) << 4 | l[f], out);
        }
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
