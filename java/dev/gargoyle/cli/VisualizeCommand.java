package dev.gargoyle.cli;

import dev.gargoyle.data.Images;
import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.train.Checkpoint;
import dev.gargoyle.viz.FeatureMaps;
import dev.gargoyle.viz.Layers;
import dev.gargoyle.viz.ModelInput;
import dev.gargoyle.viz.Pictures;
import dev.gargoyle.viz.Softmax;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gargoyle visualize}: what a filter (or, by Grad-CAM, a class) sees in an image. */
@Command(name = "visualize", sortOptions = false, showDefaultValues = true, description = {
    "Show what a conv layer's filter sees in an image: the feature map beside the image and over it.",
    "The map weighs the layer's activations by the pooled gradients of the filter's mean activation "
        + "(--filter) or of a class logit (--class, Grad-CAM); without either, of the predicted class."})
final class VisualizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--weights", required = true, paramLabel = "W", description = "A .safetensors checkpoint.")
    Path weights;
    @Option(names = "--image", required = true, paramLabel = "IMG", description = "The image to look at.")
    Path image;
    @Option(names = "--layer", defaultValue = "5", paramLabel = "L",
            description = "Conv layer 1-5, or a layer name such as features.16.")
    String layer;
    @Option(names = "--filter", paramLabel = "F", description = "A filter index of the layer, or all for a grid.")
    String filter;
    @Option(names = "--class", paramLabel = "NAME", description = "Grad-CAM for this class's logit.")
    String className;
    @Option(names = "--out", required = true, paramLabel = "PNG", description = "The picture to write.")
    Path out;
    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, cuda or cuda:N.")
    String device;

    @Override
    public Integer call() throws Exception {
        if (filter != null && className != null) {
            throw new UsageException("--filter and --class cannot be combined");
        }
        Commands.requireFile("--weights", weights);
        try (Backend backend = Backends.create(Commands.device(device));
             Checkpoint.Loaded loaded = Checkpoint.load(weights, backend)) {
            Model model = loaded.model();
            // Only gradients with respect to the input and activations are wanted: frozen parameters
            // spare every layer its weight-gradient work (about a third of a step).
            loaded.model().freeze(name -> true);
            ModelInput input = Commands.modelInput(loaded.spec());
            String name = Commands.option("--layer", () -> Layers.featureLayer(model, layer));
            int filters = FeatureMaps.filterCount(model, name);
            boolean all = "all".equals(filter);
            Integer filterIndex = filter == null || all ? null : filterIndex(name, filters);
            Integer classIndex = className == null ? null : Commands.option("--class", () -> input.classIndex(className));
            byte[] rgb = Images.readRgb(image, input.size());
            int size = input.size();
            try (Tensor x = backend.allocate(Shape.of(1, 3, size, size))) {
                input.load(rgb, x);
                float[] logits = model.forward(x).toArray();
                int predicted = Softmax.argmax(logits);
                double[] p = Softmax.of(logits);
                String where = Layers.describe(name);
                String context = image.getFileName() + "  |  predicted: " + input.classes().get(predicted)
                        + String.format(Locale.ROOT, " (%.1f%%)", 100 * p[predicted]) + "  |  " + weights.getFileName();
                String wrote;
                if (all) {
                    List<FeatureMaps.FeatureMap> maps = FeatureMaps.allFilters(model, x, name);
                    Pictures.writeFilterGrid(out, rgb, size, maps, "All " + filters + " filters of " + where,
                            "each map scaled to its own maximum; after the index: that maximum, % of the strongest filter's  |  "
                                    + context);
                    wrote = "all " + filters + " filters of " + where;
                } else {
                    boolean byClass = filterIndex == null;
                    int target = byClass ? (classIndex != null ? classIndex : predicted) : filterIndex;
                    FeatureMaps.FeatureMap map = FeatureMaps.compute(model, x, name, byClass
                            ? new FeatureMaps.ClassLogit(target) : new FeatureMaps.Filter(target));
                    String what = byClass ? "class " + input.classes().get(target) : "filter " + target;
                    String title = byClass
                            ? "Grad-CAM of class '" + input.classes().get(target) + "' at " + where
                            : "What filter " + target + " of " + where + " sees";
                    List<String> caption = byClass
                            ? List.of(name + ", class logit", input.classes().get(target)
                                + String.format(Locale.ROOT, " (p = %.3f)", p[target]))
                            : List.of(name + ", filter " + target);
                    Pictures.writeFeatureMap(out, rgb, size, map, caption, title, context);
                    wrote = where + ", " + what + String.format(Locale.ROOT, " (map %dx%d, max %.4g)", map.height(),
                            map.width(), map.max());
                }
                PrintWriter o = spec.commandLine().getOut();
                o.printf("wrote %s: %s on %s; predicted %s (%.1f%%)%n", out, wrote, image,
                        input.classes().get(predicted), 100 * p[predicted]);
                o.flush();
            }
        }
        return 0;
    }

    private int filterIndex(String name, int filters) {
        int f;
        try {
            f = Integer.parseInt(filter.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--filter must be a filter index or all, got '" + filter + "'");
        }
        if (f < 0 || f >= filters) {
            throw new UsageException("--filter " + f + " is out of range: " + name + " has " + filters
                    + " filters (0.." + (filters - 1) + ")");
        }
        return f;
    }
}
