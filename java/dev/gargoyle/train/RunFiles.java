package dev.gargoyle.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.Optimizer;
import dev.gargoyle.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A run directory: {@code config.json}, the weights ({@code last.safetensors}, {@code best.safetensors}),
 * the optimizer state beside them ({@code last.optimizer.safetensors}) and the training state in the
 * weights' metadata. The optimizer file is written first and both carry one checkpoint id, so a crash
 * between the two writes is detected on resume rather than mixing states.
 */
final class RunFiles {
    static final String CONFIG = "config.json";
    static final String LAST = "last.safetensors";
    static final String BEST = "best.safetensors";
    static final String OPTIMIZER = "last.optimizer.safetensors";
    private static final String STATE_KEY = "gargoyle.state";
    private static final String ID_KEY = "gargoyle.checkpoint_id";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    private RunFiles(Path dir) {
        this.dir = dir;
    }

    /** A new run directory; refuses one that already holds a run, so nothing saved is overwritten. */
    static RunFiles create(Path dir) throws IOException {
        if (Files.exists(dir.resolve(LAST)) || Files.exists(dir.resolve(CONFIG))) {
            throw new IllegalArgumentException("--out " + dir + " already holds a training run; continue it with "
                    + "--resume " + dir + " or choose another --out");
        }
        Files.createDirectories(dir);
        return new RunFiles(dir);
    }

    /** The run directory of {@code --resume}; it must hold a config and a last checkpoint. */
    static RunFiles existing(Path dir) {
        for (String f : new String[] {CONFIG, LAST, OPTIMIZER}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException("--resume " + dir + ": missing " + f
                        + " (expected a run directory written by gargoyle train)");
            }
        }
        return new RunFiles(dir);
    }

    Path dir() {
        return dir;
    }

    Path last() {
        return dir.resolve(LAST);
    }

    void writeConfig(TrainConfig config, Path dataRoot) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("config", config);
        m.put("data_root", dataRoot.toAbsolutePath().toString());
        m.put("gargoyle_version", String.valueOf(RunFiles.class.getPackage().getImplementationVersion()));
        byte[] bytes = JSON.writeValueAsBytes(m);
        AtomicFiles.write(dir.resolve(CONFIG), ch -> AtomicFiles.writeFully(ch, ByteBuffer.wrap(bytes)));
    }

    /**
     * The saved configuration, with what may change on resume taken from {@code requested}: epochs,
     * max steps, device and workers (none of which changes the numbers already computed).
     */
    TrainConfig resumedConfig(TrainConfig requested) throws IOException {
        TrainConfig saved = JSON.treeToValue(JSON.readTree(dir.resolve(CONFIG).toFile()).get("config"),
                TrainConfig.class);
        return saved.toBuilder().out(dir).resume(dir).epochs(requested.epochs()).maxSteps(requested.maxSteps())
                .device(requested.device()).workers(requested.workers()).build();
    }

    TrainingState readState() throws IOException {
        Safetensors.Contents c = Safetensors.read(last());
        String json = c.metadata().get(STATE_KEY);
        if (json == null) {
            throw new IllegalArgumentException(last() + " has no training state in its metadata; "
                    + "use it with --init to start a new run from its weights");
        }
        return JSON.readValue(json, TrainingState.class);
    }

    /** Loads the weights, optimizer state and step counts of the last checkpoint into a freshly built run. */
    void restore(Model model, Optimizer optimizer, TrainingState state) throws IOException {
        Safetensors.Contents weights = Safetensors.read(last());
        Safetensors.Contents opt = Safetensors.read(dir.resolve(OPTIMIZER));
        String id = weights.metadata().get(ID_KEY);
        if (id == null || !id.equals(opt.metadata().get(ID_KEY))) {
            throw new IllegalArgumentException(dir + ": " + LAST + " and " + OPTIMIZER + " come from different "
                    + "checkpoints (interrupted while saving?); start again with --init " + last());
        }
        Checkpoint.loadWeights(model, weights, last(), name -> false);
        Map<String, Tensor> targets = optimizer.stateTensors();
        Map<String, dev.gargoyle.tensor.Shape> shapes = new LinkedHashMap<>();
        targets.forEach((k, v) -> shapes.put(k, v.shape()));
        Safetensors.requireShapes(dir.resolve(OPTIMIZER), shapes, opt.tensors());
        targets.forEach((k, v) -> v.copyFrom(opt.tensors().get(k).floats()));
        optimizer.setSteps(Long.parseLong(opt.metadata().get("steps")));
    }

    void saveLast(Model model, Optimizer optimizer, ModelSpec spec, TrainingState state) throws IOException {
        String id = UUID.randomUUID().toString();
        Map<String, TensorData> opt = new LinkedHashMap<>();
        optimizer.stateTensors().forEach((k, v) -> opt.put(k, TensorData.f32(v.shape(), v.toArray())));
        Map<String, String> optMeta = new LinkedHashMap<>();
        optMeta.put(ID_KEY, id);
        optMeta.put("steps", Long.toString(optimizer.steps()));
        optMeta.put("optimizer", JSON.writeValueAsString(optimizer.describe()));
        Safetensors.write(dir.resolve(OPTIMIZER), opt, optMeta);
        Checkpoint.save(last(), model, spec, stateMetadata(state, id));
    }

    void saveBest(Model model, ModelSpec spec, TrainingState state) throws IOException {
        Checkpoint.save(dir.resolve(BEST), model, spec, stateMetadata(state, UUID.randomUUID().toString()));
    }

    private static Map<String, String> stateMetadata(TrainingState state, String id) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(STATE_KEY, JSON.writeValueAsString(state));
        m.put(ID_KEY, id);
        return m;
    }
}
