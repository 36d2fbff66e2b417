package dev.gargoyle.optim;

/**
 * The learning rate of each optimizer update (counted from 0): constant, step decay or cosine, with
 * optional warm-up.
 */
@FunctionalInterface
public interface LrSchedule {
    double lr(long update);

    static LrSchedule constant(double lr) {
        return update -> lr;
    }

    /** {@code lr · gamma^(update / every)}, as PyTorch's {@code StepLR} counted in updates. */
    static LrSchedule step(double lr, long every, double gamma) {
        if (every < 1) {
            throw new IllegalArgumentException("step schedule: period must be >= 1 update, got " + every);
        }
        return update -> lr * Math.pow(gamma, (double) (update / every));
    }

    /** Cosine annealing from {@code lr} to {@code minLr} over {@code total} updates, as {@code CosineAnnealingLR}. */
    static LrSchedule cosine(double lr, long total, double minLr) {
        long t = Math.max(total, 1);
        return update -> minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * Math.min(update, t) / t));
    }

    /** Ramps linearly up over the first {@code steps} updates ({@code (update+1)/steps} of the rate), then this. */
    default LrSchedule withWarmup(long steps) {
        if (steps <= 0) {
            return this;
        }
        return update -> update < steps ? lr(update) * (update + 1) / steps : lr(update);
    }
}
