package dev.gargoyle.cuda;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The chosen convolution algorithms, per direction and key; each key is searched once. */
final class ConvAlgorithmCache {
    private final Map<ConvAlgorithm.Direction, Map<ConvKey, ConvChoice>> choices =
            new EnumMap<>(ConvAlgorithm.Direction.class);
    private long searches;

    /** The choice for {@code key}, running {@code search} only the first time. */
    ConvChoice get(ConvAlgorithm.Direction direction, ConvKey key, Function<ConvKey, ConvChoice> search) {
        Map<ConvKey, ConvChoice> byKey = choices.computeIfAbsent(direction, d -> new HashMap<>());
        ConvChoice c = byKey.get(key);
        if (c == null) {
            c = search.apply(key);
            searches++;
            byKey.put(key, c);
        }
        return c;
    }

    /** How many Find searches have run (each key and direction once). */
    long searches() {
        return searches;
    }

    /** Every algorithm found for {@code key}, forward first; empty for directions not run yet. */
    List<ConvAlgorithm> algorithms(ConvKey key) {
        List<ConvAlgorithm> out = new ArrayList<>();
        for (ConvAlgorithm.Direction d : ConvAlgorithm.Direction.values()) {
            ConvChoice c = choices.getOrDefault(d, Map.of()).get(key);
            if (c != null) {
                out.addAll(c.algorithms());
            }
        }
        return out;
    }
}
