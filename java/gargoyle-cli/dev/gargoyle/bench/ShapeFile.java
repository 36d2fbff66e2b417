package dev.gargoyle.bench;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a shape file: one layer per line, a kind followed by {@code key=value} fields in any
 * order; {@code #} starts a comment, blank lines are skipped.
 * <pre>
 * conv [name=NAME] n=N c=C h=H w=W k=K r=R s=S [pad=P|PHxPW] [stride=S|SHxSW]   (pad 0, stride 1)
 * pool [name=NAME] n=N c=C h=H w=W kernel=K [stride=S] [pad=P] [mode=max|avg]  (stride = kernel, pad 0, max)
 * bn   [name=NAME] n=N c=C h=H w=W [relu=yes|no]                               (no ReLU)
 * </pre>
 * A layer without a name is called {@code <kind>.<line>}. Every error names the file and line.
 */
public final class ShapeFile {
    private static final Set<String> IMAGE = Set.of("name", "n", "c", "h", "w");
    private static final Map<String, Set<String>> KEYS = Map.of(
            "conv", union(IMAGE, Set.of("k", "r", "s", "pad", "stride")),
            "pool", union(IMAGE, Set.of("kernel", "stride", "pad", "mode")),
            "bn", union(IMAGE, Set.of("relu")));

    private ShapeFile() {
    }

    /**
     * The layers of {@code file}, in file order.
     *
     * @throws IllegalArgumentException {@code FILE:LINE: what is wrong} for the first bad line, or
     *                                  when the file cannot be read or has no layers
     */
    public static List<BenchLayer> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read shape file " + file + ": " + e.getMessage(), e);
        }
        List<BenchLayer> layers = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            int hash = text.indexOf('#');
            text = (hash < 0 ? text : text.substring(0, hash)).trim();
            if (text.isEmpty()) {
                continue;
            }
            String where = file + ":" + (i + 1);
            BenchLayer layer;
            try {
                layer = parse(text, i + 1);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            Integer earlier = names.putIfAbsent(layer.name(), i + 1);
            if (earlier != null) {
                throw new IllegalArgumentException(where + ": layer name '" + layer.name() + "' is already used on line "
                        + earlier);
            }
            layers.add(layer);
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException(file + ": no layers (expected lines like 'conv n=8 c=64 h=56 w=56 k=64 "
                    + "r=3 s=3 pad=1')");
        }
        return layers;
    }

    /** One layer from a line without its comment. */
    static BenchLayer parse(String text, int line) {
        String[] tokens = text.split("\\s+");
        String kind = tokens[0].toLowerCase(Locale.ROOT);
        Set<String> allowed = KEYS.get(kind);
        if (allowed == null) {
            throw new IllegalArgumentException("unknown layer kind '" + tokens[0] + "', expected conv, pool or bn");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int t = 1; t < tokens.length; t++) {
            int eq = tokens[t].indexOf('=');
            if (eq <= 0 || eq == tokens[t].length() - 1) {
                throw new IllegalArgumentException("expected key=value, got '" + tokens[t] + "'");
            }
            String key = tokens[t].substring(0, eq).toLowerCase(Locale.ROOT);
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException("unknown field '" + key + "' for " + kind + ", expected "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
            if (fields.put(key, tokens[t].substring(eq + 1)) != null) {
                throw new IllegalArgumentException("field '" + key + "' given twice");
            }
        }
        Fields f = new Fields(kind, fields);
        String name = fields.getOrDefault("name", kind + "." + line);
        return switch (kind) {
            case "conv" -> {
                int[] pad = f.pair("pad", 0);
                int[] stride = f.pair("stride", 1);
                yield new ConvLayer(name, f.positive("n"), f.positive("c"), f.positive("h"), f.positive("w"),
                        f.positive("k"), f.positive("r"), f.positive("s"),
                        new Conv2dSpec(stride[0], stride[1], pad[0], pad[1], 1, 1, 1));
            }
            case "pool" -> {
                int kernel = f.positive("kernel");
                int stride = f.optional("stride", kernel);
                int pad = f.optional("pad", 0);
                String mode = fields.getOrDefault("mode", "max").toLowerCase(Locale.ROOT);
                Pool2dSpec spec = switch (mode) {
                    case "max" -> Pool2dSpec.max(kernel, stride, pad);
                    case "avg" -> Pool2dSpec.avg(kernel, stride, pad);
                    default -> throw new IllegalArgumentException("mode must be max or avg, got '" + mode + "'");
                };
                yield new PoolLayer(name, f.positive("n"), f.positive("c"), f.positive("h"), f.positive("w"), spec);
            }
            default -> {
                String relu = fields.getOrDefault("relu", "no").toLowerCase(Locale.ROOT);
                if (!relu.equals("yes") && !relu.equals("no")) {
                    throw new IllegalArgumentException("relu must be yes or no, got '" + relu + "'");
                }
                yield new BatchNormLayer(name, f.positive("n"), f.positive("c"), f.positive("h"), f.positive("w"),
                        relu.equals("yes"));
            }
        };
    }

    /** The fields of one line, read as numbers with errors naming the field. */
    private record Fields(String kind, Map<String, String> values) {
        int positive(String key) {
            String v = values.get(key);
            if (v == null) {
                throw new IllegalArgumentException(kind + " needs " + key + "=..., it is missing");
            }
            int n = number(key, v);
            if (n < 1) {
                throw new IllegalArgumentException(key + " must be at least 1, got " + n);
            }
            return n;
        }

        int optional(String key, int fallback) {
            String v = values.get(key);
            return v == null ? fallback : number(key, v);
        }

        /** {@code A} or {@code AxB} (height by width). */
        int[] pair(String key, int fallback) {
            String v = values.get(key);
            if (v == null) {
                return new int[] {fallback, fallback};
            }
            String[] parts = v.toLowerCase(Locale.ROOT).split("x", -1);
            if (parts.length > 2) {
                throw new IllegalArgumentException(key + " must be a number or HxW, got '" + v + "'");
            }
            int a = number(key, parts[0]);
            return new int[] {a, parts.length == 2 ? number(key, parts[1]) : a};
        }

        private static int number(String key, String v) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'");
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return Set.copyOf(u);
    }
}
