package dev.gargoyle.train;

import dev.gargoyle.data.Augmentation;
import dev.gargoyle.data.Batch;
import dev.gargoyle.data.BatchLoader;
import dev.gargoyle.data.DataSplits;
import dev.gargoyle.data.Epoch;
import dev.gargoyle.data.ImageFolder;
import dev.gargoyle.data.LoaderOptions;
import dev.gargoyle.data.OpenOptions;
import dev.gargoyle.data.SampleData;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.LrSchedule;
import dev.gargoyle.optim.Optimizer;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.BackendOptions;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains the AHE model: epochs of micro-batches with gradient accumulation, evaluation on the test
 * split, the training log, plots and checkpoints in the run directory. Usable from Java without the
 * CLI; {@link #requestStop()} (from any thread) ends the run after the current optimizer update with
 * everything saved.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final TrainConfig requested;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private volatile boolean stopRequested;

    public Trainer(TrainConfig config) {
        this.requested = config;
    }

    public Trainer addListener(TrainingListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Asks the run to stop after the current optimizer update, saving the checkpoint and the log. */
    public void requestStop() {
        stopRequested = true;
    }

    /** How a run ended. {@code stoppedEarly} is true after {@code --max-steps} or {@link #requestStop()}. */
    public record Result(Path runDir, List<String> classes, int epochsCompleted, long updates,
                         MetricsSummary train, MetricsSummary test, double bestTestF1, boolean stoppedEarly) {
    }

    /**
     * Runs to the end (or to a stop) and returns the outcome.
     *
     * @throws TrainingDivergedException when a loss is not finite; the last good checkpoint stays
     * @throws IOException               when the run directory cannot be written
     */
    public Result run() throws IOException {
        boolean resuming = requested.resume() != null;
        RunFiles files = resuming ? RunFiles.existing(requested.resume()) : RunFiles.create(requested.out());
        TrainConfig config = resuming ? files.resumedConfig(requested) : requested;
        TrainingState state = resuming ? files.readState() : null;
        Path dataRoot = config.data() != null ? config.data() : SampleData.ensure(sampleCache());
        DataSplits splits = ImageFolder.open(dataRoot, OpenOptions.defaults().withValSplit(config.valSplit())
                .withSeed(config.seed()).withStrict(config.strict()).withThreads(config.workers()));
        LOG.info("data: {} ({})", dataRoot, splits.summary());
        for (var skipped : splits.skipped()) {
            LOG.warn("skipped unreadable image {}: {}", skipped.path(), skipped.reason());
        }
        if (!resuming) {
            files.writeConfig(config, dataRoot);
        }
        Device device = Device.parse(config.device());
        try (Backend backend = Backends.create(device, new BackendOptions(config.tf32(), false))) {
            LOG.info("device: {} ({})", device, backend.describe());
            ModelSpec spec = new ModelSpec(splits.classes(), config.size(), config.mean(), config.std(),
                    config.dropout());
            try (Model model = new Model(spec.newNetwork(), backend, config.seed(),
                    Shape.of(3, config.size(), config.size()))) {
                FineTuning.apply(config, model, spec);
                try (Optimizer optimizer = FineTuning.optimizer(config, model)) {
                    if (state != null) {
                        files.restore(model, optimizer, state);
                    }
                    return new Run(config, files, splits, spec, backend, model, optimizer, state).execute();
                }
            }
        }
    }

    /** Where {@code gargoyle train} without {@code --data} keeps its generated sample data. */
    public static Path sampleCache() {
        String env = System.getenv("GARGOYLE_CACHE");
        return env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "gargoyle");
    }

    /** One run's mutable state: the epoch loop, separated from setup so each part stays readable. */
    private final class Run {
        private final TrainConfig config;
        private final RunFiles files;
        private final DataSplits splits;
        private final ModelSpec spec;
        private final Backend backend;
        private final Model model;
        private final Optimizer optimizer;
        private final int classes;
        private TrainingState state;

        Run(TrainConfig config, RunFiles files, DataSplits splits, ModelSpec spec, Backend backend, Model model,
            Optimizer optimizer, TrainingState state) {
            this.config = config;
            this.files = files;
            this.splits = splits;
            this.spec = spec;
            this.backend = backend;
            this.model = model;
            this.optimizer = optimizer;
            this.classes = spec.classes().size();
            this.state = state != null ? state
                    : new TrainingState(0, 0, 0, Double.NEGATIVE_INFINITY, 0, 0, null);
        }

        Result execute() throws IOException {
            LoaderOptions trainOptions = new LoaderOptions(config.batchSize(), config.size(),
                    config.augment() ? Augmentation.standard() : Augmentation.none(), config.shuffle(), config.seed(),
                    config.workers(), 3);
            LoaderOptions testOptions = LoaderOptions.evaluation(config.batchSize(), config.size())
                    .withWorkers(config.workers());
            try (BatchLoader trainLoader = new BatchLoader(splits.train(), trainOptions, backend::allocateHostBuffer);
                 BatchLoader testLoader = new BatchLoader(splits.test(), testOptions, backend::allocateHostBuffer);
                 Evaluator evaluator = new Evaluator(model, classes, config.mean(), config.std());
                 Tensor input = backend.allocate(Shape.of(config.batchSize(), 3, config.size(), config.size()));
                 TrainStep trainStep = new TrainStep(model, optimizer, config.clipNorm())) {
                AccumulationPlan plan = new AccumulationPlan(trainLoader.batchSizes(), config.accumulationSteps());
                long totalUpdates = (long) plan.updates() * config.epochs();
                LrSchedule schedule = LrSchedule.parse(config.schedule(), config.lr(), plan.updates(), totalUpdates)
                        .withWarmup(config.warmupSteps());
                TrainingLog log = requested.resume() == null ? TrainingLog.create(files.dir())
                        : TrainingLog.resume(files.dir(), state.epoch());
                LOG.info("training {} epochs of {} images: batch {} x {} accumulation steps = effective batch {}, "
                                + "{} updates per epoch, {} parameters", config.epochs(), splits.train().size(),
                        config.batchSize(), config.accumulationSteps(), config.effectiveBatch(), plan.updates(),
                        model.parameterCount());
                TrainingListener.RunInfo info = new TrainingListener.RunInfo(files.dir(),
                        backend.device().toString(), backend.describe(), spec.classes(), splits.train().size(),
                        splits.test().size(), config.batchSize(), config.accumulationSteps(), config.epochs(),
                        state.epoch() + 1, model.parameterCount());
                for (TrainingListener l : listeners) {
                    l.onStart(info);
                }
                MetricsSummary lastTrain = null;
                MetricsSummary lastTest = null;
                for (int epoch = state.epoch(); epoch < config.epochs(); epoch++) {
                    long started = System.nanoTime();
                    EpochOutcome outcome = trainEpoch(epoch, trainLoader, plan, schedule, input, trainStep);
                    if (outcome.stopped()) {
                        files.saveLast(model, optimizer, spec, state);
                        LOG.info("stopped after {} updates (epoch {}, micro-batch {}); saved {}", state.updates(),
                                epoch + 1, state.batchesDone(), files.last());
                        return new Result(files.dir(), spec.classes(), state.epoch(), state.updates(),
                                outcome.train(), lastTest, state.bestF1(), true);
                    }
                    double seconds = (System.nanoTime() - started) / 1e9;
                    for (TrainingListener l : listeners) {
                        l.onEvaluationStart(epoch + 1, testLoader.batchesPerEpoch());
                    }
                    lastTrain = outcome.train();
                    lastTest = evaluator.evaluate(testLoader, n -> listeners.forEach(l -> l.onEvaluationBatch(n)));
                    EpochRecord record = new EpochRecord(epoch + 1, state.updates(),
                            schedule.lr(Math.max(0, state.updates() - 1)), lastTrain, lastTest, seconds,
                            outcome.imagesPerSecond());
                    boolean best = lastTest.f1() > state.bestF1();
                    state = new TrainingState(epoch + 1, 0, state.updates(), best ? lastTest.f1() : state.bestF1(),
                            0, 0, null);
                    log.append(record);
                    files.saveLast(model, optimizer, spec, state);
                    if (best) {
                        files.saveBest(model, spec, state);
                    }
                    Plots.writeCurves(files.dir().resolve(Plots.CURVES), log.records());
                    Plots.writeConfusion(files.dir().resolve(Plots.CONFUSION), lastTest.confusion(), spec.classes(),
                            "Test confusion, epoch " + (epoch + 1));
                    LOG.info("epoch {}/{}: train loss {} acc {} f1 {} | test loss {} acc {} f1 {} | {} images/s",
                            epoch + 1, config.epochs(), f(lastTrain.loss()), f(lastTrain.accuracy()),
                            f(lastTrain.f1()), f(lastTest.loss()), f(lastTest.accuracy()), f(lastTest.f1()),
                            Math.round(record.imagesPerSecond()));
                    for (TrainingListener l : listeners) {
                        l.onEpochEnd(record);
                    }
                }
                return new Result(files.dir(), spec.classes(), state.epoch(), state.updates(), lastTrain, lastTest,
                        state.bestF1(), false);
            }
        }

        private EpochOutcome trainEpoch(int epoch, BatchLoader loader, AccumulationPlan plan, LrSchedule schedule,
                                        Tensor input, TrainStep trainStep) {
            model.train();
            Metrics metrics = new Metrics(classes);
            if (state.trainConfusion() != null) {
                metrics.confusion().addAll(ConfusionMatrix.of(state.trainConfusion()));
                metrics.addLoss(state.trainLossSum() / Math.max(1, state.trainSamples()), state.trainSamples());
            }
            for (TrainingListener l : listeners) {
                l.onEpochStart(epoch + 1, plan.microBatches());
            }
            long images = 0;
            long trainNanos = 0;
            int skip = state.batchesDone();
            try (Epoch batches = loader.epoch(epoch)) {
                for (int i = 0; batches.hasNext(); i++) {
                    try (Batch b = batches.next()) {
                        if (i < skip) {
                            continue;
                        }
                        long t0 = System.nanoTime();
                        double loss = microBatch(epoch, i, b, plan, input, trainStep, metrics);
                        images += b.size();
                        boolean updated = plan.endsUpdate(i);
                        if (updated) {
                            trainStep.update(schedule.lr(state.updates()));
                        }
                        trainNanos += System.nanoTime() - t0;
                        long updates = state.updates() + (updated ? 1 : 0);
                        state = partial(epoch, i + 1, updates, metrics);
                        double ips = images / (trainNanos / 1e9);
                        for (TrainingListener l : listeners) {
                            l.onStep(new TrainingListener.StepEvent(epoch + 1, i + 1, plan.microBatches(), updates,
                                    loss, metrics.meanLoss(), schedule.lr(Math.max(0, updates - 1)), ips));
                        }
                        boolean limit = config.maxSteps() > 0 && updates >= config.maxSteps();
                        if (updated && (stopRequested || limit)) {
                            return new EpochOutcome(metrics.summary(), true, 0);
                        }
                    }
                }
            }
            double ips = trainNanos > 0 ? images / (trainNanos / 1e9) : 0;
            return new EpochOutcome(metrics.summary(), false, ips);
        }

        /** One micro-batch into the gradients, failing on a non-finite loss before anything is updated. */
        private double microBatch(int epoch, int i, Batch b, AccumulationPlan plan, Tensor input, TrainStep trainStep,
                                  Metrics metrics) {
            int n = b.size();
            Tensor x = input.narrow(n);
            backend.imagesToTensor(b.pixels(), n, config.size(), config.size(), config.mean(), config.std(), x);
            model.setStepSeed(new SplittableRandom(config.seed() ^ ((long) epoch << 32 | i)).nextLong());
            TrainStep.Output o = trainStep.microBatch(x, b.labels(), plan.lossScale(i));
            if (!Double.isFinite(o.loss())) {
                throw new TrainingDivergedException("loss became " + o.loss() + " at epoch " + (epoch + 1)
                        + ", micro-batch " + (i + 1) + " (update " + (state.updates() + 1) + "); "
                        + (Files.exists(files.last()) ? "the last good checkpoint is " + files.last()
                        : "no checkpoint was written yet") + ". Try a lower --lr or --clip-norm.");
            }
            metrics.addBatch(o.loss(), Metrics.argmax(o.logits(), n, classes), b.labels());
            return o.loss();
        }

        private TrainingState partial(int epoch, int done, long updates, Metrics metrics) {
            long samples = metrics.confusion().total();
            return new TrainingState(epoch, done, updates, state.bestF1(), metrics.meanLoss() * samples, samples,
                    metrics.confusion().counts());
        }
    }

    /** One epoch's training scores and throughput; {@code stopped} when a stop or --max-steps ended the run in it. */
    private record EpochOutcome(MetricsSummary train, boolean stopped, double imagesPerSecond) {
    }

    private static String f(double v) {
        return String.format(java.util.Locale.ROOT, "%.4f", v);
    }
}
