package dev.gargoyle.cli;

import dev.gargoyle.optim.Schedule;
import java.util.Locale;

/**
 * {@code --schedule}: {@code constant}, {@code step[:EPOCHS[:GAMMA]]} (every 10 epochs, gamma 0.1 by
 * default) or {@code cosine}.
 */
final class Schedules {
    private Schedules() {
    }

    static Schedule parse(String spec) {
        String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":");
        try {
            switch (parts[0]) {
                case "constant":
                    if (parts.length == 1) {
                        return Schedule.constant();
                    }
                    break;
                case "step":
                    if (parts.length <= 3) {
                        int epochs = parts.length > 1 ? Integer.parseInt(parts[1]) : 10;
                        double gamma = parts.length > 2 ? Double.parseDouble(parts[2]) : 0.1;
                        return Schedule.step(epochs, gamma);
                    }
                    break;
                case "cosine":
                    if (parts.length == 1) {
                        return Schedule.cosine();
                    }
                    break;
                default:
                    break;
            }
        } catch (IllegalArgumentException e) {
            // reported below with the accepted forms (NumberFormatException and a bad period alike)
        }
        throw new IllegalArgumentException("--schedule: unknown schedule '" + spec
                + "': expected constant, step[:EPOCHS[:GAMMA]] or cosine");
    }
}
