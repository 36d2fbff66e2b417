package dev.gargoyle.plots;

import dev.gargoyle.train.EpochRecord;
import dev.gargoyle.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws a run's {@value Plots#CURVES} and {@value Plots#CONFUSION} into its run directory after
 * every epoch (the curves of all epochs so far, a resumed run's earlier ones included).
 */
public final class PlotsListener implements TrainingListener {
    private final List<EpochRecord> records = new ArrayList<>();
    private Path dir;
    private List<String> classes;

    @Override
    public void onStart(RunInfo info) {
        dir = info.runDir();
        classes = info.classes();
        records.clear();
        records.addAll(info.history());
    }

    @Override
    public void onEpochEnd(EpochRecord record) {
        records.add(record);
        if (dir == null) {
            return;
        }
        try {
            Plots.writeCurves(dir.resolve(Plots.CURVES), records);
            if (record.test() != null) {
                Plots.writeConfusion(dir.resolve(Plots.CONFUSION), record.test().confusion(), classes,
                        "Test confusion, epoch " + record.epoch());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw the plots of " + dir + ": " + e.getMessage(), e);
        }
    }
}
