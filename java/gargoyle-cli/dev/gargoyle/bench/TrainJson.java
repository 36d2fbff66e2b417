package dev.gargoyle.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code bench train}'s result as JSON: the settings, each rate with its windows, and the peak memory. */
public final class TrainJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainJson() {
    }

    public static void write(Path file, TrainBenchResult r) throws IOException {
        Files.writeString(file, format(r) + "\n");
    }

    static String format(TrainBenchResult r) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("device", r.device());
        root.put("backend", r.backend());
        // The ISA, threads, precision and layouts the figures were measured with.
        ObjectNode machine = root.putObject("machine");
        r.machine().forEach(machine::put);
        TrainBenchSettings s = r.settings();
        ObjectNode settings = root.putObject("settings");
        settings.put("batch_size", s.batchSize());
        settings.put("size", s.size());
        settings.put("accumulation_steps", s.accumulationSteps());
        settings.put("warmup_updates", s.warmup());
        settings.put("windows", s.windows());
        settings.put("updates_per_window", s.updatesPerWindow());
        settings.put("seed", s.seed());
        rate(root.putObject("train"), r.train());
        rate(root.putObject("inference"), r.inference());
        if (r.loader() != null) {
            rate(root.putObject("loader"), r.loader());
        }
        if (r.breakdown() != null) {
            StepBreakdown b = r.breakdown();
            ObjectNode parts = root.putObject("breakdown_ms_per_micro_batch");
            parts.put("micro_batches", b.microBatches());
            parts.put("input", b.inputMs());
            ArrayNode modules = parts.putArray("modules");
            for (StepBreakdown.Module m : b.modules()) {
                ObjectNode n = modules.addObject();
                n.put("name", m.name());
                n.put("kind", m.kind());
                n.put("forward", m.forwardMs());
                n.put("backward", m.backwardMs());
            }
            parts.put("loss", b.lossMs());
            parts.put("optimizer", b.optimizerMs());
            parts.put("total", b.totalMs());
        }
        root.put("peak_backend_bytes", r.peakBackendBytes());
        root.put("peak_process_bytes", r.peakProcessBytes());
        return JSON.writeValueAsString(root);
    }

    private static void rate(ObjectNode n, Throughput t) {
        n.put("images_per_second", t.median());
        n.put("slowest_window", t.min());
        n.put("fastest_window", t.max());
        n.put("images_per_window", t.imagesPerWindow());
        ArrayNode windows = n.putArray("windows_images_per_second");
        for (double w : t.perWindow()) {
            windows.add(w);
        }
    }
}
