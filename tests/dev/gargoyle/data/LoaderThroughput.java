package dev.gargoyle.data;

import dev.gargoyle.cli.sample.SampleData;
import dev.gargoyle.tensor.HostBuffer;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the batch loader by hand (not a test): images per second from the sample data at 64×64
 * with a given number of workers, with and without augmentation.
 * Run: {@code java -cp target/classes:target/test-classes:<deps> dev.gargoyle.data.LoaderThroughput
 * [cacheDir] [workers] [epochs]}
 */
public final class LoaderThroughput {
    private static final Logger LOG = LoggerFactory.getLogger(LoaderThroughput.class);

    private LoaderThroughput() {
    }

    public static void main(String[] args) {
        Path cache = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        long start = System.nanoTime();
        Path root = SampleData.ensure(cache);
        LOG.info("sample data at {} ({} ms incl. generation if needed)", root, (System.nanoTime() - start) / 1_000_000);
        DataSplits splits = ImageFolder.open(root);
        for (Augmentation a : new Augmentation[] {Augmentation.standard(), Augmentation.none()}) {
            LoaderOptions options = LoaderOptions.training(64, 64, 1).withAugmentation(a).withWorkers(workers);
            try (BatchLoader loader = new BatchLoader(splits.train(), options,
                    bytes -> HostBuffer.allocate(bytes))) {
                for (int epoch = 0; epoch < epochs; epoch++) {
                    long t0 = System.nanoTime();
                    long checksum = 0;
                    int images = 0;
                    try (Epoch batches = loader.epoch(epoch)) {
                        while (batches.hasNext()) {
                            try (Batch b = batches.next()) {
                                images += b.size();
                                checksum += b.pixels().buffer().get(0);
                            }
                        }
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    LOG.info("{} augmentation, {} workers, epoch {}: {} images in {} s = {} images/s (checksum {})",
                            a.isNone() ? "no" : "standard", workers, epoch, images, String.format("%.3f", seconds),
                            String.format("%.0f", images / seconds), checksum);
                }
            }
        }
    }
}
