package dev.gargoyle.train;

import dev.gargoyle.dist.Communicator;
import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.LrSchedule;
import dev.gargoyle.optim.Optimizer;
import dev.gargoyle.optim.OptimizerConfig;
import dev.gargoyle.optim.Schedule;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains any {@link Model} on any {@link DataSource}: epochs of micro-batches with gradient
 * accumulation, a loss, an optimizer and a learning-rate schedule, evaluation on test data after
 * every epoch, and, with a run directory, the training log and resumable checkpoints. Build one
 * with {@link #builder}; {@link #requestStop()} (from any thread) ends the run after the current
 * optimizer update with everything saved. Runs on the thread that calls {@link #run()}, which
 * must be the model's backend's thread.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final TrainerSettings settings;
    private final List<TrainingListener> listeners;
    private volatile boolean stopRequested;

    private Trainer(TrainerSettings settings, List<TrainingListener> listeners) {
        this.settings = settings;
        this.listeners = List.copyOf(listeners);
    }

    /** A trainer of {@code model} (bound to its backend) on {@code trainData}; the rest has PyTorch-like defaults. */
    public static Builder builder(Model model, DataSource trainData) {
        return new Builder(model, trainData);
    }

    /** True when {@code dir} already holds a training run (so a new run there would be refused). */
    public static boolean holdsRun(Path dir) {
        return RunFiles.holdsRun(dir);
    }

    /** Asks the run to stop after the current optimizer update, saving the checkpoint and the log. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * How a run ended: its directory (null without one), the class names, completed epochs,
     * optimizer updates, the last train and test scores (null before the first evaluation), the best
     * test F1, and whether a stop or the step limit ended it early.
     */
    public record Result(Path runDir, List<String> classes, int epochsCompleted, long updates,
                         MetricsSummary train, MetricsSummary test, double bestTestF1, boolean stoppedEarly) {
    }

    /**
     * Runs to the end (or to a stop) and returns the outcome. Everything was checked by
     * {@link Builder#build()}, before the run directory is created or touched.
     *
     * @throws TrainingDivergedException when a loss is not finite; the last good checkpoint stays
     * @throws CheckpointException       when the run directory cannot be read or written
     * @throws IllegalArgumentException  when the model, the data and the settings do not fit together
     */
    public Result run() {
        TrainerSettings s = settings;
        try (DataParallel parallel = new DataParallel(s.communicator(), s.model(), s.syncBatchNorm())) {
            parallel.requireAgreement(s.collectiveShape());
            // Rank 0 alone reads and writes the run folder; the others get its state below.
            boolean leader = parallel.isLeader();
            // A run folder left before its first checkpoint has nothing to resume: it starts again there.
            boolean resuming = leader && s.resume() && RunFiles.holdsRun(s.runDir());
            if (leader && s.resume() && !resuming) {
                LOG.info("{} holds no checkpoint yet: starting the run there from the beginning", s.runDir());
            }
            RunFiles files = s.runDir() == null || !leader ? null : resuming
                    ? RunFiles.existing(s.runDir(), s.runShape()) : RunFiles.create(s.runDir(), s.runShape());
            try (files; Optimizer optimizer = s.optimizer().create(s.model(), s.lrScale())) {
                TrainingState state = resuming ? files.readState() : TrainingState.START;
                if (files != null && !resuming && s.description() != null) {
                    files.writeConfig(s.description());
                }
                if (resuming) {
                    files.restore(s.model(), optimizer);
                }
                state = parallel.start(optimizer, state);
                return new Run(s, files, optimizer, state, resuming, parallel).execute();
            }
        }
    }

    /** One run's mutable state: the epoch loop, separated from setup so each part stays readable. */
    private final class Run {
        private final TrainerSettings s;
        private final RunFiles files;
        private final Model model;
        private final Optimizer optimizer;
        private final boolean resuming;
        private final DataParallel parallel;
        private final List<TrainingListener> listeners;
        private TrainingState state;

        Run(TrainerSettings s, RunFiles files, Optimizer optimizer, TrainingState state, boolean resuming,
            DataParallel parallel) {
            this.s = s;
            this.files = files;
            this.model = s.model();
            this.optimizer = optimizer;
            this.state = state;
            this.resuming = resuming;
            this.parallel = parallel;
            this.listeners = parallel.isLeader() ? Trainer.this.listeners : List.of();
        }

        Result execute() {
            DataSource train = s.trainData();
            DataSource test = s.testData();
            Shape batchShape = s.batchShape();
            try (DataSource.Loader trainLoader = train.open(model.backend(), s.batchSize());
                 DataSource.Loader testLoader = test == null ? null : test.open(model.backend(), s.batchSize());
                 Evaluator evaluator = test == null ? null : new Evaluator(model, s.loss(), batchShape);
                 Tensor input = model.backend().allocate(batchShape);
                 TrainStep trainStep = new TrainStep(model, optimizer, s.loss(), s.clipNorm())) {
                long perStep = (long) s.batchSize() * parallel.ranks();
                int microBatches = Math.toIntExact((s.sampler().order(train, 0).length + perStep - 1) / perStep);
                long updatesPerEpoch = (microBatches + s.accumulationSteps() - 1) / s.accumulationSteps();
                LrSchedule schedule = s.schedule().rates(s.learningRate(), updatesPerEpoch,
                        updatesPerEpoch * s.epochs()).withWarmup(s.warmupSteps());
                TrainingLog log = openLog();
                if (parallel.isLeader()) {
                    LOG.info("training {} epochs of {} samples: batch {} x {} accumulation steps x {} ranks = "
                                    + "effective batch {}, {} updates per epoch, {} parameters", s.epochs(),
                            train.size(), s.batchSize(), s.accumulationSteps(), parallel.ranks(),
                            perStep * s.accumulationSteps(), updatesPerEpoch, model.parameterCount());
                }
                TrainingListener.RunInfo info = new TrainingListener.RunInfo(files == null ? null : files.dir(),
                        model.backend().device().toString(), model.backend().describe(), train.classes(),
                        train.size(), test == null ? 0 : test.size(), s.batchSize(), s.accumulationSteps(),
                        s.epochs(), state.epoch() + 1, model.parameterCount(),
                        log == null ? List.of() : log.records());
                listeners.forEach(l -> l.onStart(info));
                MetricsSummary lastTrain = null;
                MetricsSummary lastTest = null;
                for (int epoch = state.epoch(); epoch < s.epochs(); epoch++) {
                    long started = System.nanoTime();
                    EpochOutcome outcome = trainEpoch(epoch, trainLoader, schedule, input, trainStep);
                    if (outcome.stopped()) {
                        if (files != null) {
                            files.saveLast(model, optimizer, s.modelMetadata(), state);
                            LOG.info("stopped after {} updates (epoch {}, micro-batch {}); saved {}", state.updates(),
                                    epoch + 1, state.batchesDone(), files.last());
                        }
                        return result(state.epoch(), outcome.train(), lastTest, true);
                    }
                    double seconds = (System.nanoTime() - started) / 1e9;
                    lastTrain = outcome.train();
                    lastTest = testLoader == null ? null : evaluate(epoch, evaluator, test, testLoader);
                    EpochRecord record = new EpochRecord(epoch + 1, state.updates(),
                            schedule.lr(Math.max(0, state.updates() - 1)), lastTrain, lastTest, seconds,
                            outcome.imagesPerSecond());
                    boolean best = lastTest != null && lastTest.f1() > state.bestF1();
                    state = new TrainingState(epoch + 1, 0, state.updates(), best ? lastTest.f1() : state.bestF1(),
                            0, 0, null);
                    if (files != null) {
                        log.append(record);
                        if (best) {
                            files.saveBest(model, s.modelMetadata(), state);
                        }
                        files.saveLast(model, optimizer, s.modelMetadata(), state);
                    }
                    logEpoch(record, lastTrain, lastTest);
                    listeners.forEach(l -> l.onEpochEnd(record));
                }
                return result(state.epoch(), lastTrain, lastTest, false);
            }
        }

        private void logEpoch(EpochRecord record, MetricsSummary lastTrain, MetricsSummary lastTest) {
            if (parallel.isLeader()) {
                LOG.info("epoch {}/{}: train loss {} acc {} f1 {}{} | {} samples/s", record.epoch(), s.epochs(),
                        f(lastTrain.loss()), f(lastTrain.accuracy()), f(lastTrain.f1()), lastTest == null ? ""
                                : " | test loss " + f(lastTest.loss()) + " acc " + f(lastTest.accuracy()) + " f1 "
                                + f(lastTest.f1()), Math.round(record.imagesPerSecond()));
            }
        }

        private Result result(int epochs, MetricsSummary train, MetricsSummary test, boolean stopped) {
            // The others wait for rank 0's last save, so that ending the job cannot cut it short.
            parallel.barrier();
            if (parallel.isParallel() && parallel.isLeader()) {
                LOG.info("data-parallel: {}", parallel.describe());
            }
            return new Result(files == null ? null : files.dir(), s.trainData().classes(), epochs, state.updates(),
                    train, test, state.bestF1(), stopped);
        }

        private TrainingLog openLog() {
            if (files == null) {
                return null;
            }
            return resuming ? TrainingLog.resume(files.dir(), state.epoch()) : TrainingLog.create(files.dir());
        }

        private MetricsSummary evaluate(int epoch, Evaluator evaluator, DataSource test, DataSource.Loader loader) {
            parallel.beforeForward();
            int[] order = parallel.shard(Sampler.inOrder().order(test, 0));
            int batches = (order.length + s.batchSize() - 1) / s.batchSize();
            listeners.forEach(l -> l.onEvaluationStart(epoch + 1, batches));
            int classes = test.classes().size();
            Metrics local = evaluator.score(loader, order, classes, n -> listeners.forEach(l -> l.onEvaluationBatch(n)));
            return parallel.total(local, classes).summary();
        }

        private EpochOutcome trainEpoch(int epoch, DataSource.Loader loader, LrSchedule schedule, Tensor input,
                                        TrainStep trainStep) {
            model.train();
            int classes = s.trainData().classes().size();
            int[] order = s.sampler().order(s.trainData(), epoch);
            AccumulationPlan plan = parallel.plan(order, s.batchSize(), s.accumulationSteps(),
                    i -> s.loss().weightOf(s.trainData().label(i)));
            Metrics metrics = new Metrics(classes);
            if (state.trainConfusion() != null) {
                metrics.confusion().addAll(ConfusionMatrix.of(state.trainConfusion()));
                metrics.addLossSum(state.trainLossSum(), state.trainSamples());
            }
            listeners.forEach(l -> l.onEpochStart(epoch + 1, plan.microBatches()));
            long images = 0;
            long perStep = (long) s.batchSize() * parallel.ranks();
            long trainNanos = 0;
            int skip = state.batchesDone();
            try (DataSource.Pass batches = loader.pass(epoch, parallel.shard(order))) {
                // Every rank runs every micro-batch of the plan; a rank's last one may hold no samples.
                for (int i = 0; i < plan.microBatches(); i++) {
                    boolean loaded = batches.hasNext();
                    if (i < skip) {
                        if (loaded) {
                            batches.next(input);
                        }
                        continue;
                    }
                    long t0 = System.nanoTime();
                    int[] labels = loaded ? batches.next(input) : new int[0];
                    boolean updated = plan.endsUpdate(i);
                    double loss = microBatch(epoch, i, input.narrow(labels.length), labels, plan, trainStep, metrics);
                    // The job's images, not this rank's: throughput is reported for all ranks together.
                    images += parallel.isParallel() ? Math.min(perStep, order.length - (long) i * perStep)
                            : labels.length;
                    if (updated) {
                        parallel.sumGradients();
                        trainStep.update(schedule.lr(state.updates()));
                    }
                    trainNanos += System.nanoTime() - t0;
                    long updates = state.updates() + (updated ? 1 : 0);
                    boolean checkpoint = updated && s.runDir() != null && s.checkpointEvery() > 0
                            && updates % s.checkpointEvery() == 0;
                    boolean limit = s.maxSteps() > 0 && updates >= s.maxSteps();
                    boolean stop = updated && parallel.anyStops(stopRequested || limit);
                    // Saved states hold the scores of all ranks: summing them is a collective, so every rank does it.
                    Metrics scores = checkpoint || stop ? parallel.total(metrics, classes) : metrics;
                    state = partial(epoch, i + 1, updates, scores);
                    if (checkpoint && files != null) {
                        files.saveLast(model, optimizer, s.modelMetadata(), state);
                    }
                    double ips = images / (trainNanos / 1e9);
                    TrainingListener.StepEvent event = new TrainingListener.StepEvent(epoch + 1, i + 1,
                            plan.microBatches(), updates, loss, metrics.meanLoss(),
                            schedule.lr(Math.max(0, updates - 1)), ips);
                    listeners.forEach(l -> l.onStep(event));
                    if (stop) {
                        return new EpochOutcome(scores.summary(), true, 0);
                    }
                }
            }
            double ips = trainNanos > 0 ? images / (trainNanos / 1e9) : 0;
            return new EpochOutcome(parallel.total(metrics, classes).summary(), false, ips);
        }

        /**
         * One micro-batch into the gradients, failing on a non-finite loss before anything is updated.
         * A micro-batch with no samples on this rank adds nothing; it runs only for the collectives of
         * synchronised batch-norm, and its loss is NaN.
         */
        private double microBatch(int epoch, int i, Tensor x, int[] labels, AccumulationPlan plan, TrainStep trainStep,
                                  Metrics metrics) {
            model.setStepSeed(parallel.stepSeed(new SplittableRandom(s.seed() ^ ((long) epoch << 32 | i)).nextLong()));
            parallel.beforeForward();
            if (plan.endsUpdate(i)) {
                parallel.beforeLastBackward();
            }
            if (labels.length == 0) {
                if (parallel.runsEmptyMicroBatches()) {
                    trainStep.emptyMicroBatch(x);
                }
                return Double.NaN;
            }
            TrainStep.Output o = trainStep.microBatch(x, labels, plan.lossScale(i));
            if (!Double.isFinite(o.loss())) {
                throw new TrainingDivergedException("loss became " + o.loss() + " at epoch " + (epoch + 1)
                        + ", micro-batch " + (i + 1) + " (update " + (state.updates() + 1) + ")"
                        + (parallel.isParallel() ? " on rank " + parallel.rank() : "") + "; "
                        + (files != null && Files.exists(files.last()) ? "the last good checkpoint is " + files.last()
                        : "no checkpoint was written yet")
                        + ". Try a lower learning rate or gradient clipping.");
            }
            metrics.addBatch(o.loss(), Metrics.argmax(o.logits(), labels.length, s.trainData().classes().size()),
                    labels);
            return o.loss();
        }

        private TrainingState partial(int epoch, int done, long updates, Metrics metrics) {
            long samples = metrics.confusion().total();
            return new TrainingState(epoch, done, updates, state.bestF1(), metrics.lossSum(), samples,
                    metrics.confusion().counts());
        }
    }

    /**
     * One epoch's training scores and throughput; {@code stopped} when a stop or the step limit ended
     * the run in it.
     */
    private record EpochOutcome(MetricsSummary train, boolean stopped, double imagesPerSecond) {
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /**
     * Builds a {@link Trainer}. Defaults: unweighted cross-entropy, Adam at 1e-3 with a constant
     * rate, 10 epochs of batch 32 without accumulation, samples shuffled with seed 42, no gradient
     * clipping, no step limit, no test data and no run directory.
     */
    public static final class Builder {
        private final Model model;
        private final DataSource trainData;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private DataSource testData;
        private CrossEntropyLoss loss = CrossEntropyLoss.unweighted();
        private OptimizerConfig optimizer = OptimizerConfig.adam();
        private ToDoubleFunction<String> lrScale = name -> 1.0;
        private double learningRate = 1e-3;
        private Schedule schedule = Schedule.constant();
        private int warmupSteps;
        private double clipNorm;
        private int epochs = 10;
        private int batchSize = 32;
        private int accumulationSteps = 1;
        private Sampler sampler;
        private long seed = 42;
        private long maxSteps;
        private long checkpointEvery;
        private Path runDir;
        private boolean resume;
        private Map<String, String> modelMetadata = Map.of();
        private Map<String, ?> description;
        private Communicator communicator;
        private boolean syncBatchNorm;

        private Builder(Model model, DataSource trainData) {
            if (model == null || trainData == null) {
                throw new IllegalArgumentException("Trainer: a model and training data are required");
            }
            this.model = model;
            this.trainData = trainData;
        }

        /** Data scored after every epoch (loss, accuracy, precision, recall, F1); the best F1's weights are kept. */
        public Builder testData(DataSource data) {
            testData = data;
            return this;
        }

        public Builder loss(CrossEntropyLoss l) {
            loss = l;
            return this;
        }

        public Builder optimizer(OptimizerConfig o) {
            optimizer = o;
            return this;
        }

        /** A multiplier of the learning rate per parameter name, e.g. a smaller rate for a pretrained backbone. */
        public Builder learningRateScale(ToDoubleFunction<String> scaleByParameter) {
            lrScale = scaleByParameter;
            return this;
        }

        public Builder learningRate(double lr) {
            learningRate = lr;
            return this;
        }

        public Builder schedule(Schedule sch) {
            schedule = sch;
            return this;
        }

        /** Ramps the rate up linearly over the first {@code updates} optimizer updates. */
        public Builder warmupSteps(int updates) {
            warmupSteps = updates;
            return this;
        }

        /** Clips the gradients to this global L2 norm before each update; 0 turns clipping off. */
        public Builder clipNorm(double norm) {
            clipNorm = norm;
            return this;
        }

        public Builder epochs(int n) {
            epochs = n;
            return this;
        }

        /** Samples per micro-batch (the last of an epoch may have fewer). */
        public Builder batchSize(int n) {
            batchSize = n;
            return this;
        }

        /** Micro-batches per optimizer update: the effective batch is batch size times this. */
        public Builder accumulationSteps(int k) {
            accumulationSteps = k;
            return this;
        }

        /** The order of each epoch; by default {@link Sampler#shuffled} with the trainer's seed. */
        public Builder sampler(Sampler s) {
            sampler = s;
            return this;
        }

        /** Seeds dropout masks (and the default sampler): equal seeds give equal runs. */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /** Stops after this many optimizer updates (0: no limit), saving as a stop does. */
        public Builder maxSteps(long updates) {
            maxSteps = updates;
            return this;
        }

        /**
         * Also saves the resumable checkpoint every {@code updates} optimizer updates within an epoch
         * (0: at the end of each epoch and on a stop only), so a crash loses at most that many.
         */
        public Builder checkpointEvery(long updates) {
            checkpointEvery = updates;
            return this;
        }

        /**
         * Where the log ({@code metrics.jsonl}, {@code metrics.csv}) and the checkpoints
         * ({@code last.safetensors}, {@code best.safetensors}, the optimizer state) go; created when the
         * run starts, refused if it already holds a run.
         */
        public Builder runDirectory(Path dir) {
            runDir = dir;
            return this;
        }

        /**
         * Continues the run in {@link #runDirectory} from its last checkpoint, exactly (same seed, same
         * result); a run folder holding no checkpoint yet starts again from the beginning.
         */
        public Builder resume(boolean on) {
            resume = on;
            return this;
        }

        /** Metadata saved with every checkpoint, e.g. what it takes to rebuild the model. */
        public Builder modelMetadata(Map<String, String> metadata) {
            modelMetadata = Map.copyOf(metadata);
            return this;
        }

        /** How the run was asked for (any JSON-serialisable values), saved as the run directory's config.json. */
        public Builder description(Map<String, ?> runDescription) {
            description = runDescription;
            return this;
        }

        /**
         * Trains data-parallel over the ranks of {@code c} (null: this process alone). Every rank runs
         * the same trainer, built alike: rank 0's weights and state are copied to all, each rank takes
         * every N-th sample of each epoch's order from its own offset (PyTorch's
         * {@code DistributedSampler}) in micro-batches of {@link #batchSize} (per rank), and the
         * gradients are summed over the ranks once per optimizer update, overlapped with backward.
         * Rank 0 alone writes the run folder and calls the listeners; metrics cover every rank's samples.
         */
        public Builder communicator(Communicator c) {
            communicator = c;
            return this;
        }

        /**
         * With a {@link #communicator}: batch-norm layers normalise with the statistics of all ranks'
         * batches together (PyTorch's {@code SyncBatchNorm}). Without it, as PyTorch's DDP does by
         * default, each rank normalises with its own batch and takes rank 0's running statistics.
         */
        public Builder syncBatchNorm(boolean on) {
            syncBatchNorm = on;
            return this;
        }

        public Builder listener(TrainingListener l) {
            listeners.add(l);
            return this;
        }

        /** Checks every value; throws {@link IllegalArgumentException} naming the setting and what it must be. */
        public Trainer build() {
            TrainerSettings s = new TrainerSettings(model, trainData, testData, loss, optimizer, lrScale, learningRate,
                    schedule, warmupSteps, clipNorm, epochs, batchSize, accumulationSteps,
                    sampler != null ? sampler : Sampler.shuffled(seed), seed, maxSteps, checkpointEvery, runDir, resume,
                    modelMetadata, description, communicator, syncBatchNorm);
            s.validate();
            return new Trainer(s, listeners);
        }
    }
}
