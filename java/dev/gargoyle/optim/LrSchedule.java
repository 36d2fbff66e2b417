package dev.gargoyle.optim;

import java.util.Locale;

/** The learning rate of each optimizer update (counted from 0): constant, step decay or cosine, with optional warm-up. */
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

    /**
     * Parses {@code constant}, {@code step[:EPOCHS[:GAMMA]]} (default every 10 epochs, gamma 0.1) or
     * {@code cosine}; epochs are converted with {@code updatesPerEpoch}.
     */
    static LrSchedule parse(String spec, double lr, long updatesPerEpoch, long totalUpdates) {
        String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":");
        try {
            switch (parts[0]) {
                case "constant":
                    if (parts.length == 1) {
                        return constant(lr);
                    }
                    break;
                case "step":
                    if (parts.length <= 3) {
                        long epochs = parts.length > 1 ? Long.parseLong(parts[1]) : 10;
                        double gamma = parts.length > 2 ? Double.parseDouble(parts[2]) : 0.1;
                        return step(lr, Math.max(1, epochs * updatesPerEpoch), gamma);
                    }
                    break;
                case "cosine":
                    if (parts.length == 1) {
                        return cosine(lr, totalUpdates, 0);
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted forms
        }
        throw new IllegalArgumentException("unknown schedule '" + spec
                + "': expected constant, step[:EPOCHS[:GAMMA]] or cosine");
    }
}
