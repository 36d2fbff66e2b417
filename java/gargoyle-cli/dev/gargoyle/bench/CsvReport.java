package dev.gargoyle.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The measured passes as CSV (RFC 4180: comma-separated, fields with commas, quotes or line breaks
 * quoted), one row per layer, pass and algorithm; unknown values are empty. Written by hand: the
 * format is a dozen lines and Jackson's CSV module is not a dependency.
 */
public final class CsvReport {
    static final List<String> COLUMNS = List.of("layer", "kind", "geometry", "pass", "algorithm", "chosen", "status",
            "median_ms", "min_ms", "p90_ms", "repeats", "flops", "bytes", "gflops", "gbps", "peak_fraction",
            "workspace_bytes", "deterministic", "math_type", "search_ms");

    private CsvReport() {
    }

    public static void write(Path file, BenchReport r) throws IOException {
        Files.writeString(file, format(r));
    }

    static String format(BenchReport r) {
        StringBuilder out = new StringBuilder();
        line(out, COLUMNS);
        for (OpResult o : r.results()) {
            List<String> cells = new ArrayList<>();
            cells.add(o.layer());
            cells.add(o.kind());
            cells.add(o.geometry());
            cells.add(o.pass().label());
            cells.add(o.algorithm());
            cells.add(String.valueOf(o.chosen()));
            cells.add(o.status());
            cells.add(o.ok() ? number(o.timing().medianMs()) : "");
            cells.add(o.ok() ? number(o.timing().minMs()) : "");
            cells.add(o.ok() ? number(o.timing().p90Ms()) : "");
            cells.add(o.ok() ? String.valueOf(o.timing().repeats()) : "");
            cells.add(number(o.flops()));
            cells.add(number(o.bytes()));
            cells.add(number(o.gflops()));
            cells.add(number(o.gbps()));
            cells.add(number(o.peakFraction(r.peaks())));
            cells.add(o.workspaceBytes() == null ? "" : String.valueOf(o.workspaceBytes()));
            cells.add(o.deterministic() == null ? "" : String.valueOf(o.deterministic()));
            cells.add(o.mathType() == null ? "" : o.mathType());
            cells.add(o.searchMs() == null ? "" : number(o.searchMs()));
            line(out, cells);
        }
        return out.toString();
    }

    /** Shortest round-tripping decimal; whole numbers without a fraction; NaN empty. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.valueOf(v).toLowerCase(Locale.ROOT);
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(quote(cells.get(i)));
        }
        out.append("\r\n");
    }

    static String quote(String cell) {
        if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
            return '"' + cell.replace("\"", "\"\"") + '"';
        }
        return cell;
    }
}
