package dev.gargoyle.train;

import java.util.ArrayList;
import java.util.List;

/**
 * What decides which samples make up each update of a run, saved with its checkpoints: a resumed
 * run must have the same, or it would skip and repeat other samples than the run it continues.
 * {@code batchSize} is per rank, and {@code ranks} the processes of a data-parallel run.
 */
record RunShape(int batchSize, int accumulationSteps, String sampler, long seed, String loss, int ranks) {

    /** Each setting that differs, with the saved value and this one; empty when they agree. */
    List<String> differences(RunShape saved) {
        List<String> out = new ArrayList<>();
        compare(out, "batchSize", saved.batchSize, batchSize);
        compare(out, "accumulationSteps", saved.accumulationSteps, accumulationSteps);
        compare(out, "sampler", saved.sampler, sampler);
        compare(out, "seed", saved.seed, seed);
        compare(out, "loss", saved.loss, loss);
        // Runs saved before data-parallel training had one process and no field for it.
        compare(out, "ranks (processes of a data-parallel run)", Math.max(1, saved.ranks), ranks);
        return out;
    }

    private static void compare(List<String> out, String setting, Object saved, Object now) {
        if (!saved.equals(now)) {
            out.add(setting + " " + saved + " (saved) against " + now);
        }
    }
}
