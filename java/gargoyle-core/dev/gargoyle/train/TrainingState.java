package dev.gargoyle.train;

/**
 * Where a run stands, saved with every checkpoint so a resumed run continues exactly: the epoch
 * in progress and how many of its micro-batches are done (0 when the epoch is complete and
 * {@code epoch} is the next one), optimizer updates so far, the best test F1 and that epoch's
 * partial training scores.
 */
record TrainingState(int epoch, int batchesDone, long updates, double bestF1, double trainLossSum,
                     long trainSamples, long[][] trainConfusion) {
    static final TrainingState START = new TrainingState(0, 0, 0, Double.NEGATIVE_INFINITY, 0, 0, null);
}
