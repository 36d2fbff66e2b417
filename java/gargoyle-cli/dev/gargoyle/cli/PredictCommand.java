package dev.gargoyle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gargoyle.data.Images;
import dev.gargoyle.models.Predictor;
import dev.gargoyle.train.DataException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gargoyle predict}: the most probable classes of each image. An image that cannot be read
 * is reported (one line naming it) and the others are still predicted; the exit code is then 1.
 */
@Command(name = "predict", sortOptions = false, showDefaultValues = true,
        description = {"Print the top-k class probabilities of each image.",
            "Unreadable images are reported and skipped; the exit code is then 1."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOptions checkpoint;
    @Option(names = "--top-k", defaultValue = "3")
    int topK;
    @Option(names = "--json", description = "Print the predictions as JSON.")
    boolean json;
    @Option(names = "--max-pixels", paramLabel = "N", description = "Refuse images larger than N pixels "
            + "before decoding them (default: ${DEFAULT-VALUE}, PIL's limit).")
    long maxPixels = Images.DEFAULT_MAX_PIXELS;
    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        if (topK < 1) {
            throw new UsageException("--top-k must be at least 1, got " + topK);
        }
        if (maxPixels < 1) {
            throw new UsageException("--max-pixels must be at least 1, got " + maxPixels);
        }
        checkpoint.requireWeights();
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> results = new ArrayList<>();
        int failed = 0;
        try (Predictor p = Predictor.load(checkpoint.weights, checkpoint.device.resolve()).maxPixels(maxPixels)) {
            for (Path image : images) {
                List<Predictor.Prediction> top;
                try {
                    top = p.predict(image, topK);
                } catch (DataException e) {
                    failed++;
                    spec.commandLine().getErr().println("gargoyle predict: " + e.getMessage());
                    continue;
                }
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("image", image.toString());
                    m.put("predictions", top);
                    results.add(m);
                } else {
                    out.println(image);
                    for (Predictor.Prediction pr : top) {
                        out.printf(Locale.ROOT, "  %-20s %6.2f%%%n", pr.label(), 100 * pr.probability());
                    }
                }
            }
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results));
        }
        out.flush();
        if (failed > 0) {
            spec.commandLine().getErr().printf("gargoyle predict: %d of %d images could not be read%n", failed,
                    images.size());
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }
}
