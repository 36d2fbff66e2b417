package dev.gargoyle.cli;

import dev.gargoyle.mpi.MpiCommunicator;
import dev.gargoyle.plots.PlotsListener;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.train.ClassReport;
import dev.gargoyle.train.Trainer;
import dev.gargoyle.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gargoyle train}: trains the AHE model and leaves logs, plots and checkpoints in the run directory. */
@Command(name = "train", sortOptions = false, showDefaultValues = true,
        description = {"Train the AHE CNN. Without --data it trains on built-in synthetic sample data.",
            "Writes config.json, metrics.jsonl/.csv, curves.png, confusion.png, last.safetensors and "
                + "best.safetensors to --out. Ctrl-C finishes the current step, saves and exits with 130.",
            "Under mpirun -np N (or srun) it trains data-parallel: --batch-size per rank, rank 0 writes --out."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "Data set: DIR/<class>/* or DIR/train|test/<class>/*.")
    Path data;
    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default runs/<timestamp>).")
    Path out;
    @Option(names = "--epochs", defaultValue = "20")
    int epochs;
    @Option(names = "--batch-size", defaultValue = "64")
    int batchSize;
    @Option(names = "--accumulation-steps", defaultValue = "1", paramLabel = "K",
            description = "Micro-batches per optimizer update (effective batch = batch size x K).")
    int accumulationSteps;
    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw or sgd.")
    String optimizer;
    @Option(names = "--lr", defaultValue = "1e-3")
    double lr;
    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum.")
    double momentum;
    @Option(names = "--nesterov", description = "Nesterov momentum (SGD).")
    boolean nesterov;
    @Option(names = "--weight-decay", defaultValue = "0")
    double weightDecay;
    @Option(names = "--schedule", defaultValue = "constant", description = "constant, step[:EPOCHS[:GAMMA]] or cosine.")
    String schedule;
    @Option(names = "--warmup-steps", defaultValue = "0", description = "Linear learning-rate warm-up, in updates.")
    int warmupSteps;
    @Option(names = "--clip-norm", defaultValue = "0", description = "Clip gradients to this global norm (0: off).")
    double clipNorm;
    @Option(names = "--size", defaultValue = "64", description = "Image side; a multiple of 16.")
    int size;
    @Option(names = "--augment", defaultValue = "default", description = "default or none.")
    String augment;
    @Option(names = "--dropout", defaultValue = "0.25")
    double dropout;
    @Option(names = "--seed", defaultValue = "42")
    long seed;
    @Mixin
    DeviceOption device;
    @Option(names = "--tf32", description = "Allow TF32 tensor-core math on CUDA (FP32 otherwise).")
    boolean tf32;
    @Mixin
    WorkersOption workers;
    @Mixin
    PrecisionOption precision;
    @Option(names = "--val-split", defaultValue = "0.2", description = "Test share when the data has no train/test folders.")
    double valSplit;
    @Option(names = "--mean", split = ",", defaultValue = "0.5,0.5,0.5", description = "Per-channel mean (R,G,B).")
    float[] mean;
    @Option(names = "--std", split = ",", defaultValue = "0.5,0.5,0.5", description = "Per-channel std (R,G,B).")
    float[] std;
    @Option(names = "--strict", description = "Fail on an unreadable image instead of skipping it.")
    boolean strict;
    @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "89478485",
            description = "Skip (or with --strict refuse) images larger than N pixels, before decoding them.")
    long maxPixels;
    @Option(names = "--cache-limit", paramLabel = "MIB", defaultValue = "1024",
            description = "Decoded images kept in memory for the next epochs, in MiB for each of the train and test "
                    + "sets (0: none); later epochs then only augment. Default: ${DEFAULT-VALUE}.")
    int cacheLimit;
    @Option(names = "--no-shuffle", description = "Visit images in class order, then file-name order.")
    boolean noShuffle;
    @Option(names = "--init", paramLabel = "W", description = "Start from these weights (safetensors, also PyTorch's).")
    Path init;
    @Option(names = "--reset-head", description = "With --init: a new last Linear for this data set's classes.")
    boolean resetHead;
    @Option(names = "--freeze", paramLabel = "LAYERS", description = "Freeze layers, e.g. features.0-11 or features.0,features.1.")
    String freeze;
    @Option(names = "--freeze-until", paramLabel = "NAME", description = "Freeze every layer up to and including NAME.")
    String freezeUntil;
    @Option(names = "--backbone-lr", description = "Learning rate for the layers below the head.")
    Double backboneLr;
    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue the run in RUN_DIR.")
    Path resume;
    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many optimizer updates (0: no limit).")
    long maxSteps;
    @Option(names = "--save-every", defaultValue = "0", paramLabel = "N",
            description = "Also save the resumable checkpoint every N optimizer updates (0: at each epoch's end).")
    long saveEvery;
    @Option(names = "--class-weights", defaultValue = "none", paramLabel = "none|balanced|W1,W2,...",
            description = "Weigh each class's loss: balanced gives n/(classes x count), or one weight per class.")
    String classWeights;
    @Option(names = "--sampler", defaultValue = "uniform", paramLabel = "uniform|balanced",
            description = "uniform: every image once per epoch; balanced: classes drawn evenly (with replacement).")
    String sampler;
    @Option(names = "--sync-bn", description = "Under mpirun/srun: batch-norm over all ranks' batches together.")
    boolean syncBn;
    @Option(names = "--dist-timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "Under mpirun/srun: how long a rank waits for the others before the job ends.")
    long distTimeout;
    @Option(names = "--quiet", description = "No progress bars, logs only.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        TrainConfig config = config();
        if (distTimeout < 1) {
            throw new UsageException("--dist-timeout must be at least 1 second, got " + distTimeout);
        }
        MpiCommunicator job = LaunchedJob.join(Duration.ofSeconds(distTimeout));
        try {
            int exit = train(config, job);
            if (job != null) {
                job.close();
            }
            return exit;
        } catch (RuntimeException | Error e) {
            abortJob(job, e);
            throw e;
        }
    }

    /**
     * After a failure on this rank the others would wait for it until their timeout: end them all
     * now, naming this rank. Called before any native memory is freed, since a collective still in
     * flight on the MPI thread may be reading it.
     */
    private void abortJob(MpiCommunicator job, Throwable e) {
        if (job != null) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("gargoyle train: error on rank " + job.rank() + " of " + job.size() + ": "
                    + FailureHandler.describe(e));
            err.flush();
            job.abort(1);
        }
    }

    private int train(TrainConfig config, MpiCommunicator job) {
        boolean leader = job == null || job.rank() == 0;
        ProgressListener progress = new ProgressListener();
        List<TrainingListener> listeners = new ArrayList<>();
        listeners.add(new PlotsListener());
        if (leader && !quiet && TerminalProgress.interactive()) {
            listeners.add(progress);
        }
        Set<String> given = new HashSet<>();
        spec.commandLine().getParseResult().matchedOptions().forEach(o -> given.add(o.longestName()));
        try (AheTraining training = AheTraining.prepare(config, given, listeners, job)) {
            try {
                return run(training.trainer(), progress, leader);
            } catch (RuntimeException | Error e) {
                abortJob(job, e);
                throw e;
            }
        }
    }

    private int run(Trainer trainer, ProgressListener progress, boolean leader) {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            trainer.requestStop();
            try {
                finished.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gargoyle-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            Trainer.Result r = trainer.run();
            progress.finish();
            if (!leader) {
                return 0;
            }
            PrintWriter o = spec.commandLine().getOut();
            o.println();
            if (r.test() != null) {
                o.println("Test scores after epoch " + r.epochsCompleted() + ":");
                o.println(ClassReport.format(r.test(), r.classes()));
            }
            o.printf("%s after %d updates. Outputs in %s: %s%n", r.stoppedEarly() ? "Stopped early" : "Finished",
                    r.updates(), r.runDir(), String.join(", ", written(r.runDir())));
            o.flush();
            return 0;
        } finally {
            progress.finish();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the JVM is exiting with 130 once the hook sees the latch.
            }
        }
    }

    /** The outputs this run left, in the order the README lists them: only those that exist. */
    private static List<String> written(Path dir) {
        List<String> out = new ArrayList<>();
        for (String f : new String[] {"config.json", "metrics.jsonl", "metrics.csv", "curves.png", "confusion.png",
            "last.safetensors", "best.safetensors"}) {
            if (Files.isRegularFile(dir.resolve(f))) {
                out.add(f);
            }
        }
        return out;
    }

    private TrainConfig config() {
        if (freeze != null && freezeUntil != null) {
            throw new UsageException("--freeze and --freeze-until cannot be combined");
        }
        if (!augment.equals("default") && !augment.equals("none")) {
            throw new UsageException("--augment must be default or none, got " + augment);
        }
        try {
            Device.parse(device.text.equals("auto") ? "cpu" : device.text);
            TrainConfig.Builder b = TrainConfig.builder().data(data).epochs(epochs).batchSize(batchSize)
                    .accumulationSteps(accumulationSteps).optimizer(optimizer).lr(lr).momentum(momentum)
                    .nesterov(nesterov).weightDecay(weightDecay).schedule(schedule).warmupSteps(warmupSteps)
                    .clipNorm(clipNorm).size(size).augment(augment.equals("default")).dropout(dropout).seed(seed)
                    .device(device.text).tf32(tf32).valSplit(valSplit).mean(mean).std(std).strict(strict)
                    .shuffle(!noShuffle).init(init).resetHead(resetHead)
                    .freeze(freezeUntil != null ? "until:" + freezeUntil : freeze).backboneLr(backboneLr)
                    .resume(resume).maxSteps(maxSteps).classWeights(classWeights).sampler(sampler)
                    .saveEvery(saveEvery).maxPixels(maxPixels).syncBn(syncBn).bf16(precision.bf16())
                    .cacheMib(cacheLimit);
            if (out != null) {
                b.out(out);
            }
            b.workers(workers.threads());
            if (resetHead && init == null) {
                throw new UsageException("--reset-head needs --init");
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
