package dev.gargoyle.plots;

import dev.gargoyle.train.CheckpointException;
import dev.gargoyle.train.EpochRecord;
import dev.gargoyle.train.TrainingListener;
import java.io.IOException;
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
        Path file = dir.resolve(Plots.CURVES);
        try {
            Plots.writeCurves(file, records);
            if (record.test() != null) {
                file = dir.resolve(Plots.CONFUSION);
                Plots.writeConfusion(file, record.test().confusion(), classes, "Test confusion, epoch "
                        + record.epoch());
            }
        } catch (IOException e) {
            throw CheckpointException.io(file, "write", e);
        }
    }
}
