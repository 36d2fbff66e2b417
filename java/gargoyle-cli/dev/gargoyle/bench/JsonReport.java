package dev.gargoyle.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The layer report as JSON: the run's settings, validation, peaks and one object per measured pass
 * and algorithm with the same fields as the CSV; unknown numbers are {@code null}.
 */
public final class JsonReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JsonReport() {
    }

    public static void write(Path file, BenchReport r) throws IOException {
        Files.writeString(file, format(r) + "\n");
    }

    static String format(BenchReport r) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("device", r.device());
        root.put("backend", r.backend());
        root.put("shapes", r.shapes());
        root.put("warmup", r.warmup());
        root.put("repeats", r.repeats());
        ArrayNode checks = root.putArray("validation");
        for (Check c : r.validation()) {
            ObjectNode n = checks.addObject();
            n.put("check", c.what());
            number(n, "error", c.error());
            n.put("tolerance", c.tolerance());
            n.put("ok", c.ok());
        }
        Peaks p = r.peaks();
        ObjectNode peaks = root.putObject("peaks");
        ObjectNode gemm = peaks.putObject("sgemm");
        gemm.put("n", p.gemmSize());
        timing(gemm, p.gemm());
        number(gemm, "gflops", p.gflops());
        ObjectNode copy = peaks.putObject("copy");
        copy.put("bytes", p.copyBytes());
        timing(copy, p.copy());
        number(copy, "gbps", p.gbps());
        ArrayNode results = root.putArray("results");
        for (OpResult o : r.results()) {
            ObjectNode n = results.addObject();
            n.put("layer", o.layer());
            n.put("kind", o.kind());
            n.put("geometry", o.geometry());
            n.put("pass", o.pass().label());
            n.put("algorithm", o.algorithm());
            n.put("chosen", o.chosen());
            n.put("status", o.status());
            if (o.ok()) {
                timing(n, o.timing());
            } else {
                n.putNull("median_ms");
            }
            number(n, "flops", o.flops());
            number(n, "bytes", o.bytes());
            number(n, "gflops", o.gflops());
            number(n, "gbps", o.gbps());
            number(n, "peak_fraction", o.peakFraction(p));
            n.putPOJO("workspace_bytes", o.workspaceBytes());
            n.putPOJO("deterministic", o.deterministic());
            n.put("math_type", o.mathType());
            n.putPOJO("search_ms", o.searchMs());
        }
        return JSON.writeValueAsString(root);
    }

    private static void timing(ObjectNode n, Timing t) {
        n.put("median_ms", t.medianMs());
        n.put("min_ms", t.minMs());
        n.put("p90_ms", t.p90Ms());
        n.put("repeats", t.repeats());
    }

    /** JSON has no NaN or infinity: those become null. */
    private static void number(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }
}
