package dev.gargoyle.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingLogTest {
    @TempDir
    Path dir;

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    @Test
    void eachAppendIsOnDiskAsJsonLineAndCsvRow() throws IOException {
        List<EpochRecord> records = FakeRuns.records(3, 4, 1);
        TrainingLog log = TrainingLog.create(dir.resolve("run"));
        assertEquals(List.of(TrainingLog.CSV_HEADER), lines(log.csvFile()));
        assertEquals(List.of(), lines(log.jsonlFile()));

        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < records.size(); i++) {
            EpochRecord r = records.get(i);
            log.append(r);
            // Visible to another reader at once, without closing or flushing anything.
            List<String> jsonLines = lines(log.jsonlFile());
            List<String> csvLines = lines(log.csvFile());
            assertEquals(i + 1, jsonLines.size());
            assertEquals(i + 2, csvLines.size());

            JsonNode node = json.readTree(jsonLines.get(i));
            assertEquals(r.epoch(), node.get("epoch").asInt());
            assertEquals(r.step(), node.get("step").asLong());
            assertEquals(r.lr(), node.get("lr").asDouble());
            assertEquals(r.imagesPerSecond(), node.get("images_per_second").asDouble());
            assertEquals(r.test().f1(), node.get("test").get("f1").asDouble());
            assertEquals(r.train().loss(), node.get("train").get("loss").asDouble());
            assertEquals(r.test().support()[2], node.get("test").get("support").get(2).asLong());
            assertEquals(r.train().classRecall()[3], node.get("train").get("class_recall").get(3).asDouble());
            assertEquals(r.test().confusion()[1][0], node.get("test").get("confusion").get(1).get(0).asLong());

            String[] cells = csvLines.get(i + 1).split(",", -1);
            String[] header = TrainingLog.CSV_HEADER.split(",");
            assertEquals(header.length, cells.length);
            double[] expected = {r.epoch(), r.step(), r.lr(), r.train().loss(), r.train().accuracy(),
                r.train().precision(), r.train().recall(), r.train().f1(), r.test().loss(), r.test().accuracy(),
                r.test().precision(), r.test().recall(), r.test().f1(), r.epochSeconds(), r.imagesPerSecond()};
            for (int c = 0; c < header.length; c++) {
                assertEquals(expected[c], Double.parseDouble(cells[c]), header[c]);
            }
        }
        assertEquals(records, log.records());
        assertEquals(records, TrainingLog.read(log.jsonlFile()));
    }

    /** A full disk (Linux's /dev/full behind metrics.csv) is an error naming the file that could not be written. */
    @Test
    void aFullDiskNamesTheFileThatCouldNotBeWritten() throws IOException {
        Path full = Path.of("/dev/full");
        Assumptions.assumeTrue(Files.isWritable(full), "needs Linux's /dev/full");
        List<EpochRecord> records = FakeRuns.records(2, 4, 1);
        TrainingLog log = TrainingLog.create(dir);
        log.append(records.get(0));
        Files.delete(log.csvFile());
        Files.createSymbolicLink(log.csvFile(), full);
        CheckpointException e = assertThrows(CheckpointException.class, () -> log.append(records.get(1)));
        assertEquals(log.csvFile() + ": cannot append to: No space left on device", e.getMessage());
    }

    @Test
    void missingValuesBecomeNullAndEmptyCells() throws IOException {
        Metrics noLoss = new Metrics(2);
        noLoss.confusion().add(1, 1);
        EpochRecord r = new EpochRecord(1, 10, 0.01, noLoss.summary(), null, 1.5, 8);
        TrainingLog log = TrainingLog.create(dir);
        log.append(r);
        JsonNode node = new ObjectMapper().readTree(lines(log.jsonlFile()).get(0));
        assertTrue(node.get("train").get("loss").isNull());
        assertTrue(node.get("test").isNull());
        assertEquals("1,10,0.01,,1.0,1.0,1.0,1.0,,,,,,1.5,8.0", lines(log.csvFile()).get(1));
        EpochRecord back = TrainingLog.read(log.jsonlFile()).get(0);
        assertEquals(r, back);
        assertTrue(Double.isNaN(back.train().loss()));
    }

    @Test
    void resumeDropsLaterEpochsAndContinues() throws IOException {
        List<EpochRecord> records = FakeRuns.records(5, 3, 2);
        TrainingLog first = TrainingLog.create(dir);
        for (EpochRecord r : records.subList(0, 4)) {
            first.append(r);
        }
        TrainingLog resumed = TrainingLog.resume(dir, 2);
        assertEquals(records.subList(0, 2), resumed.records());
        assertEquals(2, lines(resumed.jsonlFile()).size());
        assertEquals(3, lines(resumed.csvFile()).size());

        List<EpochRecord> replacement = FakeRuns.records(4, 3, 99).subList(2, 4);
        for (EpochRecord r : replacement) {
            resumed.append(r);
        }
        List<String> csv = lines(resumed.csvFile());
        assertEquals(1, csv.stream().filter(TrainingLog.CSV_HEADER::equals).count(), "header once");
        assertEquals(List.of("1", "2", "3", "4"), csv.subList(1, 5).stream().map(l -> l.split(",")[0]).toList());
        List<EpochRecord> all = TrainingLog.read(resumed.jsonlFile());
        assertEquals(records.subList(0, 2), all.subList(0, 2));
        assertEquals(replacement, all.subList(2, 4));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left");
        }
    }

    @Test
    void resumeSkipsATornLastLineButNotACorruptMiddleLine() throws IOException {
        TrainingLog log = TrainingLog.create(dir);
        for (EpochRecord r : FakeRuns.records(2, 2, 3)) {
            log.append(r);
        }
        Files.writeString(log.jsonlFile(), "{\"epoch\":3,\"step\":15", StandardOpenOption.APPEND);
        TrainingLog resumed = TrainingLog.resume(dir, 3);
        assertEquals(2, resumed.records().size());
        assertEquals(2, lines(resumed.jsonlFile()).size());

        List<String> content = lines(log.jsonlFile());
        Files.write(log.jsonlFile(), List.of(content.get(0), "{\"epoch\": \"oops\"}", content.get(1)));
        CheckpointException e = assertThrows(CheckpointException.class, () -> TrainingLog.resume(dir, 2));
        assertTrue(e.getMessage().startsWith(log.jsonlFile() + ": line 2: not an epoch record"), e.getMessage());
    }

    @Test
    void resumeWithoutALogStartsEmpty() throws IOException {
        TrainingLog log = TrainingLog.resume(dir.resolve("fresh"), 4);
        assertEquals(List.of(), log.records());
        assertEquals(List.of(TrainingLog.CSV_HEADER), lines(log.csvFile()));
    }

    @Test
    void epochsMustIncrease() throws IOException {
        TrainingLog log = TrainingLog.create(dir);
        EpochRecord r = FakeRuns.records(1, 2, 4).get(0);
        log.append(r);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.append(r));
        assertEquals("training log: epoch 1 after epoch 1", e.getMessage());
        assertEquals(1, lines(log.jsonlFile()).size());
    }
}
