package dev.gargoyle.cli;

import dev.gargoyle.bench.Progress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar shown only on an interactive terminal and without {@code --quiet}; otherwise every
 * call does nothing, so callers need not check. Closing it clears the line.
 */
final class TerminalProgress implements Progress, AutoCloseable {
    private final ProgressBar bar;

    /** {@code unit} names what is counted, shown with the speed; null for steps of mixed kinds. */
    TerminalProgress(String task, long max, String unit, boolean quiet) {
        if (quiet || !interactive()) {
            bar = null;
            return;
        }
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(task).setInitialMax(max)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(200).clearDisplayOnFinish();
        if (unit != null) {
            b.setUnit(" " + unit, 1).showSpeed();
        }
        bar = b.build();
    }

    static boolean interactive() {
        return System.console() != null;
    }

    void stepBy(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    /** Text shown after the bar, e.g. what is being worked on. */
    void message(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    @Override
    public void step(String what) {
        stepBy(1);
        message(what);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
