package dev.gargoyle.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON form of an {@link EpochRecord} in the training log, snake_case keys; NaN (no loss recorded)
 * becomes null, since JSON has no NaN.
 */
final class EpochRecordJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EpochRecordJson() {
    }

    static ObjectNode toJson(EpochRecord r) {
        ObjectNode node = JSON.createObjectNode();
        node.put("epoch", r.epoch());
        node.put("step", r.step());
        putNumber(node, "lr", r.lr());
        putNumber(node, "epoch_seconds", r.epochSeconds());
        putNumber(node, "images_per_second", r.imagesPerSecond());
        node.set("train", summary(r.train()));
        node.set("test", r.test() == null ? node.nullNode() : summary(r.test()));
        return node;
    }

    private static ObjectNode summary(MetricsSummary s) {
        ObjectNode node = JSON.createObjectNode();
        putNumber(node, "loss", s.loss());
        node.put("accuracy", s.accuracy());
        node.put("precision", s.precision());
        node.put("recall", s.recall());
        node.put("f1", s.f1());
        ArrayNode p = node.putArray("class_precision");
        ArrayNode r = node.putArray("class_recall");
        ArrayNode f = node.putArray("class_f1");
        ArrayNode support = node.putArray("support");
        ArrayNode confusion = node.putArray("confusion");
        for (int c = 0; c < s.numClasses(); c++) {
            p.add(s.classPrecision()[c]);
            r.add(s.classRecall()[c]);
            f.add(s.classF1()[c]);
            support.add(s.support()[c]);
            ArrayNode row = confusion.addArray();
            for (long count : s.confusion()[c]) {
                row.add(count);
            }
        }
        return node;
    }

    private static void putNumber(ObjectNode node, String key, double v) {
        if (Double.isNaN(v)) {
            node.putNull(key);
        } else {
            node.put(key, v);
        }
    }

    static EpochRecord fromJson(JsonNode node) {
        JsonNode test = node.get("test");
        return new EpochRecord(
                (int) integer(node, "epoch"),
                integer(node, "step"),
                number(node, "lr"),
                summary(field(node, "train")),
                test == null || test.isNull() ? null : summary(test),
                number(node, "epoch_seconds"),
                number(node, "images_per_second"));
    }

    private static MetricsSummary summary(JsonNode node) {
        JsonNode confusion = field(node, "confusion");
        int k = confusion.size();
        long[][] counts = new long[k][k];
        for (int a = 0; a < k; a++) {
            JsonNode row = confusion.get(a);
            if (row.size() != k) {
                throw new IllegalArgumentException("confusion row " + a + " has " + row.size() + " entries, expected "
                        + k);
            }
            for (int p = 0; p < k; p++) {
                counts[a][p] = row.get(p).asLong();
            }
        }
        return new MetricsSummary(number(node, "loss"), number(node, "accuracy"), number(node, "precision"),
                number(node, "recall"), number(node, "f1"), doubles(node, "class_precision", k),
                doubles(node, "class_recall", k), doubles(node, "class_f1", k), longs(node, "support", k), counts);
    }

    private static JsonNode field(JsonNode node, String key) {
        JsonNode v = node == null ? null : node.get(key);
        if (v == null || v.isMissingNode()) {
            throw new IllegalArgumentException("missing field '" + key + "'");
        }
        return v;
    }

    private static long integer(JsonNode node, String key) {
        JsonNode v = field(node, key);
        if (!v.canConvertToExactIntegral()) {
            throw new IllegalArgumentException("field '" + key + "' is not an integer: " + v);
        }
        return v.asLong();
    }

    private static double number(JsonNode node, String key) {
        JsonNode v = field(node, key);
        if (v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException("field '" + key + "' is not a number: " + v);
        }
        return v.asDouble();
    }

    private static double[] doubles(JsonNode node, String key, int k) {
        JsonNode v = sized(node, key, k);
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    private static long[] longs(JsonNode node, String key, int k) {
        JsonNode v = sized(node, key, k);
        long[] out = new long[k];
        for (int i = 0; i < k; i++) {
            out[i] = v.get(i).asLong();
        }
        return out;
    }

    private static JsonNode sized(JsonNode node, String key, int k) {
        JsonNode v = field(node, key);
        if (!v.isArray() || v.size() != k) {
            throw new IllegalArgumentException("field '" + key + "' must be an array of " + k + " numbers, got " + v);
        }
        return v;
    }
}
