package dev.gargoyle.bench;

import dev.gargoyle.train.AtomicFiles;
import dev.gargoyle.train.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.bytedeco.javacpp.Pointer;

/**
 * Memory of a training run sampled every {@code every} optimizer updates: the backend's own tensors
 * and buffers, everything JavaCPP allocated (OpenCV's Mats included) and the process's resident set.
 * Its slopes after warm-up, in MiB per 1,000 updates, say whether a long run grows: a leak of one
 * small buffer per step shows as a steady slope where a healthy run is flat.
 */
public final class MemoryTrace implements TrainingListener {
    /** One sample; bytes. */
    public record Sample(long updates, long backend, long javacpp, long resident) {
    }

    /** Least-squares slopes of each measure over the samples after warm-up, in MiB per 1,000 updates. */
    public record Slopes(long fromUpdate, int samples, double backend, double javacpp, double resident) {
    }

    private final int every;
    private final LongSupplier backendBytes;
    private final List<Sample> samples = new ArrayList<>();
    private long lastSampled = -1;

    /** {@code backendBytes} is read on the training thread, as a backend requires. */
    public MemoryTrace(int every, LongSupplier backendBytes) {
        if (every < 1) {
            throw new IllegalArgumentException("sample interval must be at least 1 update, got " + every);
        }
        this.every = every;
        this.backendBytes = backendBytes;
    }

    @Override
    public void onStep(StepEvent step) {
        if (step.updates() % every == 0 && step.updates() != lastSampled) {
            lastSampled = step.updates();
            samples.add(new Sample(step.updates(), backendBytes.getAsLong(), Pointer.totalBytes(),
                    Pointer.physicalBytes()));
        }
    }

    public List<Sample> samples() {
        return Collections.unmodifiableList(samples);
    }

    /** The slopes over the samples taken at or after update {@code fromUpdate}. */
    public Slopes slopes(long fromUpdate) {
        List<Sample> after = samples.stream().filter(s -> s.updates() >= fromUpdate).toList();
        if (after.size() < 2) {
            throw new IllegalStateException("need 2 samples from update " + fromUpdate + " on, have " + after.size());
        }
        return new Slopes(fromUpdate, after.size(), slope(after, Sample::backend), slope(after, Sample::javacpp),
                slope(after, Sample::resident));
    }

    /** Ordinary least squares of bytes against updates, scaled to MiB per 1,000 updates. */
    static double slope(List<Sample> samples, java.util.function.ToLongFunction<Sample> bytes) {
        double n = samples.size();
        double mx = samples.stream().mapToDouble(Sample::updates).sum() / n;
        double my = samples.stream().mapToDouble(bytes::applyAsLong).sum() / n;
        double sxy = 0;
        double sxx = 0;
        for (Sample s : samples) {
            sxy += (s.updates() - mx) * (bytes.applyAsLong(s) - my);
            sxx += (s.updates() - mx) * (s.updates() - mx);
        }
        return sxy / sxx * 1000 / (1 << 20);
    }

    /** The samples as CSV: updates, then the three measures in MiB. */
    public void writeCsv(Path file) throws IOException {
        StringBuilder csv = new StringBuilder("updates,backend_mib,javacpp_mib,resident_mib\n");
        for (Sample s : samples) {
            csv.append(String.format(Locale.ROOT, "%d,%.3f,%.3f,%.3f%n", s.updates(), mib(s.backend()),
                    mib(s.javacpp()), mib(s.resident())));
        }
        AtomicFiles.write(file, csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static double mib(long bytes) {
        return bytes / (double) (1 << 20);
    }
}
