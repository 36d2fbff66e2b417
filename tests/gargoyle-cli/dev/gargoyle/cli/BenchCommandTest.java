package dev.gargoyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gargoyle bench} and {@code gargoyle bench train} end to end on the CPU, at tiny sizes. */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path shapes() throws Exception {
        return Files.writeString(dir.resolve("tiny.txt"), "# three tiny layers\n"
                + "conv name=c1 n=2 c=3 h=12 w=12 k=8 r=3 s=3 pad=1\n"
                + "pool name=p1 n=2 c=8 h=12 w=12 kernel=2\n"
                + "bn name=b1 n=2 c=8 h=6 w=6\n");
    }

    @Test
    void layerBenchOnAShapeFileWritesTableCsvJsonAndChart() throws Exception {
        Path csv = dir.resolve("b.csv");
        Path json = dir.resolve("b.json");
        Path chart = dir.resolve("b.png");
        String[] r = CliRun.run("bench", "--device", "cpu", "--shapes", shapes().toString(), "--warmup", "1",
                "--repeats", "2", "--gemm-size", "128", "--copy-mib", "4", "--csv", csv.toString(), "--json",
                json.toString(), "--chart", chart.toString());
        String out = r[1];
        assertEquals("0", r[0], () -> out + r[2]);
        for (String expected : new String[] {"c1 ", "p1 ", "b1 ", "backward-data", "backward-filter", "GFLOP/s",
            "GB/s", "time per layer", "SGEMM 128x128x128", "validation: conv forward"}) {
            assertTrue(out.contains(expected), () -> "no '" + expected + "' in\n" + out);
        }
        assertEquals(8, Files.readAllLines(csv).size());
        JsonNode results = JSON.readTree(json.toFile()).get("results");
        List<String> rows = StreamSupport.stream(results.spliterator(), false)
                .map(n -> n.get("layer").asText() + " " + n.get("pass").asText()).toList();
        assertEquals(List.of("c1 forward", "c1 backward-data", "c1 backward-filter", "p1 forward", "p1 backward",
                "b1 forward", "b1 backward"), rows);
        for (JsonNode n : results) {
            assertTrue(n.get("median_ms").asDouble() > 0 && n.get("repeats").asInt() == 2, n.toString());
        }
        assertTrue(Files.size(chart) > 1000);
    }

    @Test
    void filterKeepsMatchingLayersAndRefusesNoMatch() throws Exception {
        String[] r = CliRun.run("bench", "--device", "cpu", "--shapes", shapes().toString(), "--filter",
                "pool", "--warmup", "0", "--repeats", "1", "--gemm-size", "64", "--copy-mib", "1", "--json",
                dir.resolve("f.json").toString());
        assertEquals("0", r[0], () -> r[2]);
        Set<String> layers = StreamSupport.stream(JSON.readTree(dir.resolve("f.json").toFile()).get("results")
                .spliterator(), false).map(n -> n.get("layer").asText()).collect(Collectors.toSet());
        assertEquals(Set.of("p1"), layers);
        String[] none = CliRun.run("bench", "--device", "cpu", "--shapes", shapes().toString(), "--filter",
                "lstm");
        assertEquals("2", none[0]);
        assertTrue((none[2]).contains("--filter 'lstm' matches no layer"), none[2]);
    }

    @Test
    void badShapesAreReportedWithFileAndLine() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.txt"), "conv n=1 c=1 h=4 w=4 k=1 r=3 s=3\nconv n=1 c=1\n");
        String[] r = CliRun.run("bench", "--device", "cpu", "--shapes", bad.toString());
        assertEquals("1", r[0]);
        assertTrue((r[2]).contains(bad + ":2: conv needs"), r[2]);
        String[] unknown = CliRun.run("bench", "--device", "cpu", "--shapes", "resnet");
        assertEquals("2", unknown[0]);
        assertTrue((unknown[2]).contains("--shapes must be ahe, deepbench or a shape file"),
                unknown[2]);
        String[] size = CliRun.run("bench", "--device", "cpu", "--size", "40");
        assertEquals("2", size[0]);
        assertTrue((size[2]).contains("multiple of 16"), size[2]);
    }

    @Test
    void loadNoteWarnsWhenOtherWorkCompeted() {
        assertEquals("", LoadAverage.note(OptionalDouble.empty(), OptionalDouble.of(1)));
        String idle = LoadAverage.note(OptionalDouble.of(0), OptionalDouble.of(0.25));
        assertTrue(idle.startsWith("machine load average 0.00 before, 0.25 after, on ") && !idle.contains("noisy"), idle);
        assertTrue(LoadAverage.note(OptionalDouble.of(1e6), OptionalDouble.of(0)).contains("so these times are noisy"));
    }

    @Test
    void trainBenchPrintsRatesAndMemoryAndWritesJson() throws Exception {
        Path json = dir.resolve("t.json");
        String[] r = CliRun.run("bench", "train", "--device", "cpu", "--batch-size", "2", "--size", "16",
                "--accumulation-steps", "2", "--warmup", "1", "--windows", "2", "--updates-per-window", "1",
                "--breakdown", "--json", json.toString());
        String out = r[1];
        assertEquals("0", r[0], () -> out + r[2]);
        assertTrue(out.contains("\ntrain: ") && out.contains("micro-batches of 2 at 16x16"), out);
        assertTrue(out.contains("\ninference: ") && out.contains("\npeak native memory: "), out);
        JsonNode root = JSON.readTree(json.toFile());
        assertTrue(root.at("/train/images_per_second").asDouble() > 0);
        assertTrue(root.at("/inference/images_per_second").asDouble() > 0);
        assertEquals(4, root.at("/train/images_per_window").asInt());
        assertEquals(2, root.at("/train/windows_images_per_second").size());
        assertTrue(root.get("peak_backend_bytes").asLong() > 0 && root.get("peak_process_bytes").asLong() > 0);
        // The profiled window: both micro-batches of one update, every leaf module of AheNet (19 + 9), each
        // batch-norm in one row with the ReLU it runs (5 rows fewer).
        assertTrue(out.contains("where a training micro-batch's time goes (mean of 2 profiled"), out);
        assertTrue(out.matches("(?s).*\\nfeatures\\.16 +Conv2d .*"), out);
        assertTrue(out.matches("(?s).*\\nclassifier\\.8 +Linear .*"), out);
        assertTrue(out.matches("(?s).*\\nfeatures\\.1\\+2 +BatchNorm2d\\+ReLU .*"), out);
        JsonNode parts = root.get("breakdown_ms_per_micro_batch");
        assertEquals(2, parts.get("micro_batches").asInt());
        assertEquals(23, parts.get("modules").size());
        double sum = parts.get("input").asDouble() + parts.get("loss").asDouble() + parts.get("optimizer").asDouble();
        for (JsonNode m : parts.get("modules")) {
            assertTrue(m.get("forward").asDouble() >= 0 && m.get("backward").asDouble() >= 0, m.toString());
            sum += m.get("forward").asDouble() + m.get("backward").asDouble();
        }
        assertEquals(parts.get("total").asDouble(), sum, 1e-9);
        String[] bad = CliRun.run("bench", "train", "--device", "cpu", "--size", "20");
        assertEquals("2", bad[0]);
        assertTrue((bad[2]).contains("--size must be a positive multiple of 16, got 20"), bad[2]);
    }

    @Test
    void benchMemoryRunsTheTrainerAndReportsSlopesCsvAndPlot() throws Exception {
        String[] data = CliRun.run("sample-data", dir.resolve("data").toString(), "--per-class", "2", "--size", "16");
        assertEquals("0", data[0], data[2]);
        Path out = dir.resolve("memory");
        String[] r = CliRun.run("bench", "memory", "--steps", "12", "--warmup", "4", "--sample-every", "2", "--size",
                "16", "--batch-size", "4", "--data", dir.resolve("data").toString(), "--out", out.toString(),
                "--device", "cpu", "--quiet");
        assertEquals("0", r[0], r[2]);
        for (String expected : new String[] {"12 updates of 4 images at 16x16", "backend", "JavaCPP native",
            "resident (RSS)", "MiB/1000 updates", "goal, under 1 MiB per 1,000 updates"}) {
            assertTrue(r[1].contains(expected), () -> "no '" + expected + "' in\n" + r[1]);
        }
        List<String> csv = Files.readAllLines(out.resolve("memory.csv"));
        assertEquals("updates,backend_mib,javacpp_mib,resident_mib", csv.get(0));
        assertEquals(List.of("2", "4", "6", "8", "10", "12"), csv.stream().skip(1).map(l -> l.split(",")[0]).toList());
        assertTrue(Files.size(out.resolve("memory.png")) > 1000);
        String[] bad = CliRun.run("bench", "memory", "--steps", "10", "--warmup", "9", "--sample-every", "2");
        assertEquals("2", bad[0], bad[2]);
    }
}
