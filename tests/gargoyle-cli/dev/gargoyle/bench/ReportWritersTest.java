package dev.gargoyle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The table, CSV and JSON writers on fixed, made-up results. */
class ReportWritersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 1000 GFLOP/s and 20 GB/s. */
    private static final Peaks PEAKS = new Peaks(1000, new Timing(3, 2, 4, 5), 1_000_000_000L,
            new Timing(110, 100, 120, 5));
    private static final List<Check> CHECKS = List.of(new Check("conv forward", 1e-7, 5e-3));

    @TempDir
    Path dir;

    /** A CPU-like report: one row per pass; conv 2e9 FLOP, pool 2e8 bytes. */
    static BenchReport cpu() {
        return new BenchReport("cpu", "oneDNN test", "fake", 1, 3, CHECKS, PEAKS, List.of(
                row("conv,1", "conv", Pass.FORWARD, 4, 2e9, 0),
                row("conv,1", "conv", Pass.BACKWARD_DATA, 5, 2e9, 0),
                row("conv,1", "conv", Pass.BACKWARD_FILTER, 8, 2e9, 0),
                row("pool1", "pool", Pass.FORWARD, 1, 0, 2e8),
                row("pool1", "pool", Pass.BACKWARD, 2, 0, 2e8)));
    }

    private static OpResult row(String layer, String kind, Pass pass, double ms, double flops, double bytes) {
        return new OpResult(layer, kind, "geometry of " + layer, pass, "oneDNN", true, OpResult.OK,
                new Timing(ms, ms * 0.9, ms * 1.2, 3), flops, bytes, null, null, null, null);
    }

    /** A CUDA-like report: two algorithms for one pass, the slower one chosen, a third that failed. */
    private static BenchReport cuda() {
        return new BenchReport("cuda:0", "cuDNN test", "fake", 1, 3, CHECKS, PEAKS, List.of(
                new OpResult("c", "conv", "g", Pass.FORWARD, "IMPLICIT_GEMM", true, OpResult.OK,
                        new Timing(2, 2, 2, 3), 2e9, 1e6, 0L, true, "FMA", 2.1),
                new OpResult("c", "conv", "g", Pass.FORWARD, "WINOGRAD", false, OpResult.OK,
                        new Timing(1, 1, 1, 3), 2e9, 1e6, 1L << 20, false, "FMA", 1.1),
                new OpResult("c", "conv", "g", Pass.FORWARD, "FFT", false, "CUDNN_STATUS_NOT_SUPPORTED", null,
                        2e9, 1e6, 0L, true, "FMA", -1.0)));
    }

    @Test
    void tableAlignsColumnsAndLeavesOutEmptyOnes() {
        String text = ReportTable.format(cpu());
        String[] lines = text.split("\n");
        int header = indexOf(lines, "layer   ");
        String head = lines[header];
        int medianEnd = head.indexOf("median ms") + "median ms".length();
        // Right-aligned: every value of the median column ends where its header does.
        assertTrue(lines[header + 1].substring(0, medianEnd).endsWith("4.000"), lines[header + 1]);
        assertTrue(lines[header + 2].substring(0, medianEnd).endsWith("5.000"), lines[header + 2]);
        assertFalse(head.contains("workspace") || head.contains("math") || head.contains("status"), head);
        // 2e9 FLOP in 4 ms = 500 GFLOP/s = 50% of 1000; 2e8 B in 1 ms = 200 GB/s... = 1000% of 20 GB/s.
        assertTrue(lines[header + 1].contains("500.0") && lines[header + 1].contains("50.0%"), lines[header + 1]);
        assertTrue(lines[header + 4].contains("200.0") && lines[header + 4].contains("1000.0%"), lines[header + 4]);
        // Per layer: conv 4 + 5 + 8 = 17 ms, pool 1 + 2 = 3 ms, of 20 ms.
        int perLayer = indexOf(lines, "time per layer");
        assertTrue(lines[perLayer + 2].matches("conv,1 +conv +4\\.000 +5\\.000 +8\\.000 +17\\.000 +85\\.0%"),
                lines[perLayer + 2]);
        assertTrue(lines[perLayer + 3].matches("pool1 +pool +1\\.000 +2\\.000 +3\\.000 +15\\.0%"), lines[perLayer + 3]);
        assertTrue(lines[perLayer + 4].matches("all layers +5\\.000 +5\\.000 +8\\.000 +2\\.000 +20\\.000 +100\\.0%"),
                lines[perLayer + 4]);
        assertTrue(text.contains("peak (fastest of 5 runs): SGEMM 1000x1000x1000 1000.0 GFLOP/s (2.000 ms, median 3.000)"),
                text);
        assertTrue(text.contains("conv forward") && text.contains(" ok"), text);
    }

    @Test
    void tableMarksTheChosenAlgorithmAndShowsFailures() {
        String text = ReportTable.format(cuda());
        assertTrue(text.contains("IMPLICIT_GEMM *"), text);
        assertFalse(text.contains("WINOGRAD *"), text);
        assertTrue(text.contains("CUDNN_STATUS_NOT_SUPPORTED"), text);
        assertTrue(text.contains("1.0 MiB") && text.contains("FMA"), text);
        assertTrue(text.contains("* the algorithm the backend runs"), text);
        // Only the chosen algorithm counts in the per-layer time: 2 ms; passes no layer has stay empty in the total.
        String[] lines = text.split("\n");
        int perLayer = indexOf(lines, "time per layer");
        assertTrue(lines[perLayer + 1].matches("layer +kind +forward ms +total ms +share"), lines[perLayer + 1]);
        assertTrue(lines[perLayer + 2].matches("c +conv +2\\.000 +2\\.000 +100\\.0%"), lines[perLayer + 2]);
        assertTrue(lines[perLayer + 3].matches("all layers +2\\.000 +2\\.000 +100\\.0%"), lines[perLayer + 3]);
    }

    @Test
    void csvHasOneQuotedRowPerMeasurement() throws Exception {
        Path f = dir.resolve("b.csv");
        CsvReport.write(f, cpu());
        List<String> lines = Files.readAllLines(f);
        assertEquals(String.join(",", CsvReport.COLUMNS), lines.get(0));
        assertEquals(6, lines.size());
        // Cells with commas are quoted; 2e9 FLOP in 4 ms = 500 GFLOP/s, half the peak; no cuDNN fields on the CPU.
        assertTrue(lines.get(1).startsWith("\"conv,1\",conv,\"geometry of conv,1\",forward,oneDNN,true,ok,4,"),
                lines.get(1));
        assertTrue(lines.get(1).endsWith(",3,2000000000,0,500,0,0.5,,,,"), lines.get(1));
        String[] pool = lines.get(4).split(",", -1);
        assertEquals(CsvReport.COLUMNS.size(), pool.length);
        assertEquals("1", pool[CsvReport.COLUMNS.indexOf("median_ms")]);
        assertEquals("200", pool[CsvReport.COLUMNS.indexOf("gbps")]);
        assertEquals("", pool[CsvReport.COLUMNS.indexOf("gflops")]);
        assertEquals("10", pool[CsvReport.COLUMNS.indexOf("peak_fraction")]);
    }

    @Test
    void jsonCarriesSettingsPeaksAndNullsForUnknowns() throws Exception {
        Path f = dir.resolve("b.json");
        JsonReport.write(f, cuda());
        JsonNode root = JSON.readTree(f.toFile());
        assertEquals("cuda:0", root.get("device").asText());
        assertEquals(1000.0, root.at("/peaks/sgemm/gflops").asDouble(), 1e-9);
        assertEquals(20.0, root.at("/peaks/copy/gbps").asDouble(), 1e-12);
        assertTrue(root.at("/validation/0/ok").asBoolean());
        JsonNode results = root.get("results");
        assertEquals(3, results.size());
        assertEquals(1000.0, results.get(0).get("gflops").asDouble(), 1e-9);
        assertEquals(1.0, results.get(0).get("peak_fraction").asDouble(), 1e-12);
        assertTrue(results.get(0).get("chosen").asBoolean());
        assertEquals(1L << 20, results.get(1).get("workspace_bytes").asLong());
        assertTrue(results.get(2).get("median_ms").isNull() && results.get(2).get("gflops").isNull());
        assertEquals("CUDNN_STATUS_NOT_SUPPORTED", results.get(2).get("status").asText());
    }

    @Test
    void trainResultLinesAndJson() throws Exception {
        TrainBenchSettings s = new TrainBenchSettings(64, 64, 2, 1, 3, 2, 7);
        // 256 images per window in 0.8, 1.0 and 0.5 s: 320, 256 and 512 images/s.
        Throughput train = Throughput.of(256, new double[] {0.8, 1.0, 0.5});
        Throughput inference = Throughput.of(256, new double[] {0.25, 0.25, 0.5});
        TrainBenchResult r = new TrainBenchResult("cpu", "oneDNN test", Map.of("cpu isa", "AVX2 (avx2)"), s, train,
                inference, 3L << 30, 5L << 29, null, null);
        List<String> lines = r.lines();
        assertTrue(lines.get(0).startsWith("train: 320.0 images/s (median of 3 windows of 2 updates x 2 "
                + "micro-batches of 64 at 64x64; slowest 256.0, fastest 512.0)"), lines.get(0));
        assertTrue(lines.get(1).startsWith("inference: 1024.0 images/s"), lines.get(1));
        assertEquals("peak native memory: 3.0 GiB (backend), process resident 2.5 GiB", lines.get(2));
        JsonNode root = JSON.readTree(TrainJson.format(r));
        assertEquals(320.0, root.at("/train/images_per_second").asDouble(), 1e-9);
        assertEquals(3, root.at("/inference/windows_images_per_second").size());
        assertEquals(2, root.at("/settings/accumulation_steps").asInt());
        assertTrue(root.path("loader").isMissingNode());
        assertEquals("AVX2 (avx2)", root.at("/machine/cpu isa").asText());
        assertEquals(3L << 30, root.get("peak_backend_bytes").asLong());
    }

    private static int indexOf(String[] lines, String prefix) {
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with '" + prefix + "' in\n" + String.join("\n", lines));
    }
}
