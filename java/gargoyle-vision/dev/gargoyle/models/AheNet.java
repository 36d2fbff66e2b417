package dev.gargoyle.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Conv2d;
import dev.gargoyle.nn.Dropout;
import dev.gargoyle.nn.Flatten;
import dev.gargoyle.nn.Linear;
import dev.gargoyle.nn.MaxPool2d;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.Module;
import dev.gargoyle.nn.ReLU;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.train.Checkpoint;
import dev.gargoyle.train.CheckpointException;
import dev.gargoyle.train.Safetensors;
import dev.gargoyle.train.TensorData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AHE (Architectural Heritage Elements) CNN of the model zoo, exactly this PyTorch model, whose
 * {@code state_dict} names its checkpoints use:
 * <pre>
 * features = Sequential(Conv2d(3,32,3,p=1), BatchNorm2d(32), ReLU(), MaxPool2d(2,2), ... 64, 128, 256 ...,
 *                       Conv2d(256,512,3,p=1), BatchNorm2d(512), ReLU())
 * classifier = Sequential(Flatten(), Dropout(d), Linear(512*(size/16)^2, 1024), ReLU(),
 *                         Dropout(d), Linear(1024, 512), ReLU(), Dropout(d), Linear(512, classes))
 * </pre>
 * One value describes one such model and how to feed it: class names, input size, normalisation
 * and dropout rate. It owns the architecture's facts (its head, its conv layers, the layers worth
 * probing), saved in a checkpoint's metadata and recovered from tensor shapes alone for files
 * saved by PyTorch without it.
 */
public record AheNet(List<String> classes, int size, float[] mean, float[] std, double dropout) {
    /** Convolution widths, one block each; every block but the last ends with 2x2 max pooling. */
    private static final int[] WIDTHS = {32, 64, 128, 256, 512};
    /** The last Linear: the layer a fine-tune for other classes replaces. */
    public static final String HEAD = "classifier.8";
    private static final String FIRST_LINEAR = "classifier.2";
    private static final String METADATA_KEY = "gargoyle.model";
    private static final ObjectMapper JSON = new ObjectMapper();

    public AheNet {
        classes = List.copyOf(classes);
        mean = mean.clone();
        std = std.clone();
        if (size < 16 || size % 16 != 0) {
            throw new IllegalArgumentException("AheNet: image size must be a positive multiple of 16, got " + size);
        }
        if (classes.size() < 2) {
            throw new IllegalArgumentException("AheNet: need at least 2 classes, got " + classes.size());
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("AheNet: mean and std need 3 values (R, G, B), got " + mean.length
                    + " and " + std.length);
        }
        for (int c = 0; c < 3; c++) {
            if (!Float.isFinite(mean[c]) || !(std[c] > 0 && Float.isFinite(std[c]))) {
                throw new IllegalArgumentException("AheNet: mean must be finite and std finite and above 0 (it "
                        + "divides every pixel), got mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std));
            }
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("AheNet: dropout must be in [0, 1), got " + dropout);
        }
    }

    /** The model for {@code classes} on {@code size x size} RGB images normalised with 0.5 mean and std. */
    public static AheNet of(List<String> classes, int size, double dropout) {
        return new AheNet(classes, size, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}, dropout);
    }

    /** Placeholder class names {@code class_0 .. class_(count-1)}, for models whose classes have no names. */
    public static List<String> unnamedClasses(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add("class_" + i);
        }
        return names;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** A fresh network of this shape (parameters are set when it joins a {@link Model}). */
    public Sequential network() {
        Module[] features = new Module[WIDTHS.length * 4 - 1];
        int in = 3;
        int i = 0;
        for (int b = 0; b < WIDTHS.length; b++) {
            features[i++] = new Conv2d(in, WIDTHS[b], 3, 1, 1);
            features[i++] = new BatchNorm2d(WIDTHS[b]);
            features[i++] = new ReLU();
            if (b < WIDTHS.length - 1) {
                features[i++] = new MaxPool2d(2, 2);
            }
            in = WIDTHS[b];
        }
        int side = size / 16;
        Map<String, Module> named = new LinkedHashMap<>();
        named.put("features", new Sequential(features));
        named.put("classifier", new Sequential(new Flatten(), new Dropout(dropout),
                new Linear(512 * side * side, 1024), new ReLU(), new Dropout(dropout), new Linear(1024, 512),
                new ReLU(), new Dropout(dropout), new Linear(512, classes.size())));
        return new Sequential(named);
    }

    /** The network bound to {@code backend}, initialised as PyTorch would from {@code seed}. */
    public Model build(Backend backend, long seed) {
        return new Model(network(), backend, seed, inputShape());
    }

    /** One sample's shape, {@code [3, size, size]}. */
    public Shape inputShape() {
        return Shape.of(3, size, size);
    }

    /** The five conv layers in {@code features}, in order ({@code features.0}, {@code features.4}, ...). */
    public static List<String> convLayers() {
        List<String> names = new ArrayList<>();
        for (int b = 0; b < WIDTHS.length; b++) {
            names.add("features." + b * 4);
        }
        return names;
    }

    /**
     * The layers worth probing for class-selective units, by short name: {@code conv1..conv5} read
     * after each conv's batch-norm and ReLU ({@code features.2, 6, 10, 14, 18}) and {@code fc1, fc2},
     * the ReLUs after the two hidden Linear layers ({@code classifier.3, classifier.6}).
     */
    public static Map<String, String> probeLayers() {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> convs = convLayers();
        for (int i = 0; i < convs.size(); i++) {
            int at = Integer.parseInt(convs.get(i).substring(convs.get(i).lastIndexOf('.') + 1));
            out.put("conv" + (i + 1), "features." + (at + 2));
        }
        out.put("fc1", "classifier.3");
        out.put("fc2", "classifier.6");
        return out;
    }

    /** The checkpoint metadata that lets {@link #fromCheckpoint} rebuild this model. */
    public Map<String, String> metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", "AheNet");
        m.put("classes", classes);
        m.put("size", size);
        m.put("mean", mean);
        m.put("std", std);
        m.put("dropout", dropout);
        try {
            return Map.of(METADATA_KEY, JSON.writeValueAsString(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the AheNet description", e);
        }
    }

    /**
     * The model {@code contents} (read from {@code file}) holds: from its metadata, or inferred from
     * the tensor shapes (class names {@code class_0..}, mean and std 0.5) for a PyTorch-saved file.
     *
     * @throws CheckpointException naming the file when it is no AheNet checkpoint or its description is unusable
     */
    public static AheNet fromCheckpoint(Safetensors.Contents contents, Path file) {
        String json = contents.metadata().get(METADATA_KEY);
        try {
            if (json != null) {
                return fromMetadata(json);
            }
            TensorData head = contents.tensors().get(HEAD + ".weight");
            TensorData first = contents.tensors().get(FIRST_LINEAR + ".weight");
            if (head == null || first == null) {
                throw new CheckpointException(file, "not an AheNet checkpoint (no " + FIRST_LINEAR + ".weight / "
                        + HEAD + ".weight tensors)");
            }
            int side = (int) Math.round(Math.sqrt(first.shape().dim(1) / 512.0));
            return of(unnamedClasses(head.shape().dim(0)), side * 16, 0.25);
        } catch (IllegalArgumentException e) {
            String where = json != null ? "its metadata '" + METADATA_KEY + "' describes" : "describes";
            throw new CheckpointException(file, where + " no usable AheNet: "
                    + e.getMessage().replaceFirst("^AheNet: ", ""), e);
        }
    }

    /** Rebuilds the model {@code file} holds on {@code backend}, loads its weights and sets it to evaluation mode. */
    public static Loaded load(Path file, Backend backend) {
        Safetensors.Contents contents = Safetensors.read(file);
        AheNet net = fromCheckpoint(contents, file);
        Model model = net.build(backend, 0);
        try {
            Checkpoint.loadWeights(model, contents, file, name -> false);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        model.eval();
        return new Loaded(net, model, contents.metadata());
    }

    /** A model rebuilt from a checkpoint, with its description and the file's metadata; closing frees the model. */
    public record Loaded(AheNet net, Model model, Map<String, String> metadata) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    private static AheNet fromMetadata(String json) {
        try {
            Map<String, Object> m = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
            @SuppressWarnings("unchecked")
            List<String> classes = (List<String>) m.get("classes");
            return new AheNet(classes, ((Number) m.get("size")).intValue(), floats(m.get("mean")),
                    floats(m.get("std")), ((Number) m.get("dropout")).doubleValue());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("expected classes, size, mean, std and dropout, got " + json, e);
        }
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).floatValue();
        }
        return f;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AheNet n && classes.equals(n.classes) && size == n.size
                && java.util.Arrays.equals(mean, n.mean) && java.util.Arrays.equals(std, n.std)
                && Double.compare(dropout, n.dropout) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(classes, size, java.util.Arrays.hashCode(mean), java.util.Arrays.hashCode(std),
                dropout);
    }

    @Override
    public String toString() {
        return "AheNet(" + classes.size() + " classes, " + size + "x" + size + ", dropout " + dropout + ")";
    }
}
