package dev.gargoyle.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.tensor.Shape;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The epoch orders: every sample once (in order or permuted), or classes drawn evenly. */
class SamplerTest {
    /** 90, 9 and 1 samples of three classes, like a data set with a rare class. */
    private static final DataSource SKEWED = data(90, 9, 1);

    private static ArrayDataSource data(int... counts) {
        int n = Arrays.stream(counts).sum();
        float[][] x = new float[n][1];
        int[] labels = new int[n];
        int at = 0;
        for (int c = 0; c < counts.length; c++) {
            for (int i = 0; i < counts[c]; i++) {
                x[at][0] = at;
                labels[at++] = c;
            }
        }
        return new ArrayDataSource(List.of("big", "small", "rare"), Shape.of(1), x, labels);
    }

    @Test
    void inOrderAndShuffledVisitEverySampleOnce() {
        int[] inOrder = Sampler.inOrder().order(SKEWED, 3);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, inOrder[i]);
        }
        int[] e0 = Sampler.shuffled(7).order(SKEWED, 0);
        int[] sorted = e0.clone();
        Arrays.sort(sorted);
        assertArrayEquals(inOrder, sorted, "a permutation");
        assertArrayEquals(e0, Sampler.shuffled(7).order(SKEWED, 0), "seeded");
        assertFalse(Arrays.equals(e0, Sampler.shuffled(7).order(SKEWED, 1)), "another epoch, another order");
    }

    @Test
    void balancedDrawsEveryClassAboutEquallyOften() {
        int[] drawn = new int[3];
        int epochs = 30;
        for (int e = 0; e < epochs; e++) {
            int[] order = Sampler.balanced(11).order(SKEWED, e);
            assertEquals(100, order.length, "as many draws as samples");
            for (int i : order) {
                drawn[SKEWED.label(i)]++;
            }
        }
        // 3,000 draws, each class with probability 1/3: the standard deviation of a count is 26.
        for (int c = 0; c < 3; c++) {
            assertEquals(1000, drawn[c], 100, "class " + c + " drawn " + Arrays.toString(drawn));
        }
        int[] e0 = Sampler.balanced(11).order(SKEWED, 0);
        assertArrayEquals(e0, Sampler.balanced(11).order(SKEWED, 0), "seeded by seed and epoch");
        assertFalse(Arrays.equals(e0, Sampler.balanced(12).order(SKEWED, 0)));
    }

    @Test
    void balancedDrawsWithinAClassUniformly() {
        int[] perSample = new int[100];
        for (int e = 0; e < 60; e++) {
            for (int i : Sampler.balanced(5).order(SKEWED, e)) {
                perSample[i]++;
            }
        }
        assertTrue(perSample[99] > 1500, "the one rare sample carries its class: " + perSample[99]);
        for (int i = 90; i < 99; i++) {
            assertEquals(6000 / 3.0 / 9, perSample[i], 90, "small-class sample " + i);
        }
    }
}
