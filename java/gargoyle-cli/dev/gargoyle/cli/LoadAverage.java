package dev.gargoyle.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The machine's one-minute load average (Linux {@code /proc/loadavg}), for the benchmarks' note on
 * how busy the machine was: above about one runnable task per processor, other work competes with
 * the measured threads and every synchronisation may wait a scheduler tick.
 */
final class LoadAverage {
    private static final Path PROC = Path.of("/proc/loadavg");

    private LoadAverage() {
    }

    /** Empty where the system does not say (not Linux, or unreadable). */
    static OptionalDouble now() {
        try {
            String[] fields = Files.readString(PROC).trim().split("\\s+");
            return OptionalDouble.of(Double.parseDouble(fields[0]));
        } catch (IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /** One line comparing the load before and after a run with the processor count, or empty when unknown. */
    static String note(OptionalDouble before, OptionalDouble after) {
        if (before.isEmpty() || after.isEmpty()) {
            return "";
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        double worst = Math.max(before.getAsDouble(), after.getAsDouble());
        return String.format(Locale.ROOT, "machine load average %.2f before, %.2f after, on %d processors%s%n",
                before.getAsDouble(), after.getAsDouble(), cpus,
                worst > cpus ? ": other work competed for the processors, so these times are noisy" : "");
    }
}
