package dev.gargoyle.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The convolution grid holds only valid cases, and the all-pairs design covers what it promises. */
class ConvGridTest {
    private static final List<Function<ConvGrid.Case, Object>> FACTORS = List.of(
            ConvGrid.Case::batch, ConvGrid.Case::channels, ConvGrid.Case::size, ConvGrid.Case::kernel,
            ConvGrid.Case::stride, ConvGrid.Case::padding, ConvGrid.Case::dilation, ConvGrid.Case::groups,
            ConvGrid.Case::bias);

    @Test
    void fullGridIsEveryValidCombination() {
        List<ConvGrid.Case> full = ConvGrid.full();
        assertTrue(full.stream().allMatch(ConvGrid.Case::valid));
        assertEquals(full.size(), new HashSet<>(full).size());
        // Counted again here, by the rules of Conv2dSpec, independently of ConvGrid's loop.
        long expected = 0;
        for (int b : new int[] {1, 3}) for (int c : new int[] {1, 3, 8}) for (int s : new int[] {5, 8, 13})
        for (int k : new int[] {1, 3, 5}) for (int st : new int[] {1, 2}) for (int p : new int[] {0, 1, 2})
        for (int d : new int[] {1, 2}) for (int g : new int[] {1, 2}) for (int bias = 0; bias < 2; bias++) {
            if (c % g == 0 && d * (k - 1) + 1 <= s + 2 * p) {
                expected++;
            }
        }
        assertEquals(expected, full.size());
    }

    @Test
    void allPairsCoversEveryPairThatAValidCaseCanHold() {
        checkCovering(2, 20);
    }

    @Test
    void triplesAndQuadruplesCoverWhatValidCasesCanHold() {
        checkCovering(3, 60);
        checkCovering(4, 150);
    }

    private static void checkCovering(int strength, int atMost) {
        List<ConvGrid.Case> design = ConvGrid.covering(strength, 1);
        assertTrue(design.stream().allMatch(ConvGrid.Case::valid));
        assertEquals(design, ConvGrid.covering(strength, 1), "the design depends only on the seed");
        assertEquals(tuplesOf(ConvGrid.full(), strength), tuplesOf(design, strength));
        assertTrue(design.size() <= atMost, "strength " + strength + " took " + design.size() + " cases");
    }

    /** Every (factor, value, factor, value, ...) combination of {@code strength} factors in the cases. */
    private static Set<List<Object>> tuplesOf(List<ConvGrid.Case> cases, int strength) {
        Set<List<Object>> out = new HashSet<>();
        for (ConvGrid.Case c : cases) {
            addTuples(c, strength, 0, new ArrayList<>(), out);
        }
        return out;
    }

    private static void addTuples(ConvGrid.Case c, int left, int from, List<Object> prefix, Set<List<Object>> out) {
        if (left == 0) {
            out.add(List.copyOf(prefix));
            return;
        }
        for (int f = from; f < FACTORS.size(); f++) {
            prefix.add(f);
            prefix.add(FACTORS.get(f).apply(c));
            addTuples(c, left - 1, f + 1, prefix, out);
            prefix.remove(prefix.size() - 1);
            prefix.remove(prefix.size() - 1);
        }
    }
}
