package dev.gargoyle.models;

import dev.gargoyle.data.Images;
import dev.gargoyle.nn.Softmax;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.HostBuffer;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Class probabilities for images from a trained AHE checkpoint (or any AheNet-shaped PyTorch one).
 * <pre>
 * try (Predictor p = Predictor.load(Path.of("runs/x/best.safetensors"), Device.auto())) {
 *     List&lt;Predictor.Prediction&gt; top = p.predict(Path.of("photo.jpg"), 3);
 * }
 * </pre>
 */
public final class Predictor implements AutoCloseable {
    private final Backend backend;
    private final boolean ownsBackend;
    private final AheNet.Loaded loaded;
    private final HostBuffer pixels;
    private final Tensor input;
    private long maxPixels = Images.DEFAULT_MAX_PIXELS;

    /** One predicted class: its name, index and softmax probability. */
    public record Prediction(String label, int index, double probability) {
    }

    private Predictor(Backend backend, boolean ownsBackend, AheNet.Loaded loaded) {
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.loaded = loaded;
        int s = loaded.net().size();
        this.pixels = backend.allocateHostBuffer((long) s * s * 3);
        this.input = backend.allocate(Shape.of(1, 3, s, s));
    }

    /** Loads {@code weights} onto a new backend for {@code device}, owned and closed by the predictor. */
    public static Predictor load(Path weights, Device device) {
        Backend b = Backends.create(device);
        try {
            return new Predictor(b, true, AheNet.load(weights, b));
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** Loads {@code weights} onto {@code backend}, which the caller keeps owning. */
    public static Predictor load(Path weights, Backend backend) {
        return new Predictor(backend, false, AheNet.load(weights, backend));
    }

    /** Refuses images whose header declares more than {@code limit} pixels (default {@link Images#DEFAULT_MAX_PIXELS}). */
    public Predictor maxPixels(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("maxPixels must be at least 1, got " + limit);
        }
        maxPixels = limit;
        return this;
    }

    public List<String> classes() {
        return loaded.net().classes();
    }

    /** The softmax probability of every class for the image in {@code file} (any format OpenCV reads). */
    public double[] probabilities(Path file) {
        int s = loaded.net().size();
        byte[] rgb = Images.readRgb(file, s, maxPixels);
        pixels.buffer().clear();
        pixels.buffer().put(rgb);
        backend.imagesToTensor(pixels, 1, s, s, loaded.net().mean(), loaded.net().std(), input);
        return Softmax.of(loaded.model().forward(input).toArray());
    }

    /** The {@code k} most probable classes, most probable first. */
    public List<Prediction> predict(Path file, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k must be at least 1, got " + k);
        }
        double[] p = probabilities(file);
        List<Prediction> all = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            all.add(new Prediction(classes().get(i), i, p[i]));
        }
        all.sort(Comparator.comparingDouble(Prediction::probability).reversed());
        return all.subList(0, Math.min(k, all.size()));
    }

    @Override
    public void close() {
        input.close();
        pixels.close();
        loaded.close();
        if (ownsBackend) {
            backend.close();
        }
    }
}
