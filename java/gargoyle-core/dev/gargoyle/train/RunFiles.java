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
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A run directory: {@code config.json} (how the run was asked for), the weights
 * ({@code last.safetensors}, {@code best.safetensors}), the optimizer state beside them
 * ({@code last.optimizer.safetensors}) and the training state in the weights' metadata.
 *
 * <p>Every file is replaced atomically, and a crash at any moment leaves a folder that resumes to
 * the uninterrupted result. Weights and optimizer state carry one checkpoint id. Saving moves the
 * current optimizer file aside ({@value #PREVIOUS_OPTIMIZER}), writes the new one, then the weights,
 * then drops the old one, so the weights' own optimizer state always exists under one of the two
 * names. {@code best.safetensors} is written before {@code last.safetensors}: a crash between them
 * replays the epoch's end, which writes the same best again.
 */
final class RunFiles implements AutoCloseable {
    static final String CONFIG = "config.json";
    static final String LAST = "last.safetensors";
    static final String BEST = "best.safetensors";
    static final String OPTIMIZER = "last.optimizer.safetensors";
    static final String PREVIOUS_OPTIMIZER = ".last.optimizer.previous.safetensors";
    private static final String STATE_KEY = "gargoyle.state";
    private static final String ID_KEY = "gargoyle.checkpoint_id";
    private static final String SHAPE_KEY = "gargoyle.run";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final RunShape shape;
    private final RunLock lock;
    /** Which optimizer file holds the state of the weights in {@code last.safetensors}; null before any. */
    private String optimizerOfLast;

    private RunFiles(Path dir, RunShape shape, RunLock lock) {
        this.dir = dir;
        this.shape = shape;
        this.lock = lock;
    }

    /**
     * True when {@code dir} already holds a training run's checkpoint. A folder a run left before its
     * first checkpoint (config.json, an empty log) holds nothing to lose and may be reused.
     */
    static boolean holdsRun(Path dir) {
        return Files.exists(dir.resolve(LAST));
    }

    /**
     * A new run directory, locked for this trainer; refuses one that already holds a run, so nothing
     * saved is overwritten.
     */
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
        return locked(dir, shape, true);
    }

    /** Locks {@code dir}, then checks again what the lock now guards: another trainer may have saved first. */
    private static RunFiles locked(Path dir, RunShape shape, boolean fresh) {
        RunLock lock = RunLock.acquire(dir);
        if (fresh && holdsRun(dir)) {
            lock.close();
            throw new IllegalArgumentException("run directory " + dir + " already holds a training run; resume it "
                    + "or choose another directory");
        }
        return new RunFiles(dir, shape, lock);
    }

    /**
     * The directory of a run to resume with {@code shape}; it must hold a last checkpoint and its
     * optimizer state, saved by a run of the same shape.
     */
    static RunFiles existing(Path dir, RunShape shape) {
        if (!Files.isRegularFile(dir.resolve(LAST)) || !Files.isRegularFile(dir.resolve(OPTIMIZER))
                && !Files.isRegularFile(dir.resolve(PREVIOUS_OPTIMIZER))) {
            throw new IllegalArgumentException("run directory " + dir + " has no " + LAST + " and " + OPTIMIZER
                    + " to resume from (expected a run a Trainer wrote)");
        }
        return locked(dir, shape, false);
    }

    @Override
    public void close() {
        lock.close();
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
                throw new CheckpointException(last(), "unreadable run settings in metadata '" + SHAPE_KEY + "': "
                        + JsonErrors.describe(e), e);
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
            throw new CheckpointException(last(), "unreadable training state in metadata '" + STATE_KEY + "': "
                    + JsonErrors.describe(e), e);
        }
    }

    /** Loads the weights, optimizer state and step count of the last checkpoint into a freshly built run. */
    void restore(Model model, Optimizer optimizer) {
        Safetensors.Contents weights = Safetensors.read(last());
        String id = weights.metadata().get(ID_KEY);
        Path optFile = null;
        Safetensors.Contents opt = null;
        for (String name : new String[] {OPTIMIZER, PREVIOUS_OPTIMIZER}) {
            Path f = dir.resolve(name);
            if (id != null && opt == null && Files.isRegularFile(f)) {
                Safetensors.Contents c = Safetensors.read(f);
                if (id.equals(c.metadata().get(ID_KEY))) {
                    optFile = f;
                    opt = c;
                    optimizerOfLast = name;
                }
            }
        }
        if (opt == null) {
            throw new CheckpointException(dir, "no optimizer state of the checkpoint in " + LAST + " (id " + id
                    + "); start a new run from its weights");
        }
        Checkpoint.loadWeights(model, weights, last(), name -> false);
        Map<String, Tensor> targets = optimizer.stateTensors();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        targets.forEach((k, v) -> shapes.put(k, v.shape()));
        Map<String, TensorData> saved = opt.tensors();
        Safetensors.requireShapes(optFile, shapes, saved);
        Path from = optFile;
        targets.forEach((k, v) -> v.copyFrom(Checkpoint.finite(from, k, saved.get(k).floats())));
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
        Path current = dir.resolve(OPTIMIZER);
        Path previous = dir.resolve(PREVIOUS_OPTIMIZER);
        try {
            // Keep the last checkpoint's own optimizer state under the previous name until the new
            // weights are in place; an optimizer file newer than the weights (a crash) is useless.
            if (OPTIMIZER.equals(optimizerOfLast)) {
                Files.move(current, previous, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(current);
            }
            Safetensors.write(current, opt, optMeta);
            Checkpoint.save(last(), model, metadata(modelMetadata, state, id));
            optimizerOfLast = OPTIMIZER;
            Files.deleteIfExists(previous);
        } catch (IOException e) {
            throw CheckpointException.io(current, "replace", e);
        }
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
