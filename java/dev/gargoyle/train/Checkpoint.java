package dev.gargoyle.train;

import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Model weights as safetensors files whose names, shapes and dtypes equal PyTorch's
 * {@code AheNet().state_dict()} (BatchNorm's {@code num_batches_tracked} as an int64 scalar), so
 * {@code model.load_state_dict(safetensors.torch.load_file(path))} works both ways.
 */
public final class Checkpoint {
    private static final String COUNTER = "num_batches_tracked";

    private Checkpoint() {
    }

    /** A model rebuilt from a checkpoint together with what it needs to be fed. */
    public record Loaded(Model model, ModelSpec spec, Map<String, String> metadata) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    /** PyTorch's state dict of {@code model}, copied to the heap. */
    public static Map<String, TensorData> stateDict(Model model) {
        Map<String, BatchNorm2d> bns = model.batchNorms();
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
            out.put(e.getKey(), TensorData.f32(e.getValue().shape(), e.getValue().toArray()));
            String owner = e.getKey().substring(0, Math.max(0, e.getKey().lastIndexOf('.')));
            if (e.getKey().endsWith(".running_var") && bns.containsKey(owner)) {
                out.put(owner + "." + COUNTER, TensorData.i64(Shape.of(),
                        new long[] {bns.get(owner).numBatchesTracked()}));
            }
        }
        return out;
    }

    /** Writes the weights atomically, with {@code spec} and {@code extra} in the metadata. */
    public static void save(Path file, Model model, ModelSpec spec, Map<String, String> extra) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(spec.toMetadata());
        meta.putAll(extra);
        Safetensors.write(file, stateDict(model), meta);
    }

    /** Rebuilds the model a checkpoint describes on {@code backend} and loads its weights. */
    public static Loaded load(Path file, Backend backend) throws IOException {
        Safetensors.Contents contents = Safetensors.read(file);
        ModelSpec spec = ModelSpec.from(contents, file.toString());
        Model model = new Model(spec.newNetwork(), backend, 0, Shape.of(3, spec.size(), spec.size()));
        try {
            loadWeights(model, contents, file, name -> false);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        model.eval();
        return new Loaded(model, spec, contents.metadata());
    }

    /**
     * Copies the file's tensors into {@code model}, except those whose names {@code skip} accepts.
     * Every missing, unexpected or mis-shaped tensor is listed in one error.
     */
    public static void loadWeights(Model model, Safetensors.Contents contents, Path file, Predicate<String> skip)
            throws IOException {
        Map<String, Shape> expected = new LinkedHashMap<>();
        Map<String, Tensor> targets = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.tensors().entrySet()) {
            if (!skip.test(e.getKey())) {
                expected.put(e.getKey(), e.getValue().shape());
                targets.put(e.getKey(), e.getValue());
            }
        }
        Map<String, BatchNorm2d> counters = new LinkedHashMap<>();
        model.batchNorms().forEach((name, bn) -> {
            if (!skip.test(name + "." + COUNTER)) {
                expected.put(name + "." + COUNTER, Shape.of());
                counters.put(name + "." + COUNTER, bn);
            }
        });
        Map<String, TensorData> actual = new LinkedHashMap<>(contents.tensors());
        actual.keySet().removeIf(skip);
        Safetensors.requireShapes(file, expected, actual);
        targets.forEach((name, t) -> t.copyFrom(actual.get(name).floats()));
        counters.forEach((name, bn) -> {
            TensorData d = actual.get(name);
            bn.setNumBatchesTracked(d.dtype() == TensorData.DType.I64 ? d.longs()[0] : (long) d.floats()[0]);
        });
    }
}
