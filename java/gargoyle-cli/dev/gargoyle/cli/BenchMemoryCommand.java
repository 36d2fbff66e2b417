package dev.gargoyle.cli;

import dev.gargoyle.bench.MemoryTrace;
import dev.gargoyle.plots.MemoryChart;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gargoyle bench memory}: does a long training run's memory grow? */
@Command(name = "memory", sortOptions = false, showDefaultValues = true,
        description = {"A long real training run (the train command's data loading, augmentation, evaluation and "
                + "checkpoints, on the sample data unless --data) with its memory sampled every few updates: the "
                + "backend's tensors, everything JavaCPP allocated, and the process's resident set. Prints each "
                + "one's slope after warm-up in MiB per 1,000 updates (flat is healthy; the goal is under 1) and "
                + "writes memory.csv and memory.png next to the run's own files in --out."})
final class BenchMemoryCommand implements Callable<Integer> {
    /** A steady leak of one small buffer per update would pass a looser goal within 10,000 updates. */
    static final double GOAL_MIB_PER_1000 = 1.0;

    @Spec
    CommandSpec spec;
    @Option(names = "--steps", defaultValue = "10000", description = "Optimizer updates to run.")
    long steps;
    @Option(names = "--warmup", defaultValue = "1000", description = "Updates left out of the slopes.")
    long warmup;
    @Option(names = "--sample-every", defaultValue = "50", paramLabel = "N", description = "Sample every N updates.")
    int every;
    @Option(names = "--size", defaultValue = "32", description = "Image side; a multiple of 16.")
    int size;
    @Option(names = "--batch-size", defaultValue = "16")
    int batchSize;
    @Option(names = "--data", description = "An image folder (default: the built-in sample data).")
    Path data;
    @Option(names = "--out", description = "Run folder (default: runs/memory-<time>).")
    Path out;
    @Mixin
    DeviceOption device;
    @Mixin
    WorkersOption workers;
    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (steps < 2L * every || warmup < 0 || warmup > steps - 2L * every) {
            throw new UsageException("--steps must leave at least two samples (--sample-every " + every + ") after "
                    + "--warmup; got --steps " + steps + ", --warmup " + warmup);
        }
        Path dir = out != null ? out
                : Path.of("runs", "memory-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        TrainConfig config;
        try {
            // Every epoch makes at least one update, so --steps epochs are enough for --max-steps to end the run.
            config = TrainConfig.builder().data(data).out(dir).size(size).batchSize(batchSize)
                    .epochs((int) Math.min(Integer.MAX_VALUE, steps)).maxSteps(steps).device(device.text)
                    .workers(workers.threads()).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Backend[] backend = new Backend[1];
        MemoryTrace trace = new MemoryTrace(every, () -> backend[0].memoryInUse());
        try (TerminalProgress progress = new TerminalProgress("bench memory", steps, "updates", quiet)) {
            TrainingListener bar = new TrainingListener() {
                private long updates;

                @Override
                public void onStep(StepEvent step) {
                    progress.stepBy(step.updates() - updates);
                    updates = step.updates();
                }
            };
            try (AheTraining training = AheTraining.prepare(config, Set.of(), List.of(trace, bar), null)) {
                backend[0] = training.backend();
                training.trainer().run();
            }
        }
        trace.writeCsv(dir.resolve("memory.csv"));
        MemoryChart.write(dir.resolve("memory.png"), trace.samples(), warmup);
        MemoryTrace.Slopes s = trace.slopes(warmup);
        MemoryTrace.Sample last = trace.samples().get(trace.samples().size() - 1);
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%d updates of %d images at %dx%d; memory sampled every %d updates%n", last.updates(),
                batchSize, size, size, every);
        o.printf(Locale.ROOT, "%-16s %12s %28s%n", "measure", "at the end", "slope after update " + s.fromUpdate());
        o.printf(Locale.ROOT, "%-16s %8.1f MiB %18.3f MiB/1000 updates%n", "backend", MemoryTrace.mib(last.backend()),
                s.backend());
        o.printf(Locale.ROOT, "%-16s %8.1f MiB %18.3f MiB/1000 updates%n", "JavaCPP native",
                MemoryTrace.mib(last.javacpp()), s.javacpp());
        o.printf(Locale.ROOT, "%-16s %8.1f MiB %18.3f MiB/1000 updates%n", "resident (RSS)",
                MemoryTrace.mib(last.resident()), s.resident());
        boolean met = Math.max(s.javacpp(), s.resident()) < GOAL_MIB_PER_1000;
        o.printf(Locale.ROOT, "goal, under %.0f MiB per 1,000 updates after warm-up: %s. Samples in %s, plot in %s%n",
                GOAL_MIB_PER_1000, met ? "met" : "MISSED", dir.resolve("memory.csv"), dir.resolve("memory.png"));
        o.flush();
        return 0;
    }
}
