package dev.gargoyle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gargoyle.data.DataSplits;
import dev.gargoyle.data.ImageDataSource;
import dev.gargoyle.data.ImageFolder;
import dev.gargoyle.data.LoaderOptions;
import dev.gargoyle.data.OpenOptions;
import dev.gargoyle.models.AheNet;
import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.train.ClassReport;
import dev.gargoyle.train.DataSource;
import dev.gargoyle.train.Evaluator;
import dev.gargoyle.train.MetricsSummary;
import dev.gargoyle.train.Sampler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gargoyle eval}: loss, accuracy, precision, recall, F1 and the confusion matrix of a checkpoint on a data set. */
@Command(name = "eval", sortOptions = false, showDefaultValues = true,
        description = "Score a checkpoint on a data set (its test part when it has train/test folders, else all of it).")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CheckpointOptions checkpoint;
    @Option(names = "--data", required = true, paramLabel = "DIR")
    Path data;
    @Option(names = "--split", defaultValue = "test", description = "test or train (for train/test layouts).")
    String split;
    @Option(names = "--batch-size", defaultValue = "64")
    int batchSize;
    @Mixin
    WorkersOption workers;
    @Option(names = "--json", description = "Print the scores as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!split.equals("test") && !split.equals("train")) {
            throw new UsageException("--split must be test or train, got " + split);
        }
        if (batchSize < 1) {
            throw new UsageException("--batch-size must be at least 1, got " + batchSize);
        }
        checkpoint.requireWeights();
        int threads = workers.threads();
        DataSplits splits = ImageFolder.open(data, OpenOptions.defaults().withValSplit(0).withThreads(threads));
        ImageFolder part = splits.layout() == DataSplits.Layout.TRAIN_TEST && split.equals("test")
                ? splits.test() : splits.train();
        Path weights = checkpoint.weights;
        try (CheckpointOptions.Opened loaded = checkpoint.open()) {
            AheNet net = loaded.net();
            List<String> classes = Commands.matchClasses(net.classes(), splits.classes(), weights, data);
            ImageDataSource source = new ImageDataSource(part, LoaderOptions.evaluation(batchSize, net.size())
                    .withWorkers(threads), net.mean(), net.std());
            MetricsSummary s;
            try (DataSource.Loader loader = source.open(loaded.backend(), batchSize);
                 Evaluator evaluator = new Evaluator(loaded.model(), CrossEntropyLoss.unweighted(),
                         Shape.of(batchSize, 3, net.size(), net.size()))) {
                s = evaluator.evaluate(loader, Sampler.inOrder().order(source, 0), n -> { });
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("weights", weights.toString());
                m.put("data", part.root().toString());
                m.put("images", part.size());
                m.put("classes", classes);
                m.put("scores", s);
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
            } else {
                out.printf("%s on %s (%d images): loss %.4f, accuracy %.4f, macro F1 %.4f%n", weights, part.root(),
                        part.size(), s.loss(), s.accuracy(), s.f1());
                out.println(ClassReport.format(s, classes));
            }
            out.flush();
        }
        return 0;
    }
}
