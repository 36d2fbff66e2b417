package dev.gargoyle.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code bench train} measured.
 *
 * @param peakBackendBytes the most {@code Backend.memoryInUse()} reported between steps (on CUDA the
 *                         whole device's used memory, on the CPU JavaCPP's native allocations)
 * @param peakProcessBytes the most resident memory of the process ({@code Pointer.physicalBytes()})
 * @param loader           images/s of the data loader alone, null unless asked for
 */
public record TrainBenchResult(String device, String backend, TrainBenchSettings settings, Throughput train,
                               Throughput inference, long peakBackendBytes, long peakProcessBytes,
                               Throughput loader) {

    /** One line each: {@code train: 312.4 images/s ...}, {@code inference: ...}, {@code peak native memory: ...}. */
    public List<String> lines() {
        TrainBenchSettings s = settings;
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "train: %.1f images/s (median of %d windows of %d updates x %d micro-batches "
                        + "of %d at %dx%d; slowest %.1f, fastest %.1f)", train.median(), train.perWindow().length,
                s.updatesPerWindow(), s.accumulationSteps(), s.batchSize(), s.size(), s.size(), train.min(),
                train.max()));
        out.add(String.format(Locale.ROOT, "inference: %.1f images/s (median of %d windows of %d batches; slowest %.1f, "
                        + "fastest %.1f)", inference.median(), inference.perWindow().length, s.batchesPerWindow(),
                inference.min(), inference.max()));
        if (loader != null) {
            out.add(String.format(Locale.ROOT, "loader: %.1f images/s (sample data with augmentation, median of %d "
                    + "epochs; slowest %.1f, fastest %.1f)", loader.median(), loader.perWindow().length, loader.min(),
                    loader.max()));
        }
        out.add(String.format(Locale.ROOT, "peak native memory: %s (backend), process resident %s",
                ReportTable.bytes(peakBackendBytes), ReportTable.bytes(peakProcessBytes)));
        return out;
    }
}
