package dev.gargoyle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gargoyle.models.Predictor;
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

/** {@code gargoyle predict}: the most probable classes of each image. */
@Command(name = "predict", sortOptions = false, showDefaultValues = true,
        description = "Print the top-k class probabilities of each image.")
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOptions checkpoint;
    @Option(names = "--top-k", defaultValue = "3")
    int topK;
    @Option(names = "--json", description = "Print the predictions as JSON.")
    boolean json;
    @Parameters(arity = "1..*", paramLabel = "IMAGE")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        if (topK < 1) {
            throw new UsageException("--top-k must be at least 1, got " + topK);
        }
        checkpoint.requireWeights();
        PrintWriter out = spec.commandLine().getOut();
        List<Map<String, Object>> results = new ArrayList<>();
        try (Predictor p = Predictor.load(checkpoint.weights, checkpoint.device.resolve())) {
            for (Path image : images) {
                List<Predictor.Prediction> top = p.predict(image, topK);
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
        return 0;
    }
}
