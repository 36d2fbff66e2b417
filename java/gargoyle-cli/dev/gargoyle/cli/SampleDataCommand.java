package dev.gargoyle.cli;

import dev.gargoyle.cli.sample.SampleData;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gargoyle sample-data OUT}: writes the synthetic AHE-like data set (train/test folders of the ten classes). */
@Command(name = "sample-data", description = {
    "Write a synthetic data set with the ten AHE classes (altar, apse, bell_tower, column, dome_inner,",
    "dome_outer, flying_buttress, gargoyle, stained_glass, vault) as OUT/train/<class> and OUT/test/<class>,",
    "drawn procedurally; the same seed always gives the same files."})
final class SampleDataCommand implements Callable<Integer> {
    private static final SampleData.Spec DEFAULTS = SampleData.Spec.defaults();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUT", description = "Folder to create (must not exist, or be empty).")
    Path out;

    @Option(names = "--per-class", paramLabel = "N",
            description = "Training images per class; the test part gets a quarter as many "
                    + "(default: ${DEFAULT-VALUE}).")
    int perClass = DEFAULTS.perClass();

    @Option(names = "--size", paramLabel = "S", description = "Image width and height in pixels, at least 8 "
            + "(default: ${DEFAULT-VALUE}).")
    int size = DEFAULTS.size();

    @Option(names = "--seed", paramLabel = "SEED", description = "Seed of every drawing (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed();

    @Option(names = "--proportions", paramLabel = "even|ahe", description = "even: --per-class images of every "
            + "class; ahe: the same total spread as in the real AHE data, from 407 flying buttresses to 1,919 "
            + "columns (default: ${DEFAULT-VALUE}).")
    String proportions = "even";

    @Override
    public Integer call() {
        if (perClass < 1) {
            throw new UsageException("--per-class must be at least 1, got " + perClass);
        }
        if (size < 8) {
            throw new UsageException("--size must be at least 8, got " + size);
        }
        SampleData.Proportions spread = switch (proportions.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "even" -> SampleData.Proportions.EVEN;
            case "ahe" -> SampleData.Proportions.AHE;
            default -> throw new UsageException("--proportions must be even or ahe, got " + proportions);
        };
        SampleData.Spec what = new SampleData.Spec(perClass, size, seed, spread);
        long start = System.nanoTime();
        try (TerminalProgress bar = new TerminalProgress("sample-data", what.images(), "images", false)) {
            SampleData.write(out, what, () -> bar.stepBy(1));
        }
        spec.commandLine().getOut().printf("wrote %d images (%d classes, %s, %dx%d) to %s in %.1f s%n",
                what.images(), SampleData.CLASSES.size(), spread == SampleData.Proportions.AHE
                        ? "in AHE's proportions" : what.perClass() + " train + " + what.testCount(0) + " test each",
                size, size, out.toAbsolutePath().normalize(), (System.nanoTime() - start) / 1e9);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
