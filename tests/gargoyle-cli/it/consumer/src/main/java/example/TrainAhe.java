package example;

import dev.gargoyle.data.DataSplits;
import dev.gargoyle.data.ImageDataSource;
import dev.gargoyle.data.ImageFolder;
import dev.gargoyle.models.AheNet;
import dev.gargoyle.models.Predictor;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.OptimizerConfig;
import dev.gargoyle.optim.Schedule;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.train.EpochRecord;
import dev.gargoyle.train.Trainer;
import dev.gargoyle.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;

/** Trains the AHE CNN on a folder of images, then classifies one image: java example.TrainAhe DATA RUNS [EPOCHS]. */
public final class TrainAhe {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);              // DATA/<class>/*.jpg, or DATA/train|test/<class>/*.jpg
        Path runs = Files.createDirectories(Path.of(args[1]));
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 10;

        DataSplits splits = ImageFolder.open(data);
        AheNet net = AheNet.of(splits.classes(), 64, 0.25);
        try (Backend backend = Backends.create(Device.auto()); Model model = net.build(backend, 42)) {
            Trainer trainer = Trainer.builder(model,
                            ImageDataSource.training(splits.train(), net.size(), net.mean(), net.std(), 42))
                    .testData(ImageDataSource.evaluation(splits.test(), net.size(), net.mean(), net.std()))
                    .optimizer(OptimizerConfig.adamW(0.01)).learningRate(1e-3).schedule(Schedule.cosine())
                    .epochs(epochs).batchSize(32).accumulationSteps(2)
                    .runDirectory(Files.createTempDirectory(runs, "ahe-"))   // a new folder each run
                    .modelMetadata(net.metadata())                             // so Predictor can rebuild it
                    .listener(new TrainingListener() {
                        @Override
                        public void onEpochEnd(EpochRecord r) {
                            System.out.printf("epoch %d: test F1 %.3f%n", r.epoch(), r.test().f1());
                        }
                    })
                    .build();
            Trainer.Result result = trainer.run();   // trainer.requestStop() from another thread stops cleanly

            Path image = splits.test().sample(0).path();
            try (Predictor p = Predictor.load(result.runDir().resolve("best.safetensors"), backend)) {
                for (Predictor.Prediction pr : p.predict(image, 3)) {
                    System.out.printf("%s: %s %.3f%n", image.getFileName(), pr.label(), pr.probability());
                }
            }
        }
    }
}
