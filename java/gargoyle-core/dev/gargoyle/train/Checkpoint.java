package dev.gargoyle.train;

import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Any model's weights as a safetensors file of its PyTorch {@code state_dict}: the same names,
 * shapes and dtypes (BatchNorm's {@code num_batches_tracked} as an int64 scalar), so
 * {@code model.load_state_dict(safetensors.torch.load_file(path))} works both ways for the same
 * architecture. Metadata (string pairs) travels with the weights, e.g. what it takes to rebuild the model.
 */
public final class Checkpoint {
    private static final String COUNTER = "num_batches_tracked";

    private Checkpoint() {
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

    /** Writes {@code model}'s state dict atomically, with {@code metadata}. */
    public static void save(Path file, Model model, Map<String, String> metadata) {
        Safetensors.write(file, stateDict(model), metadata);
    }

    /**
     * Loads every tensor of {@code file} into {@code model}, which must have exactly those names and
     * shapes, and returns the file's metadata.
     *
     * @throws CheckpointException naming the file and listing every missing, unexpected or mis-shaped
     *     tensor, or naming a tensor that holds NaN or infinity
     */
    public static Map<String, String> load(Path file, Model model) {
        Safetensors.Contents contents = Safetensors.read(file);
        loadWeights(model, contents, file, name -> false);
        return contents.metadata();
    }

    /**
     * Copies the file's tensors into {@code model}, except those whose names {@code skip} accepts (a
     * new head when fine-tuning). Every missing, unexpected or mis-shaped tensor is listed in one error;
     * a tensor holding NaN or infinity is refused.
     */
    public static void loadWeights(Model model, Safetensors.Contents contents, Path file, Predicate<String> skip) {
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
        targets.forEach((name, t) -> t.copyFrom(finite(file, name, actual.get(name).floats())));
        counters.forEach((name, bn) -> {
            TensorData d = actual.get(name);
            bn.setNumBatchesTracked(d.dtype() == TensorData.DType.I64 ? d.longs()[0] : (long) d.floats()[0]);
        });
    }

    /**
     * {@code values}, once every one is finite: a NaN weight would otherwise load silently, and every
     * prediction and fine-tuning run from it would be quietly wrong.
     */
    static float[] finite(Path file, String tensor, float[] values) {
        int bad = 0;
        int first = -1;
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                bad++;
                first = first < 0 ? i : first;
            }
        }
        if (bad > 0) {
            throw new CheckpointException(file, "tensor '" + tensor + "' holds " + bad + " non-finite value"
                    + (bad == 1 ? "" : "s") + " (the first, " + values[first] + ", at flat index " + first
                    + "); a checkpoint must hold finite numbers");
        }
        return values;
    }
}
