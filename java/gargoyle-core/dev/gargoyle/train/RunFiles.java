package dev.gargoyle.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.Optimizer;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A run directory: {@code config.json} (how the run was asked for), the weights
 * ({@code last.safetensors}, {@code best.safetensors}), the optimizer state beside them
 * ({@code last.optimizer.safetensors}) and the training state in the weights' metadata. The
 * optimizer file is written first and both carry one checkpoint id, so a crash between the two
 * writes is detected on resume rather than mixing states.
 */
final class RunFiles {
    static final String CONFIG = "config.json";
    static final String LAST = "last.safetensors";
    static final String BEST = "best.safetensors";
    static final String OPTIMIZER = "last.optimizer.safetensors";
    private static final String STATE_KEY = "gargoyle.state";
    private static final String ID_KEY = "gargoyle.checkpoint_id";
    private static final String SHAPE_KEY = "gargoyle.run";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final RunShape shape;

    private RunFiles(Path dir, RunShape shape) {
        this.dir = dir;
        this.shape = shape;
    }

    /**
     * True when {@code dir} already holds a training run's checkpoint. A folder a run left before its
     * first checkpoint (config.json, an empty log) holds nothing to lose and may be reused.
     */
    static boolean holdsRun(Path dir) {
        return Files.exists(dir.resolve(LAST));
    }

    /** A new run directory; refuses one that already holds a run, so nothing saved is overwritten. */
    static RunFiles create(Path dir, RunShape shape) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("run directory " + dir + " is a file, expected a directory");
        }
        if (holdsRun(dir)) {
            throw new IllegalArgumentException("run directory " + dir + " already holds a training run; resume it "
                    + "or choose another directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw CheckpointException.io(dir, "create the run directory", e);
        }
        return new RunFiles(dir, shape);
    }

    /**
     * The directory of a run to resume with {@code shape}; it must hold a last checkpoint and its
     * optimizer state, saved by a run of the same shape.
     */
    static RunFiles existing(Path dir, RunShape shape) {
        for (String f : new String[] {LAST, OPTIMIZER}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException("run directory " + dir + " has no " + f
                        + " to resume from (expected a run a Trainer wrote)");
            }
        }
        return new RunFiles(dir, shape);
    }

    Path dir() {
        return dir;
    }

    Path last() {
        return dir.resolve(LAST);
    }

    /** Writes {@code description} (how the run was asked for), with this library's version, as config.json. */
    void writeConfig(Map<String, ?> description) {
        Map<String, Object> m = new LinkedHashMap<>(description);
        m.put("gargoyle_version", String.valueOf(RunFiles.class.getPackage().getImplementationVersion()));
        Path file = dir.resolve(CONFIG);
        try {
            byte[] bytes = JSON.writeValueAsBytes(m);
            AtomicFiles.write(file, ch -> AtomicFiles.writeFully(ch, ByteBuffer.wrap(bytes)));
        } catch (IOException e) {
            throw CheckpointException.io(file, "write", e);
        }
    }

    /** The saved training state, after checking the run was saved with the same shape as this one's. */
    TrainingState readState() {
        Safetensors.Contents c = Safetensors.read(last());
        String saved = c.metadata().get(SHAPE_KEY);
        if (saved != null) {
            List<String> differences;
            try {
                differences = shape.differences(JSON.readValue(saved, RunShape.class));
            } catch (JsonProcessingException e) {
                throw new CheckpointException(last(), "unreadable run settings in metadata '" + SHAPE_KEY + "'", e);
            }
            if (!differences.isEmpty()) {
                throw new IllegalArgumentException("Trainer: the run in " + dir + " cannot be resumed with other "
                        + "settings: " + String.join(", ", differences));
            }
        }
        String json = c.metadata().get(STATE_KEY);
        if (json == null) {
            throw new CheckpointException(last(), "no training state in its metadata, so it cannot be resumed "
                    + "(its weights can start a new run)");
        }
        try {
            return JSON.readValue(json, TrainingState.class);
        } catch (JsonProcessingException e) {
            throw new CheckpointException(last(), "unreadable training state in metadata '" + STATE_KEY + "'", e);
        }
    }

    /** Loads the weights, optimizer state and step count of the last checkpoint into a freshly built run. */
    void restore(Model model, Optimizer optimizer) {
        Safetensors.Contents weights = Safetensors.read(last());
        Path optFile = dir.resolve(OPTIMIZER);
        Safetensors.Contents opt = Safetensors.read(optFile);
        String id = weights.metadata().get(ID_KEY);
        if (id == null || !id.equals(opt.metadata().get(ID_KEY))) {
            throw new CheckpointException(dir, LAST + " and " + OPTIMIZER + " come from different checkpoints "
                    + "(interrupted while saving?); start a new run from the weights of " + LAST);
        }
        Checkpoint.loadWeights(model, weights, last(), name -> false);
        Map<String, Tensor> targets = optimizer.stateTensors();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        targets.forEach((k, v) -> shapes.put(k, v.shape()));
        Safetensors.requireShapes(optFile, shapes, opt.tensors());
        targets.forEach((k, v) -> v.copyFrom(opt.tensors().get(k).floats()));
        String steps = opt.metadata().get("steps");
        if (steps == null || !steps.matches("\\d+")) {
            throw new CheckpointException(optFile, "no optimizer step count in its metadata 'steps' (got " + steps + ")");
        }
        optimizer.setSteps(Long.parseLong(steps));
    }

    void saveLast(Model model, Optimizer optimizer, Map<String, String> modelMetadata, TrainingState state) {
        String id = UUID.randomUUID().toString();
        Map<String, TensorData> opt = new LinkedHashMap<>();
        optimizer.stateTensors().forEach((k, v) -> opt.put(k, TensorData.f32(v.shape(), v.toArray())));
        Map<String, String> optMeta = new LinkedHashMap<>();
        optMeta.put(ID_KEY, id);
        optMeta.put("steps", Long.toString(optimizer.steps()));
        optMeta.put("optimizer", json(optimizer.describe()));
        Safetensors.write(dir.resolve(OPTIMIZER), opt, optMeta);
        Checkpoint.save(last(), model, metadata(modelMetadata, state, id));
    }

    void saveBest(Model model, Map<String, String> modelMetadata, TrainingState state) {
        Checkpoint.save(dir.resolve(BEST), model, metadata(modelMetadata, state, UUID.randomUUID().toString()));
    }

    private Map<String, String> metadata(Map<String, String> modelMetadata, TrainingState state, String id) {
        Map<String, String> m = new LinkedHashMap<>(modelMetadata);
        m.put(STATE_KEY, json(state));
        m.put(SHAPE_KEY, json(shape));
        m.put(ID_KEY, id);
        return m;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value, e);
        }
    }
}
