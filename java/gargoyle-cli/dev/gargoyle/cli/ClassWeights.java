package dev.gargoyle.cli;

import dev.gargoyle.nn.CrossEntropyLoss;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code --class-weights}: {@code none}, {@code balanced} ({@code n / (K · count)} per class) or one
 * weight per class in label order, e.g. {@code 1,1,2.5,...}; the loss it gives once the class
 * counts are known.
 */
final class ClassWeights {
    private ClassWeights() {
    }

    /** Checks the text now; the returned function makes the loss from the training data's class counts. */
    static Function<int[], CrossEntropyLoss> parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("none")) {
            return counts -> CrossEntropyLoss.unweighted();
        }
        if (t.equals("balanced")) {
            return CrossEntropyLoss::balanced;
        }
        List<String> parts = List.of(t.split(","));
        float[] weights = new float[parts.size()];
        for (int i = 0; i < weights.length; i++) {
            try {
                weights[i] = Float.parseFloat(parts.get(i).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--class-weights: '" + parts.get(i).trim()
                        + "' is not a number; expected none, balanced or one weight per class (w1,w2,...)");
            }
        }
        CrossEntropyLoss loss = withOption(weights);
        return counts -> {
            if (counts.length != weights.length) {
                throw new IllegalArgumentException("--class-weights: " + weights.length + " weights for "
                        + counts.length + " classes; give one per class, in the order of the class folders");
            }
            return loss;
        };
    }

    private static CrossEntropyLoss withOption(float[] weights) {
        try {
            return CrossEntropyLoss.weighted(weights);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--class-weights: " + e.getMessage(), e);
        }
    }
}
