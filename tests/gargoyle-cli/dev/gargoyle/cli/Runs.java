package dev.gargoyle.cli;

import dev.gargoyle.plots.PlotsListener;
import dev.gargoyle.train.Trainer;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Runs {@code gargoyle train}'s recipe as the command does (plots included), without the command line. */
final class Runs {
    private Runs() {
    }

    /** With {@code --resume}, the options given are {@code --epochs} and {@code --max-steps} (those set). */
    static Trainer.Result train(TrainConfig config) {
        Set<String> given = new HashSet<>();
        given.add("--epochs");
        if (config.maxSteps() > 0) {
            given.add("--max-steps");
        }
        try (AheTraining training = AheTraining.prepare(config, given, List.of(new PlotsListener()), null)) {
            return training.trainer().run();
        }
    }
}
