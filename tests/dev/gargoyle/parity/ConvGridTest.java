package dev.gargoyle.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        List<ConvGrid.Case> pairs = ConvGrid.allPairs(1);
        assertTrue(pairs.stream().allMatch(ConvGrid.Case::valid));
        assertEquals(pairs, ConvGrid.allPairs(1), "the design depends only on the seed");
        Set<List<Object>> wanted = pairsOf(ConvGrid.full()), covered = pairsOf(pairs);
        assertEquals(wanted, covered);
        assertTrue(pairs.size() < 60, "all-pairs should be a few dozen cases, got " + pairs.size());
    }

    private static Set<List<Object>> pairsOf(List<ConvGrid.Case> cases) {
        Set<List<Object>> out = new HashSet<>();
        for (ConvGrid.Case c : cases) {
            for (int i = 0; i < FACTORS.size(); i++) {
                for (int j = i + 1; j < FACTORS.size(); j++) {
                    out.add(List.of(i, FACTORS.get(i).apply(c), j, FACTORS.get(j).apply(c)));
                }
            }
        }
        return out;
    }
}
