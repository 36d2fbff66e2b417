package dev.gargoyle.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Plausible epoch records for tests: accuracy rising, loss falling, with noise from a fixed seed. */
public final class FakeRuns {
    private FakeRuns() {
    }

    public static List<EpochRecord> records(int epochs, int classes, long seed) {
        Random random = new Random(seed);
        List<EpochRecord> out = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            double skill = 1 - Math.exp(-e / 3.0);
            out.add(new EpochRecord(e, 50L * e, 0.1 * Math.pow(0.5, e / 4), split(random, classes, 400, skill, 2.0),
                    split(random, classes, 100, skill * 0.9, 2.2), 12.5 + random.nextDouble(), 320 + 10 * random.nextDouble()));
        }
        return out;
    }

    /** Scores of {@code n} samples where a sample is right with probability {@code skill}. */
    public static MetricsSummary split(Random random, int classes, int n, double skill, double lossScale) {
        Metrics metrics = new Metrics(classes);
        for (int i = 0; i < n; i++) {
            int actual = random.nextInt(classes);
            int predicted = random.nextDouble() < 0.2 + 0.75 * skill ? actual : random.nextInt(classes);
            metrics.addBatch(lossScale * (1.05 - skill) + 0.05 * random.nextDouble(), new int[] {predicted},
                    new int[] {actual});
        }
        return metrics.summary();
    }
}
