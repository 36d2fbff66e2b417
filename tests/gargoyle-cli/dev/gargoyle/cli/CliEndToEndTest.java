package dev.gargoyle.cli;

import static dev.gargoyle.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line on tiny synthetic data: sample-data, train, eval, predict, info, and refused options. */
class CliEndToEndTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void trainATinyModel() {
        String[] data = run("sample-data", dir.resolve("data").toString(), "--per-class", "4", "--size", "16");
        assertEquals("0", data[0], () -> "sample-data: " + data[2]);
        String[] train = run("train", "--data", dir.resolve("data").toString(), "--out", dir.resolve("run").toString(),
                "--epochs", "2", "--batch-size", "8", "--accumulation-steps", "2", "--size", "16", "--device", "cpu",
                "--workers", "2", "--quiet");
        assertEquals("0", train[0], () -> "train: " + train[2]);
        assertTrue((train[1]).contains("macro avg"), train[1]);
    }

    @Test
    void trainLeavesEveryOutput() throws Exception {
        for (String f : new String[] {"config.json", "metrics.jsonl", "metrics.csv", "curves.png", "confusion.png",
            "last.safetensors", "best.safetensors", "last.optimizer.safetensors"}) {
            assertTrue(Files.size(dir.resolve("run").resolve(f)) > 0, f);
        }
        try (Stream<String> lines = Files.lines(dir.resolve("run/metrics.jsonl"))) {
            assertEquals(2, lines.count());
        }
    }

    @Test
    void evalScoresTheCheckpointOnTheTestPart() {
        String[] r = run("eval", "--weights", dir.resolve("run/best.safetensors").toString(), "--data",
                dir.resolve("data").toString(), "--device", "cpu", "--json");
        assertEquals("0", r[0], () -> r[2]);
        assertTrue((r[1]).contains("\"accuracy\""), r[1]);
        assertTrue((r[1]).contains("\"images\" : 10"), r[1]);
    }

    @Test
    void predictPrintsTopKClassesPerImage() throws Exception {
        Path image;
        try (Stream<Path> s = Files.list(dir.resolve("data/test/gargoyle"))) {
            image = s.findFirst().orElseThrow();
        }
        String[] r = run("predict", "--weights", dir.resolve("run/last.safetensors").toString(), "--device", "cpu",
                "--top-k", "2", image.toString());
        assertEquals("0", r[0], () -> r[2]);
        String[] lines = r[1].strip().split("\n");
        assertEquals(3, lines.length, r[1]);
        assertTrue(lines[1].trim().matches("[a-z_]+ +\\d+\\.\\d\\d%"), lines[1]);
    }

    @Test
    void predictReportsAnUnreadableImageAndPredictsTheOthers() throws Exception {
        Path bad = Files.writeString(dir.resolve("not-an-image.png"), "hello");
        Path good;
        try (Stream<Path> s = Files.list(dir.resolve("data/test/vault"))) {
            good = s.findFirst().orElseThrow();
        }
        String[] r = run("predict", "--weights", dir.resolve("run/last.safetensors").toString(), "--device", "cpu",
                good.toString(), bad.toString(), good.toString());
        assertEquals("1", r[0], "a failed image makes the exit code 1");
        assertTrue(r[2].contains("not-an-image.png") && r[2].contains("1 of 3 images could not be read"), r[2]);
        assertEquals(2, r[1].lines().filter(line -> line.equals(good.toString())).count(), r[1]);
    }

    @Test
    void predictRefusesAnImageAboveMaxPixelsBeforeDecodingIt() throws Exception {
        Path image;
        try (Stream<Path> s = Files.list(dir.resolve("data/test/vault"))) {
            image = s.findFirst().orElseThrow();
        }
        String[] r = run("predict", "--weights", dir.resolve("run/last.safetensors").toString(), "--device", "cpu",
                "--max-pixels", "100", image.toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains(image.getFileName().toString()) && r[2].contains("16x16 = 256 pixels, above the "
                + "limit of 100"), r[2]);
        String[] usage = run("predict", "--weights", dir.resolve("run/last.safetensors").toString(), "--max-pixels",
                "0", image.toString());
        assertEquals("2", usage[0], usage[2]);
        assertTrue(usage[2].contains("--max-pixels must be at least 1, got 0"), usage[2]);
    }

    @Test
    void anOutThatIsAFileIsRefusedAndKept() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "keep me");
        String[] r = run("train", "--data", dir.resolve("data").toString(), "--out", file.toString(), "--epochs", "1",
                "--size", "16", "--device", "cpu", "--quiet");
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("--out " + file + " is a file; expected a directory for the run"), r[2]);
        assertEquals("keep me", Files.readString(file));
    }

    /** A malformed checkpoint is one line naming the file and what is wrong, without the JSON parser's internals. */
    @Test
    void aMalformedCheckpointIsOneLineNamingTheFile() throws Exception {
        byte[] header = "{\"a\": [1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + header.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        Path bad = Files.write(dir.resolve("broken.safetensors"), b.putLong(header.length).put(header).array());
        String[] r = run("eval", "--weights", bad.toString(), "--data", dir.resolve("data").toString(), "--device",
                "cpu");
        assertEquals("1", r[0], r[2]);
        List<String> errors = r[2].lines().filter(line -> !line.startsWith("[")).toList();
        assertEquals(List.of("gargoyle eval: error: " + bad + ": header is not valid JSON: Unexpected end-of-input: "
                + "expected close marker for Array at line 1, column 9"), errors);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--batch-size=0", "--accumulation-steps=0", "--lr=-1", "--device=tpu", "--size=20",
        "--optimizer=rmsprop", "--epochs=0", "--class-weights=heavy", "--class-weights=1,0", "--sampler=round-robin",
        "--max-pixels=0", "--cache-limit=-1"})
    void invalidTrainOptionsAreUsageErrors(String option) {
        String[] r = run("train", option, "--data", dir.resolve("data").toString(), "--out",
                dir.resolve("never").toString());
        assertEquals("2", r[0], () -> option + ": " + r[2]);
        assertTrue((r[2]).contains("Usage:"), r[2]);
        assertTrue(!Files.exists(dir.resolve("never")), "nothing is written for refused options");
    }

    @Test
    void infoNeverFailsAndExplainsCuda() {
        String[] r = run("info");
        assertEquals("0", r[0], () -> r[2]);
        String out = r[1];
        assertTrue(out.contains("onednn"), out);
        assertTrue(out.contains("cuda"), out);
    }

    /** Checked before the run folder is made: a failure leaves nothing behind to delete by hand. */
    @ParameterizedTest
    @ValueSource(strings = {"--class-weights=1,2,3", "--init=missing.safetensors"})
    void aRunThatCannotStartLeavesNoRunFolder(String option) {
        Path out = dir.resolve("not-started");
        String[] r = run("train", option, "--data", dir.resolve("data").toString(), "--out", out.toString(),
                "--size", "16", "--device", "cpu", "--quiet");
        assertEquals("1", r[0], () -> option + ": " + r[2]);
        String expected = option.substring(0, option.indexOf('=')).equals("--init") ? "missing.safetensors"
                : "--class-weights: 3 weights for 10 classes";
        assertTrue(r[2].contains(expected), r[2]);
        assertTrue(!Files.exists(out), "no run folder for a run that did not start");
    }

    @Test
    void balancingTrainsAndIsSavedForResume() throws Exception {
        Path out = dir.resolve("balanced");
        String[] r = run("train", "--data", dir.resolve("data").toString(), "--out", out.toString(), "--epochs", "1",
                "--batch-size", "8", "--size", "16", "--device", "cpu", "--workers", "2", "--quiet",
                "--class-weights", "balanced", "--sampler", "balanced");
        assertEquals("0", r[0], () -> r[2]);
        String config = Files.readString(out.resolve("config.json"));
        assertTrue(config.contains("\"classWeights\" : \"balanced\"") && config.contains("\"sampler\" : \"balanced\""),
                config);
    }

    @Test
    void resumeKeepsTheSavedOptionsAndNamesEveryConflict() throws Exception {
        Path out = dir.resolve("resumed");
        String data = dir.resolve("data").toString();
        String[] r = run("train", "--data", data, "--out", out.toString(), "--epochs", "2", "--batch-size", "8",
                "--size", "16", "--device", "cpu", "--workers", "2", "--quiet", "--max-steps", "2", "--save-every", "1");
        assertEquals("0", r[0], () -> r[2]);
        assertTrue(r[1].contains("Stopped early after 2 updates. Outputs in " + out
                + ": config.json, metrics.jsonl, metrics.csv, last.safetensors" + System.lineSeparator()), r[1]);

        String[] conflict = run("train", "--resume", out.toString(), "--size", "32", "--data", dir.toString(),
                "--batch-size", "8");
        assertEquals("2", conflict[0], () -> conflict[2]);
        String message = conflict[2].lines().findFirst().orElse("");
        assertTrue(message.contains("--size 32 (the run has 16)") && message.contains("--data " + dir
                + " (the run has " + dir.resolve("data") + ")") && !message.contains("--batch-size"), message);

        String[] rest = run("train", "--resume", out.toString(), "--quiet", "--device", "cpu", "--cache-limit", "0");
        assertEquals("0", rest[0], () -> rest[2]);
        try (Stream<String> lines = Files.lines(out.resolve("metrics.jsonl"))) {
            assertEquals(2, lines.count(), "the saved --epochs 2, not the default 20");
        }
        assertTrue(rest[1].contains("Finished after 10 updates"), rest[1]);   // 2 epochs of 40 images in batches of 8
    }

    @Test
    void missingDataIsAFailureNamingThePath() {
        String[] r = run("train", "--data", dir.resolve("nowhere").toString(), "--out",
                dir.resolve("run-missing").toString(), "--device", "cpu");
        assertEquals("1", r[0]);
        assertTrue((r[2]).contains("nowhere"), r[2]);
    }
}
