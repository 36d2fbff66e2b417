package dev.gargoyle.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gargoyle.cli.sample.SampleData;
import dev.gargoyle.cuda.NcclCommunicator;
import dev.gargoyle.data.Augmentation;
import dev.gargoyle.data.DataSplits;
import dev.gargoyle.data.ImageDataSource;
import dev.gargoyle.data.ImageFolder;
import dev.gargoyle.data.LoaderOptions;
import dev.gargoyle.data.OpenOptions;
import dev.gargoyle.models.AheNet;
import dev.gargoyle.mpi.MpiCommunicator;
import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.train.Sampler;
import dev.gargoyle.train.Trainer;
import dev.gargoyle.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gargoyle train}'s recipe: the AHE model on an image folder (or the sample data), built from
 * the command's options with the library's parts, ready to run. Everything is checked (data,
 * device, {@code --init}, the options together) before the run directory is created. Owns the
 * backend and the model; closing frees both.
 */
final class AheTraining implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AheTraining.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = "config.json";

    private final Backend backend;
    private final NcclCommunicator gpus;
    private final Model model;
    private final Trainer trainer;

    private AheTraining(Backend backend, NcclCommunicator gpus, Model model, Trainer trainer) {
        this.backend = backend;
        this.gpus = gpus;
        this.model = model;
        this.trainer = trainer;
    }

    Trainer trainer() {
        return trainer;
    }

    Backend backend() {
        return backend;
    }

    /** Where {@code gargoyle train} without {@code --data} keeps its generated sample data. */
    static Path sampleCache() {
        String env = System.getenv("GARGOYLE_CACHE");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "gargoyle");
    }

    /** The run {@code requested} asks for (a resumed run keeps its saved options), on a new backend. */
    static AheTraining prepare(TrainConfig requested, Set<String> given, List<TrainingListener> listeners,
                               MpiCommunicator job) {
        boolean resuming = requested.resume() != null;
        TrainConfig config = resuming ? ResumeOptions.merge(saved(requested.resume()), requested, given) : requested;
        boolean leader = job == null || job.rank() == 0;
        if (!resuming && leader) {
            requireNewRunDirectory(config.out());
        }
        Path dataRoot = config.data() != null ? config.data() : sampleData(job);
        DataSplits splits = ImageFolder.open(dataRoot, OpenOptions.defaults().withValSplit(config.valSplit())
                .withSeed(config.seed()).withStrict(config.strict()).withThreads(config.workers())
                .withMaxPixels(config.maxPixels()));
        for (var skipped : splits.skipped()) {
            LOG.warn("skipped unreadable image {}: {}", skipped.path(), skipped.reason());
        }
        AheNet net = new AheNet(splits.classes(), config.size(), config.mean(), config.std(), config.dropout());
        LoaderOptions training = new LoaderOptions(config.batchSize(), config.size(),
                config.augment() ? Augmentation.standard() : Augmentation.none(), true, config.seed(),
                config.workers(), 3, config.maxPixels(), (long) config.cacheMib() << 20);
        ImageDataSource train = new ImageDataSource(splits.train(), training, config.mean(), config.std());
        ImageDataSource test = new ImageDataSource(splits.test(), training.withAugmentation(Augmentation.none()),
                config.mean(), config.std());
        Backend backend = Backends.create(device(config, job), PrecisionOption.options(config.tf32(), config.bf16()));
        NcclCommunicator gpus = null;
        Model model = null;
        try {
            LOG.info("{}device: {} ({})", job == null ? "" : "rank " + job.rank() + " ", backend.device(),
                    backend.describe());
            // Gradients on GPUs go between them through NCCL; MPI only introduces the ranks to each other.
            requireOneDeviceKind(job, backend);
            gpus = job != null && backend.device().isCuda() ? NcclCommunicator.join(job, backend) : null;
            model = net.build(backend, config.seed());
            FineTuning.apply(config, model);
            Map<String, Object> description = new LinkedHashMap<>();
            description.put("config", config);
            description.put("data_root", dataRoot.toAbsolutePath().toString());
            Trainer.Builder b = Trainer.builder(model, train).testData(test)
                    .loss(ClassWeights.parse(config.classWeights()).apply(train.classCounts()))
                    .optimizer(FineTuning.optimizer(config)).learningRateScale(FineTuning.learningRateScale(config))
                    .learningRate(config.lr()).schedule(Schedules.parse(config.schedule()))
                    .warmupSteps(config.warmupSteps()).clipNorm(config.clipNorm()).epochs(config.epochs())
                    .batchSize(config.batchSize()).accumulationSteps(config.accumulationSteps())
                    .sampler(sampler(config)).seed(config.seed()).maxSteps(config.maxSteps())
                    .checkpointEvery(config.saveEvery())
                    .runDirectory(resuming ? config.resume() : config.out()).resume(resuming)
                    .modelMetadata(net.metadata()).description(description)
                    .communicator(gpus != null ? gpus : job).syncBatchNorm(config.syncBn());
            listeners.forEach(b::listener);
            return new AheTraining(backend, gpus, model, b.build());
        } catch (RuntimeException | Error e) {
            try {
                if (model != null) {
                    model.close();
                }
                if (gpus != null) {
                    gpus.close();
                }
            } finally {
                backend.close();
            }
            throw e;
        }
    }

    /** All ranks on GPUs (NCCL) or all on CPUs (MPI): {@code --device auto} could tell them apart. */
    private static void requireOneDeviceKind(MpiCommunicator job, Backend backend) {
        if (job == null) {
            return;
        }
        double[] gpus = {backend.device().isCuda() ? 1 : 0};
        job.allReduceSum(gpus);
        if (gpus[0] != 0 && gpus[0] != job.size()) {
            throw new IllegalArgumentException("--device: " + (long) gpus[0] + " of " + job.size() + " ranks run on "
                    + "a GPU and the others on the CPU (this one on " + backend.device() + "); give every rank the "
                    + "same --device cpu or cuda");
        }
    }

    /** The sample data, generated once: by rank 0 while the other ranks wait for it. */
    private static Path sampleData(MpiCommunicator job) {
        if (job == null) {
            return SampleData.ensure(sampleCache());
        }
        Path root = job.rank() == 0 ? SampleData.ensure(sampleCache()) : null;
        job.allReduceSum(new double[1]);
        return root != null ? root : SampleData.ensure(sampleCache());
    }

    /**
     * Under a launcher, {@code --device cuda} (or {@code auto} finding CUDA) is the rank's own GPU,
     * {@code cuda:<local rank>}; {@code cuda:N} stays as given.
     */
    private static Device device(TrainConfig config, MpiCommunicator job) {
        Device asked = Device.parse(config.device());
        boolean indexed = config.device().trim().startsWith("cuda:");
        return job != null && asked.isCuda() && !indexed ? Device.cuda(job.localRank()) : asked;
    }

    private static Sampler sampler(TrainConfig config) {
        if (config.sampler().equals("balanced")) {
            return Sampler.balanced(config.seed());
        }
        return config.shuffle() ? Sampler.shuffled(config.seed()) : Sampler.inOrder();
    }

    private static void requireNewRunDirectory(Path out) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " is a file; expected a directory for the run");
        }
        if (Trainer.holdsRun(out)) {
            throw new IllegalArgumentException("--out " + out + " already holds a training run; continue it with "
                    + "--resume " + out + " or choose another --out");
        }
    }

    /** The options the run in {@code dir} was started with (its config.json). */
    private static TrainConfig saved(Path dir) {
        Path file = dir.resolve(CONFIG);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--resume " + dir + ": missing " + CONFIG
                    + " (expected a run directory written by gargoyle train)");
        }
        TrainConfig saved;
        try {
            JsonNode node = JSON.readTree(file.toFile()).get("config");
            saved = node == null ? null : JSON.treeToValue(node, TrainConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not the configuration of a gargoyle train run: "
                    + e.getMessage(), e);
        }
        if (saved == null) {
            throw new IllegalArgumentException(file + ": not the configuration of a gargoyle train run: no \"config\"");
        }
        return saved;
    }

    @Override
    public void close() {
        try {
            model.close();
            if (gpus != null) {
                gpus.close();
            }
        } finally {
            backend.close();
        }
    }
}
