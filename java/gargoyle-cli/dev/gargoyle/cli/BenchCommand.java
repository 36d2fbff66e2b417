package dev.gargoyle.cli;

import dev.gargoyle.bench.BackwardChart;
import dev.gargoyle.bench.BenchLayer;
import dev.gargoyle.bench.BenchReport;
import dev.gargoyle.bench.BenchSettings;
import dev.gargoyle.bench.CsvReport;
import dev.gargoyle.bench.JsonReport;
import dev.gargoyle.bench.LayerBench;
import dev.gargoyle.bench.ReportTable;
import dev.gargoyle.bench.ShapeSets;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.BackendOptions;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gargoyle bench}: times the forward and backward passes of each layer of a shape set (on
 * CUDA every convolution algorithm cuDNN offers); {@code gargoyle bench train} times whole steps.
 */
@Command(name = "bench", sortOptions = false, showDefaultValues = true, subcommands = {BenchTrainCommand.class, BenchMemoryCommand.class},
        description = {"Microbenchmark of forward and backward passes: convolution (forward, backward-data, "
                + "backward-filter), pooling and batch-norm, per layer of a shape set, with GFLOP/s or GB/s and the "
                + "share of the SGEMM and copy peaks measured in the same run. On CUDA every algorithm cuDNN offers "
                + "is timed, the one the backend runs marked. Results are checked against float64 loops first.",
            "Shape files: one layer per line, e.g. 'conv name=c1 n=8 c=64 h=56 w=56 k=64 r=3 s=3 pad=1 stride=1', "
                + "'pool n=8 c=64 h=56 w=56 kernel=2 [stride=2] [pad=0] [mode=max|avg]', 'bn n=8 c=64 h=56 w=56'; "
                + "'#' starts a comment.",
            "'gargoyle bench train' measures images/s of whole training and inference steps instead."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOption device;
    @Option(names = "--shapes", defaultValue = "ahe", paramLabel = "SET",
            description = "ahe (the AHE model's layers at --batch and --size), deepbench (12 DeepBench training "
                    + "convolutions, their own batch sizes) or a shape file.")
    String shapes;
    @Option(names = "--batch", defaultValue = "64", description = "Batch size of the ahe shapes.")
    int batch;
    @Option(names = "--size", defaultValue = "64", description = "Image side of the ahe shapes, a multiple of 16.")
    int size;
    @Option(names = "--warmup", defaultValue = "3", description = "Untimed runs of each pass.")
    int warmup;
    @Option(names = "--repeats", defaultValue = "10", description = "Timed runs of each pass: median, min, p90.")
    int repeats;
    @Option(names = "--filter", paramLabel = "REGEX",
            description = "Only layers whose name or kind (conv, pool, bn) contains a match, e.g. 'conv' or 'db0[1-4]'.")
    String filter;
    @Option(names = "--csv", paramLabel = "FILE", description = "Also write every measurement as CSV.")
    Path csv;
    @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
    Path json;
    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also draw each layer's backward time as a PNG bar chart.")
    Path chart;
    @Option(names = "--tf32", description = "Allow TF32 tensor-core math on CUDA (FP32 otherwise).")
    boolean tf32;
    @Option(names = "--gemm-size", paramLabel = "N",
            description = "Side of the square SGEMM that sets the FLOP peak (default 2048 on the CPU, 8192 on CUDA).")
    Integer gemmSize;
    @Option(names = "--copy-mib", paramLabel = "MIB",
            description = "Size of the copy that sets the bandwidth peak (default 256 on the CPU, 1024 on CUDA).")
    Integer copyMib;
    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        Device d = device.resolve();
        List<BenchLayer> layers = select(layers());
        BenchSettings settings = settings(d);
        PrintWriter out = spec.commandLine().getOut();
        BenchReport report;
        OptionalDouble loadBefore = LoadAverage.now();
        try (Backend backend = Backends.create(d, new BackendOptions(tf32, false));
             TerminalProgress progress = new TerminalProgress("bench", LayerBench.steps(layers), null, quiet)) {
            report = new LayerBench(backend, settings, progress).run(layers, label());
        }
        out.print(ReportTable.format(report));
        out.print(LoadAverage.note(loadBefore, LoadAverage.now()));
        if (csv != null) {
            CsvReport.write(csv, report);
            out.println("wrote " + csv);
        }
        if (json != null) {
            JsonReport.write(json, report);
            out.println("wrote " + json);
        }
        if (chart != null) {
            try {
                BackwardChart.write(chart, report);
            } catch (LinkageError e) {
                throw new IllegalStateException("--chart: this runtime cannot draw, XChart or the java.desktop module is "
                        + "missing (the GPU bundle has neither); missing class", e);
            }
            out.println("wrote " + chart);
        }
        out.flush();
        return 0;
    }

    private List<BenchLayer> layers() {
        String name = shapes.trim().toLowerCase(Locale.ROOT);
        boolean builtIn = name.equals("ahe") || name.equals("deepbench");
        if (!builtIn && !Files.isRegularFile(Path.of(shapes))) {
            throw new UsageException("--shapes must be ahe, deepbench or a shape file; '" + shapes
                    + "' is not a file");
        }
        if (name.equals("ahe")) {
            try {
                return ShapeSets.ahe(batch, size);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--batch/--size: " + e.getMessage());
            }
        }
        // A shape file's errors name the file and line: reported as failures, not as usage.
        return ShapeSets.resolve(shapes, batch, size);
    }

    private List<BenchLayer> select(List<BenchLayer> all) {
        if (filter == null) {
            return all;
        }
        Pattern p;
        try {
            p = Pattern.compile(filter);
        } catch (PatternSyntaxException e) {
            throw new UsageException("--filter: not a regular expression: " + e.getDescription());
        }
        List<BenchLayer> kept = all.stream()
                .filter(l -> p.matcher(l.name()).find() || p.matcher(l.kind()).find()).toList();
        if (kept.isEmpty()) {
            throw new UsageException("--filter '" + filter + "' matches no layer of " + label() + "; layers are: "
                    + String.join(", ", all.stream().map(BenchLayer::name).toList()));
        }
        return kept;
    }

    private BenchSettings settings(Device d) {
        try {
            BenchSettings defaults = BenchSettings.defaults(d.isCuda(), warmup, repeats);
            return new BenchSettings(warmup, repeats, gemmSize != null ? gemmSize : defaults.gemmSize(),
                    copyMib != null ? (long) copyMib << 20 : defaults.copyBytes());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private String label() {
        String name = shapes.trim().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "ahe" -> "ahe (batch " + batch + ", " + size + "x" + size + ")";
            case "deepbench" -> "deepbench";
            default -> shapes;
        };
    }
}
