package dev.gargoyle.train;

/** Follows a training run: the CLI's progress bars and embedding applications listen here. */
public interface TrainingListener {

    /** Once, before the first epoch: what is being trained, and where. */
    default void onStart(RunInfo info) {
    }

    /** A training epoch begins ({@code epoch} counts from 1) with {@code batches} micro-batches. */
    default void onEpochStart(int epoch, int batches) {
    }

    /** After every micro-batch. */
    default void onStep(StepEvent step) {
    }

    /** Evaluation of the test split begins, with {@code batches} batches. */
    default void onEvaluationStart(int epoch, int batches) {
    }

    /** After each evaluated batch of {@code images} images. */
    default void onEvaluationBatch(int images) {
    }

    /** After the epoch's scores are logged and its checkpoints written. */
    default void onEpochEnd(EpochRecord record) {
    }

    /**
     * What a run is, for headers, progress bars and plots: its directory (null without one), device,
     * classes, sample counts, batching, epochs (the first to run, counted from 1), parameters, and the
     * epochs a resumed run already logged.
     */
    record RunInfo(java.nio.file.Path runDir, String device, String backend, java.util.List<String> classes,
                   int trainImages, int testImages, int batchSize, int accumulationSteps, int epochs,
                   int firstEpoch, long parameters, java.util.List<EpochRecord> history) {
        public RunInfo {
            history = java.util.List.copyOf(history);
        }
    }

    /**
     * One micro-batch done: its epoch (from 1), index in the epoch, the epoch's micro-batch count,
     * optimizer updates so far, the batch's mean loss, the epoch's running mean loss, the learning rate
     * and training throughput so far this epoch.
     */
    record StepEvent(int epoch, int batch, int batches, long updates, double loss, double runningLoss, double lr,
                     double imagesPerSecond) {
    }
}
