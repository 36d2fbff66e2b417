package dev.gargoyle.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code bench train} measured.
 *
 * @param peakBackendBytes the most {@code Backend.memoryInUse()} reported between steps (on CUDA the
 *                         whole device's used memory, on the CPU JavaCPP's native allocations)
 * @param peakProcessBytes the most resident memory of the process ({@code Pointer.physicalBytes()})
 * @param loader           images/s of the data loader alone, null unless asked for
 * @param breakdown        where a training micro-batch's time goes, null unless asked for
 */
public record TrainBenchResult(String device, String backend, Map<String, String> machine,
                               TrainBenchSettings settings, Throughput train, Throughput inference,
                               long peakBackendBytes, long peakProcessBytes, Throughput loader,
                               StepBreakdown breakdown) {

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
            out.add(String.format(Locale.ROOT, "loader: %.1f images/s (sample data with augmentation, decoded images "
                    + "kept from an untimed first epoch, median of %d epochs; slowest %.1f, fastest %.1f)",
                    loader.median(), loader.perWindow().length, loader.min(),
                    loader.max()));
        }
        out.add(String.format(Locale.ROOT, "peak native memory: %s (backend), process resident %s",
                ReportTable.bytes(peakBackendBytes), ReportTable.bytes(peakProcessBytes)));
        return out;
    }

    /** The breakdown as a table, largest parts first, or an empty string when there is none. */
    public String breakdownTable() {
        if (breakdown == null) {
            return "";
        }
        StepBreakdown b = breakdown;
        double total = b.totalMs();
        TextTable t = new TextTable(List.of("part", "kind", "forward ms", "backward ms", "total ms", "share"),
                java.util.Set.of(2, 3, 4, 5));
        List<List<String>> rows = new ArrayList<>();
        rows.add(part("input", "imagesToTensor", b.inputMs(), Double.NaN, total));
        for (StepBreakdown.Module m : b.modules()) {
            rows.add(part(m.name(), m.kind(), m.forwardMs(), m.backwardMs(), total));
        }
        rows.add(part("loss", "softmax cross-entropy, logits to host", b.lossMs(), Double.NaN, total));
        rows.add(part("optimizer", "Adam step, zero grad (per micro-batch)", b.optimizerMs(), Double.NaN, total));
        rows.forEach(t::add);
        t.add(List.of("micro-batch", "", "", "", ReportTable.ms(total), "100.0%"));
        return String.format(Locale.ROOT, "where a training micro-batch's time goes (mean of %d profiled "
                + "micro-batches, timed apart from the rates above)%n", b.microBatches()) + t.render();
    }

    private static List<String> part(String name, String kind, double forward, double backward, double total) {
        double sum = forward + (Double.isNaN(backward) ? 0 : backward);
        return List.of(name, kind, ReportTable.ms(forward), Double.isNaN(backward) ? "" : ReportTable.ms(backward),
                ReportTable.ms(sum), ReportTable.percent(sum / total));
    }
}
