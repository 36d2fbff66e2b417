package dev.gargoyle.cli;

import dev.gargoyle.data.Images;
import dev.gargoyle.viz.ClassImages;
import dev.gargoyle.viz.ModelInput;
import dev.gargoyle.viz.Pictures;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gargoyle dream}: the image each class wants, by gradient ascent on the input. */
@Command(name = "dream", sortOptions = false, showDefaultValues = true, description = {
    "Make the image a class wants: start from noise (or --init), then let Adam change the input pixels "
        + "to raise the class logit.",
    "Regularisers (--l2, --jitter, --blur-every) make the images more recognisable; they are off by default."})
final class DreamCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOptions checkpoint;
    @Option(names = "--class", defaultValue = "all", paramLabel = "NAME", description = "A class, or all for a grid.")
    String className;
    @Option(names = "--steps", defaultValue = "1000", description = "Adam steps per class.")
    int steps;
    @Option(names = "--lr", defaultValue = "1e-2", description = "Adam's learning rate on the normalised input.")
    double lr;
    @Option(names = "--init", paramLabel = "IMG", description = "Start from this image instead of noise.")
    Path init;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of the start noise and the jitter.")
    long seed;
    @Option(names = "--l2", defaultValue = "0", description = "L2 decay of the input (0: off).")
    double l2;
    @Option(names = "--jitter", defaultValue = "0", paramLabel = "PX",
            description = "Roll the image by up to PX pixels each step (0: off).")
    int jitter;
    @Option(names = "--blur-every", defaultValue = "0", paramLabel = "N", description = "Blur the input every N steps (0: off).")
    int blurEvery;
    @Option(names = "--blur-sigma", defaultValue = "0.5", description = "Sigma of that blur, in pixels.")
    double blurSigma;
    @Option(names = "--out", required = true, paramLabel = "PNG", description = "The picture to write.")
    Path out;
    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        ClassImages.Options options;
        try {
            options = new ClassImages.Options(steps, lr, seed, l2, jitter, blurEvery, blurSigma);
        } catch (IllegalArgumentException e) {
            throw Commands.optionsRefused(e);
        }
        try (CheckpointOptions.Opened loaded = checkpoint.open()) {
            ModelInput input = loaded.input();
            // Only gradients with respect to the input and activations are wanted: frozen parameters
            // spare every layer its weight-gradient work (about a third of a step).
            loaded.model().freeze(name -> true);
            List<Integer> classes = new ArrayList<>();
            if (className.equals("all")) {
                for (int i = 0; i < input.classes().size(); i++) {
                    classes.add(i);
                }
            } else {
                classes.add(Commands.option("--class", () -> input.classIndex(className)));
            }
            byte[] start = init == null ? null : Images.readRgb(init, input.size());
            List<ClassImages.ClassImage> images = new ArrayList<>();
            PrintWriter o = spec.commandLine().getOut();
            try (TerminalProgress bar = new TerminalProgress("dream", (long) steps * classes.size(), "steps", quiet)) {
                for (int c : classes) {
                    bar.message("| " + input.classes().get(c));
                    images.add(ClassImages.dream(loaded.model(), input, c, start, options, s -> bar.stepBy(1)));
                }
            }
            String regularisers = describeRegularisers();
            String how = String.format(Locale.ROOT, "Adam on the input: %d steps, lr %s, %s, %s", steps,
                    BigDecimal.valueOf(lr).stripTrailingZeros().toPlainString(),
                    init == null ? "from noise (seed " + seed + ")" : "from " + init.getFileName(), regularisers);
            Pictures.writeClassImages(out, images, images.size() == 1 ? "The image class '"
                    + images.get(0).className() + "' wants" : "The image each class wants", how,
                    "p: the class's softmax probability for the saved 8-bit image  |  "
                            + checkpoint.weights.getFileName());
            for (ClassImages.ClassImage image : images) {
                o.printf(Locale.ROOT, "%-20s p = %.4f  (before 8-bit rounding %.4f)  logit %.3f -> %.3f%n",
                        image.className(), image.probability(), image.inputProbability(), image.startLogit(),
                        image.endLogit());
            }
            o.printf("wrote %s%n", out);
            o.flush();
        }
        return 0;
    }

    private String describeRegularisers() {
        List<String> r = new ArrayList<>();
        if (l2 > 0) {
            r.add("L2 " + l2);
        }
        if (jitter > 0) {
            r.add("jitter " + jitter + " px");
        }
        if (blurEvery > 0) {
            r.add("blur sigma " + blurSigma + " every " + blurEvery);
        }
        return r.isEmpty() ? "no regulariser" : String.join(", ", r);
    }
}
