package dev.gargoyle.cli;

import dev.gargoyle.train.EpochRecord;
import dev.gargoyle.train.TrainingListener;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars for training: one per epoch (running loss, images/s, ETA) and one per evaluation.
 * Shown only on an interactive terminal; elsewhere the per-epoch log lines say the same.
 */
final class ProgressListener implements TrainingListener {
    private ProgressBar bar;

    @Override
    public void onEpochStart(int epoch, int batches) {
        finish();
        bar = new ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(batches)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUnit(" batches", 1).showSpeed().build();
    }

    @Override
    public void onStep(StepEvent step) {
        if (bar != null) {
            bar.stepTo(step.batch());
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f | %.0f img/s", step.runningLoss(),
                    step.imagesPerSecond()));
        }
    }

    @Override
    public void onEvaluationStart(int epoch, int batches) {
        finish();
        bar = new ProgressBarBuilder().setTaskName("test " + epoch).setInitialMax(batches)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUnit(" batches", 1).build();
    }

    @Override
    public void onEvaluationBatch(int images) {
        if (bar != null) {
            bar.step();
        }
    }

    @Override
    public void onEpochEnd(EpochRecord record) {
        finish();
    }

    void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
