package dev.gargoyle.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The human-readable report: every measured pass (GFLOP/s for convolutions, GB/s for the rest,
 * both as a share of the measured peak), then where the time goes per layer with the algorithms
 * the backend runs, then the peaks and the validation.
 */
public final class ReportTable {
    private ReportTable() {
    }

    /** The whole report as text, ending in a newline. */
    public static String format(BenchReport r) {
        boolean marks = r.results().stream().anyMatch(o -> !o.chosen());
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%s on %s (%s); %d warm-up runs, median of %d%n", r.shapes(), r.device(),
                r.backend(), r.warmup(), r.repeats()));
        out.append('\n').append(passes(r, marks));
        if (marks) {
            out.append("* the algorithm the backend runs; the others were forced for comparison\n");
        }
        out.append('\n').append(perLayer(r));
        out.append('\n').append(peaks(r.peaks()));
        for (Check c : r.validation()) {
            out.append(String.format(Locale.ROOT, "validation: %s, error %.1e (tolerance %.0e): %s%n",
                    c.what(), c.error(), c.tolerance(), c.ok() ? "ok" : "FAILED"));
        }
        return out.toString();
    }

    static String passes(BenchReport r, boolean marks) {
        TextTable t = new TextTable(List.of("layer", "shape", "pass", "algorithm", "status", "median ms", "min ms",
                "p90 ms", "GFLOP/s", "GB/s", "% peak", "workspace", "det", "math", "find ms"),
                Set.of(5, 6, 7, 8, 9, 10, 11, 14));
        String last = null;
        for (OpResult o : r.results()) {
            boolean first = !o.layer().equals(last);
            last = o.layer();
            t.add(List.of(first ? o.layer() : "", first ? o.geometry() : "", o.pass().label(),
                    o.algorithm() + (marks && o.chosen() ? " *" : ""), o.ok() ? "" : o.status(),
                    o.ok() ? ms(o.timing().medianMs()) : "", o.ok() ? ms(o.timing().minMs()) : "",
                    o.ok() ? ms(o.timing().p90Ms()) : "", o.computeBound() ? number(o.gflops()) : "",
                    o.computeBound() ? "" : number(o.gbps()), percent(o.peakFraction(r.peaks())),
                    o.workspaceBytes() == null ? "" : bytes(o.workspaceBytes()),
                    o.deterministic() == null ? "" : o.deterministic() ? "yes" : "no",
                    o.mathType() == null ? "" : o.mathType(), o.searchMs() == null ? "" : ms(o.searchMs())));
        }
        return t.render();
    }

    /** Median milliseconds per layer and pass for the chosen algorithms, with each layer's share of the total. */
    static String perLayer(BenchReport r) {
        Map<String, Map<Pass, Double>> byLayer = new LinkedHashMap<>();
        Map<String, String> kinds = new LinkedHashMap<>();
        double total = 0;
        for (OpResult o : r.chosen()) {
            if (o.ok()) {
                byLayer.computeIfAbsent(o.layer(), k -> new LinkedHashMap<>()).merge(o.pass(), o.timing().medianMs(),
                        Double::sum);
                kinds.put(o.layer(), o.kind());
                total += o.timing().medianMs();
            }
        }
        TextTable t = new TextTable(List.of("layer", "kind", "forward ms", "backward-data ms", "backward-filter ms",
                "backward ms", "total ms", "share"), Set.of(2, 3, 4, 5, 6, 7));
        double[] sums = new double[Pass.values().length];
        boolean[] seen = new boolean[sums.length];
        for (Map.Entry<String, Map<Pass, Double>> e : byLayer.entrySet()) {
            List<String> row = new ArrayList<>(List.of(e.getKey(), kinds.get(e.getKey())));
            double layerTotal = 0;
            for (Pass p : Pass.values()) {
                Double v = e.getValue().get(p);
                row.add(v == null ? "" : ms(v));
                if (v != null) {
                    sums[p.ordinal()] += v;
                    seen[p.ordinal()] = true;
                    layerTotal += v;
                }
            }
            row.add(ms(layerTotal));
            row.add(percent(layerTotal / total));
            t.add(row);
        }
        List<String> totals = new ArrayList<>(List.of("all layers", ""));
        for (Pass p : Pass.values()) {
            totals.add(seen[p.ordinal()] ? ms(sums[p.ordinal()]) : "");
        }
        totals.add(ms(total));
        totals.add(percent(1.0));
        t.add(totals);
        return "time per layer, algorithms the backend runs (median ms)\n" + t.render();
    }

    static String peaks(Peaks p) {
        return String.format(Locale.ROOT, "peak (fastest of %d runs): SGEMM %dx%dx%d %.1f GFLOP/s (%s ms, median %s); "
                        + "copy of %s %.1f GB/s (%s ms, median %s)%n", p.gemm().repeats(), p.gemmSize(), p.gemmSize(),
                p.gemmSize(), p.gflops(), ms(p.gemm().minMs()), ms(p.gemm().medianMs()), bytes(p.copyBytes()), p.gbps(),
                ms(p.copy().minMs()), ms(p.copy().medianMs()));
    }

    static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
    }

    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    /** Bytes in binary units: {@code 0 B}, {@code 512 B}, {@code 3.0 MiB}. */
    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
