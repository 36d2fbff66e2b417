package dev.gargoyle.cli;

import dev.gargoyle.data.DataSplits;
import dev.gargoyle.data.ImageFolder;
import dev.gargoyle.data.OpenOptions;
import dev.gargoyle.plots.ProbeChart;
import dev.gargoyle.viz.ModelInput;
import dev.gargoyle.viz.Pictures;
import dev.gargoyle.viz.ProbeReport;
import dev.gargoyle.viz.UnitProbe;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gargoyle probe}: class-selective units, layer by layer. */
@Command(name = "probe", sortOptions = false, showDefaultValues = true, description = {
    "Find class-selective units: for every unit of the five conv layers (after batch-norm and ReLU) and of "
        + "the two hidden linear layers, the top-k images by mean activation; a unit's purity is the share of "
        + "them in its most frequent class.",
    "Writes probe.csv, layers.csv, layers.png and units.png to --out and prints the layer table."})
final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOptions checkpoint;
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Images: DIR/<class>/* or DIR/train|test/<class>/*.")
    Path data;
    @Option(names = "--split", defaultValue = "all", description = "all, train or test (for train/test layouts).")
    String split;
    @Option(names = "--top-k", defaultValue = "50", description = "Top images per unit.")
    int topK;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the outputs.")
    Path out;
    @Option(names = "--units", defaultValue = "10", paramLabel = "N", description = "Most selective units in units.png.")
    int units;
    @Option(names = "--per-unit", defaultValue = "10", paramLabel = "N", description = "Top images shown per unit.")
    int perUnit;
    @Option(names = "--batch-size", defaultValue = "64")
    int batchSize;
    @Mixin
    WorkersOption workers;
    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (!split.equals("all") && !split.equals("train") && !split.equals("test")) {
            throw new UsageException("--split must be all, train or test, got " + split);
        }
        if (units < 1 || perUnit < 1) {
            throw new UsageException("--units and --per-unit must be at least 1, got " + units + " and " + perUnit);
        }
        int threads = workers.threads();
        UnitProbe.Options options;
        try {
            options = new UnitProbe.Options(topK, batchSize, threads);
        } catch (IllegalArgumentException e) {
            throw Commands.optionsRefused(e);
        }
        checkpoint.requireWeights();
        DataSplits splits = ImageFolder.open(data, OpenOptions.defaults().withValSplit(0).withThreads(threads));
        List<ImageFolder> parts = parts(splits);
        int images = parts.stream().mapToInt(ImageFolder::size).sum();
        if (topK > images) {
            throw new UsageException("--top-k " + topK + " is more than the " + images + " images probed");
        }
        try (CheckpointOptions.Opened loaded = checkpoint.open()) {
            Commands.matchClasses(loaded.net().classes(), splits.classes(), checkpoint.weights, data);
            ModelInput input = loaded.input();
            List<UnitProbe.ProbedLayer> layers = UnitProbe.aheLayers(loaded.model());
            UnitProbe.Result result;
            try (TerminalProgress bar = new TerminalProgress("probe", images, "images", quiet)) {
                result = UnitProbe.run(loaded.model(), input, parts, layers, options, bar::stepBy);
            }
            Files.createDirectories(out);
            Files.writeString(out.resolve("probe.csv"), ProbeReport.unitsCsv(result, data));
            Files.writeString(out.resolve("layers.csv"), ProbeReport.layersCsv(result));
            ProbeChart.write(out.resolve("layers.png"), result);
            List<UnitProbe.Unit> best = ProbeReport.mostSelective(result, units);
            Pictures.writeUnitMontage(out.resolve("units.png"), result, best, perUnit, input.size(),
                    "The " + best.size() + " most selective units and their top images",
                    "framed green: an image of the unit's most frequent class  |  " + images + " images, top "
                            + topK + " per unit  |  " + checkpoint.weights.getFileName());
            PrintWriter o = spec.commandLine().getOut();
            o.printf("Probed %d units on %d images (%s), top %d images per unit; chance: purity with the labels "
                    + "shuffled.%n%n", result.units().size(), images, split, topK);
            o.print(ProbeReport.markdown(result));
            o.printf("%nwrote probe.csv, layers.csv, layers.png and units.png to %s%n", out);
            o.flush();
        }
        return 0;
    }

    private List<ImageFolder> parts(DataSplits splits) {
        boolean trainTest = splits.layout() == DataSplits.Layout.TRAIN_TEST;
        if (!trainTest && !split.equals("all")) {
            throw new UsageException("--split " + split + " needs " + data + "/train and " + data
                    + "/test folders; this data set has one folder per class (use --split all)");
        }
        return switch (split) {
            case "train" -> List.of(splits.train());
            case "test" -> List.of(splits.test());
            default -> trainTest ? List.of(splits.train(), splits.test()) : List.of(splits.train());
        };
    }
}
