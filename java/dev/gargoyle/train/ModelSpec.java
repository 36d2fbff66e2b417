package dev.gargoyle.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gargoyle.nn.AheNet;
import dev.gargoyle.nn.Sequential;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What it takes to rebuild an AHE model and feed it: class names, input size, normalisation and
 * dropout rate. Stored in a checkpoint's metadata; recovered from tensor shapes alone for files
 * saved by PyTorch without it.
 */
public record ModelSpec(List<String> classes, int size, float[] mean, float[] std, double dropout) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "gargoyle.model";

    public ModelSpec {
        classes = List.copyOf(classes);
    }

    /** A fresh AheNet of this shape (parameters are set when it joins a Model). */
    public Sequential newNetwork() {
        return AheNet.create(classes.size(), size, dropout);
    }


    Map<String, String> toMetadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", "AheNet");
        m.put("classes", classes);
        m.put("size", size);
        m.put("mean", mean);
        m.put("std", std);
        m.put("dropout", dropout);
        try {
            return Map.of(KEY, JSON.writeValueAsString(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise model spec", e);
        }
    }

    /**
     * The spec in {@code contents}' metadata, or one inferred from the tensor shapes (class names
     * {@code class_0..}, mean and std 0.5) for a PyTorch-saved file.
     */
    static ModelSpec from(Safetensors.Contents contents, String file) {
        String json = contents.metadata().get(KEY);
        if (json != null) {
            try {
                Map<String, Object> m = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
                @SuppressWarnings("unchecked")
                List<String> classes = (List<String>) m.get("classes");
                return new ModelSpec(classes, ((Number) m.get("size")).intValue(), floats(m.get("mean")),
                        floats(m.get("std")), ((Number) m.get("dropout")).doubleValue());
            } catch (JsonProcessingException | ClassCastException | NullPointerException e) {
                throw new IllegalArgumentException(file + ": unreadable model description in metadata '" + KEY
                        + "': " + e.getMessage(), e);
            }
        }
        TensorData head = contents.tensors().get("classifier.8.weight");
        TensorData first = contents.tensors().get("classifier.2.weight");
        if (head == null || first == null) {
            throw new IllegalArgumentException(file + ": not an AheNet checkpoint (no classifier.2.weight / "
                    + "classifier.8.weight tensors)");
        }
        int side = (int) Math.round(Math.sqrt(first.shape().dim(1) / 512.0));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < head.shape().dim(0); i++) {
            names.add("class_" + i);
        }
        return new ModelSpec(names, side * 16, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f},
                0.25);
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).floatValue();
        }
        return f;
    }
}
