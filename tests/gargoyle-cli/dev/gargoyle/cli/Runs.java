package dev.gargoyle.cli;

import dev.gargoyle.plots.PlotsListener;
import dev.gargoyle.train.Trainer;
import java.util.List;

/** Runs {@code gargoyle train}'s recipe as the command does (plots included), without the command line. */
final class Runs {
    private Runs() {
    }

    static Trainer.Result train(TrainConfig config) {
        try (AheTraining training = AheTraining.prepare(config, List.of(new PlotsListener()))) {
            return training.trainer().run();
        }
    }
}
