package dev.gargoyle.cuda;

import java.util.ArrayList;
import java.util.Comparator;
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

    /**
     * Every algorithm found for the convolution of {@code key} at any alignment, forward first, the
     * best-aligned searches first within a direction; empty for directions not run yet.
     */
    List<ConvAlgorithm> algorithms(ConvKey key) {
        List<ConvAlgorithm> out = new ArrayList<>();
        for (ConvAlgorithm.Direction d : ConvAlgorithm.Direction.values()) {
            choices.getOrDefault(d, Map.of()).entrySet().stream()
                    .filter(e -> e.getKey().sameConvolution(key))
                    .sorted(Comparator.comparingInt((Map.Entry<ConvKey, ConvChoice> e) -> e.getKey().alignment())
                            .reversed())
                    .forEach(e -> out.addAll(e.getValue().algorithms()));
        }
        return out;
    }
}
