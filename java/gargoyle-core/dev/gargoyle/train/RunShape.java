package dev.gargoyle.train;

import java.util.ArrayList;
import java.util.List;

/**
 * What decides which samples make up each update of a run, saved with its checkpoints: a resumed
 * run must have the same, or it would skip and repeat other samples than the run it continues.
 */
record RunShape(int batchSize, int accumulationSteps, String sampler, long seed, String loss) {

    /** Each setting that differs, with the saved value and this one; empty when they agree. */
    List<String> differences(RunShape saved) {
        List<String> out = new ArrayList<>();
        compare(out, "batchSize", saved.batchSize, batchSize);
        compare(out, "accumulationSteps", saved.accumulationSteps, accumulationSteps);
        compare(out, "sampler", saved.sampler, sampler);
        compare(out, "seed", saved.seed, seed);
        compare(out, "loss", saved.loss, loss);
        return out;
    }

    private static void compare(List<String> out, String setting, Object saved, Object now) {
        if (!saved.equals(now)) {
            out.add(setting + " " + saved + " (saved) against " + now);
        }
    }
}
