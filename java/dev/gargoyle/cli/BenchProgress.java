package dev.gargoyle.cli;

import dev.gargoyle.bench.Progress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar over a benchmark's steps, shown only on an interactive terminal; closing it clears the line. */
final class BenchProgress implements Progress, AutoCloseable {
    private final ProgressBar bar;

    BenchProgress(String task, int steps, boolean quiet) {
        bar = quiet || !ProgressListener.interactive() ? null
                : new ProgressBarBuilder().setTaskName(task).setInitialMax(steps).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).clearDisplayOnFinish().build();
    }

    @Override
    public void step(String what) {
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(what);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
