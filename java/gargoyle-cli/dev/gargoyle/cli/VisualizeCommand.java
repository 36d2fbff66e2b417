package dev.gargoyle.cli;

import dev.gargoyle.data.Images;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.Softmax;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.viz.FeatureMaps;
import dev.gargoyle.viz.Layers;
import dev.gargoyle.viz.ModelInput;
import dev.gargoyle.viz.Pictures;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin
    CheckpointOptions checkpoint;
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

    /** The image as the model sees it, where to look, and what the model made of it. */
    private record Look(ModelInput input, byte[] rgb, Tensor x, String layer, String where, double[] p,
                        int predicted, String context) {
    }

    @Override
    public Integer call() throws Exception {
        if (filter != null && className != null) {
            throw new UsageException("--filter and --class cannot be combined");
        }
        try (CheckpointOptions.Opened loaded = checkpoint.open()) {
            Model model = loaded.model();
            // Only gradients with respect to activations and the input are wanted: frozen parameters
            // spare every layer its weight-gradient work (about a third of a backward pass).
            model.freeze(name -> true);
            ModelInput input = loaded.input();
            String layerName = Commands.option("--layer", () -> Layers.featureLayer(model, layer));
            int filters = FeatureMaps.filterCount(model, layerName);
            boolean all = "all".equals(filter);
            Integer filterIndex = filter == null || all ? null : filterIndex(layerName, filters);
            Integer classIndex = className == null ? null
                    : Commands.option("--class", () -> input.classIndex(className));
            byte[] rgb = Images.readRgb(image, input.size());
            int size = input.size();
            try (Tensor x = loaded.backend().allocate(Shape.of(1, 3, size, size))) {
                input.load(rgb, x);
                float[] logits = model.forward(x).toArray();
                double[] p = Softmax.of(logits);
                int predicted = Softmax.argmax(logits);
                String context = image.getFileName() + "  |  predicted: " + input.classes().get(predicted)
                        + String.format(Locale.ROOT, " (%.1f%%)", 100 * p[predicted]) + "  |  "
                        + checkpoint.weights.getFileName();
                Look look = new Look(input, rgb, x, layerName, Layers.describe(layerName), p, predicted, context);
                String wrote = all ? allFilters(model, look, filters)
                        : one(model, look, filterIndex, classIndex != null ? classIndex : predicted);
                PrintWriter o = spec.commandLine().getOut();
                o.printf("wrote %s: %s on %s; predicted %s (%.1f%%)%n", out, wrote, image,
                        input.classes().get(predicted), 100 * p[predicted]);
                o.flush();
            }
        }
        return 0;
    }

    private String allFilters(Model model, Look look, int filters) throws IOException {
        List<FeatureMaps.FeatureMap> maps = FeatureMaps.allFilters(model, look.x(), look.layer());
        Pictures.writeFilterGrid(out, look.rgb(), look.input().size(), maps, "All " + filters + " filters of "
                + look.where(), "each map scaled to its own maximum; after the index: that maximum, % of the "
                + "strongest filter's  |  " + look.context());
        return "all " + filters + " filters of " + look.where();
    }

    /** One map: of {@code filter} when given, else Grad-CAM of class {@code target}. */
    private String one(Model model, Look look, Integer filter, int target) throws IOException {
        FeatureMaps.FeatureMap map;
        String title;
        List<String> caption;
        String what;
        if (filter != null) {
            map = FeatureMaps.compute(model, look.x(), look.layer(), new FeatureMaps.Filter(filter));
            title = "What filter " + filter + " of " + look.where() + " sees";
            caption = List.of(look.layer() + ", filter " + filter);
            what = "filter " + filter;
        } else {
            String name = look.input().classes().get(target);
            map = FeatureMaps.compute(model, look.x(), look.layer(), new FeatureMaps.ClassLogit(target));
            title = "Grad-CAM of class '" + name + "' at " + look.where();
            caption = List.of(look.layer() + ", class logit",
                    name + String.format(Locale.ROOT, " (p = %.3f)", look.p()[target]));
            what = "class " + name;
        }
        Pictures.writeFeatureMap(out, look.rgb(), look.input().size(), map, caption, title, look.context());
        return look.where() + ", " + what + String.format(Locale.ROOT, " (map %dx%d, max %.4g)", map.height(),
                map.width(), map.max());
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
