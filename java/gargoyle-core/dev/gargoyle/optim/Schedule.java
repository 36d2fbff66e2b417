package dev.gargoyle.optim;

/**
 * How the learning rate moves over a run, counted in optimizer updates: constant, step decay every
 * few epochs ({@code StepLR}), or cosine annealing to 0 over the run ({@code CosineAnnealingLR}).
 * The trainer turns it into an {@link LrSchedule} once it knows the updates per epoch.
 */
public sealed interface Schedule permits Schedule.Constant, Schedule.StepDecay, Schedule.Cosine {

    /** The rate of each update for base rate {@code lr}, {@code updatesPerEpoch} and {@code totalUpdates}. */
    LrSchedule rates(double lr, long updatesPerEpoch, long totalUpdates);

    static Schedule constant() {
        return new Constant();
    }

    /** {@code lr · gamma^floor(epoch / everyEpochs)}. */
    static Schedule step(int everyEpochs, double gamma) {
        return new StepDecay(everyEpochs, gamma);
    }

    static Schedule cosine() {
        return new Cosine();
    }

    /** See {@link #constant()}. */
    record Constant() implements Schedule {
        @Override
        public LrSchedule rates(double lr, long updatesPerEpoch, long totalUpdates) {
            return LrSchedule.constant(lr);
        }

        @Override
        public String toString() {
            return "constant";
        }
    }

    /** See {@link #step(int, double)}. */
    record StepDecay(int everyEpochs, double gamma) implements Schedule {
        public StepDecay {
            if (everyEpochs < 1 || !(gamma > 0)) {
                throw new IllegalArgumentException("step schedule: expected a period of at least 1 epoch and "
                        + "gamma > 0, got " + everyEpochs + " and " + gamma);
            }
        }

        @Override
        public LrSchedule rates(double lr, long updatesPerEpoch, long totalUpdates) {
            return LrSchedule.step(lr, Math.max(1, everyEpochs * updatesPerEpoch), gamma);
        }

        @Override
        public String toString() {
            return "step:" + everyEpochs + ":" + gamma;
        }
    }

    /** See {@link #cosine()}. */
    record Cosine() implements Schedule {
        @Override
        public LrSchedule rates(double lr, long updatesPerEpoch, long totalUpdates) {
            return LrSchedule.cosine(lr, totalUpdates, 0);
        }

        @Override
        public String toString() {
            return "cosine";
        }
    }
}
