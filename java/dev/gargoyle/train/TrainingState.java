package dev.gargoyle.train;

/**
 * Where a run stands, saved with every checkpoint so {@code --resume} continues exactly: the epoch
 * in progress and how many of its micro-batches are done (0 when the epoch is complete and
 * {@code epoch} is the next one), optimizer updates so far, the best test F1 and that epoch's
 * partial training scores.
 */
record TrainingState(int epoch, int batchesDone, long updates, double bestF1, double trainLossSum,
                     long trainSamples, long[][] trainConfusion) {
}
