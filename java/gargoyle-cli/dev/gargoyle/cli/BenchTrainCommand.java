package dev.gargoyle.cli;

import dev.gargoyle.bench.LoaderBench;
import dev.gargoyle.bench.Throughput;
import dev.gargoyle.bench.TrainBench;
import dev.gargoyle.bench.TrainBenchResult;
import dev.gargoyle.bench.TrainBenchSettings;
import dev.gargoyle.bench.TrainJson;
import dev.gargoyle.cli.sample.SampleData;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gargoyle bench train}: images/s of whole AHE training and inference steps on synthetic images. */
@Command(name = "train", sortOptions = false, showDefaultValues = true,
        description = {"Images/s of full AHE training steps (forward, backward, Adam update, with gradient "
                + "accumulation as the trainer does it) and of inference (evaluation-mode forward), on synthetic "
                + "random images: median of timed windows after warm-up, and the peak native memory.",
            "--loader also times data loading alone: the built-in sample data through the batch loader with "
                + "augmentation."})
final class BenchTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--batch-size", defaultValue = "64")
    int batchSize;
    @Option(names = "--size", defaultValue = "64", description = "Image side; a multiple of 16.")
    int size;
    @Option(names = "--accumulation-steps", defaultValue = "1", paramLabel = "K",
            description = "Micro-batches per optimizer update.")
    int accumulationSteps;
    @Mixin
    DeviceOption device;
    @Option(names = "--warmup", defaultValue = "2", description = "Untimed optimizer updates first.")
    int warmup;
    @Option(names = "--windows", defaultValue = "11",
            description = "Timed windows; the median is reported with the slowest and fastest.")
    int windows;
    @Option(names = "--updates-per-window", defaultValue = "2", paramLabel = "N",
            description = "Optimizer updates per timed window (inference windows: as many batches).")
    int updatesPerWindow;
    @Option(names = "--seed", defaultValue = "42")
    long seed;
    @Option(names = "--loader", description = "Also time the data loader alone (sample data, augmentation).")
    boolean loader;
    @Option(names = "--breakdown", description = "Also profile one more training window: time per module, input, "
            + "loss and optimizer.")
    boolean breakdown;
    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;
    @Option(names = "--tf32", description = "Allow TF32 tensor-core math on CUDA (FP32 otherwise).")
    boolean tf32;
    @Mixin
    PrecisionOption precision;
    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        Device d = device.resolve();
        boolean bf16 = precision.bf16();
        TrainBenchSettings settings;
        try {
            settings = new TrainBenchSettings(batchSize, size, accumulationSteps, warmup, windows, updatesPerWindow,
                    seed);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        TrainBenchResult result;
        OptionalDouble loadBefore = LoadAverage.now();
        int steps = TrainBench.steps(settings, breakdown) + (loader ? windows + 1 : 0);
        try (Backend backend = Backends.create(d, PrecisionOption.options(tf32, bf16));
             TerminalProgress progress = new TerminalProgress("bench train", steps, null, quiet)) {
            Throughput loaded = null;
            if (loader) {
                Path data = SampleData.ensure(AheTraining.sampleCache());
                loaded = LoaderBench.run(data, batchSize, size, seed, windows, backend::allocateHostBuffer, progress);
            }
            result = new TrainBench(backend, settings, progress).run(loaded, breakdown);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("AHE on " + result.device() + " (" + result.backend() + ")");
        result.lines().forEach(out::println);
        out.print(result.breakdownTable());
        out.print(LoadAverage.note(loadBefore, LoadAverage.now()));
        if (json != null) {
            TrainJson.write(json, result);
            out.println("wrote " + json);
        }
        out.flush();
        return 0;
    }
}
