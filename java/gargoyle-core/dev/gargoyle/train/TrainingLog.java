package dev.gargoyle.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-epoch log of a run directory: {@value #JSONL} (one JSON object per epoch, with per-class
 * scores and confusion matrices) and {@value #CSV} (one row of headline numbers per epoch, for
 * spreadsheets). Each {@link #append} reaches the disk before it returns, so a crash loses at most the
 * epoch in progress; {@link #resume} reopens a run after its last checkpointed epoch.
 */
public final class TrainingLog {
    public static final String JSONL = "metrics.jsonl";
    public static final String CSV = "metrics.csv";
    static final String CSV_HEADER = "epoch,step,lr,train_loss,train_accuracy,train_precision,train_recall,"
            + "train_f1,test_loss,test_accuracy,test_precision,test_recall,test_f1,epoch_seconds,images_per_second";
    private static final Logger log = LoggerFactory.getLogger(TrainingLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path jsonl;
    private final Path csv;
    private final List<EpochRecord> records;

    private TrainingLog(Path dir, List<EpochRecord> records) {
        this.jsonl = dir.resolve(JSONL);
        this.csv = dir.resolve(CSV);
        this.records = records;
    }

    /** Starts an empty log in {@code runDir} (created if needed), replacing any earlier log there. */
    public static TrainingLog create(Path runDir) {
        TrainingLog log = new TrainingLog(runDir, new ArrayList<>());
        log.rewrite();
        return log;
    }

    /**
     * Reopens the log in {@code runDir} to continue after epoch {@code lastEpoch}: records of later epochs
     * (written after the checkpoint being resumed) and a torn last line are dropped, and both files are
     * rewritten to match.
     */
    public static TrainingLog resume(Path runDir, int lastEpoch) {
        Path file = runDir.resolve(JSONL);
        List<EpochRecord> kept = new ArrayList<>();
        if (Files.exists(file)) {
            for (EpochRecord r : read(file)) {
                if (r.epoch() <= lastEpoch) {
                    kept.add(r);
                }
            }
        } else {
            log.warn("{} does not exist; resuming after epoch {} with an empty log", file, lastEpoch);
        }
        int last = kept.isEmpty() ? 0 : kept.get(kept.size() - 1).epoch();
        if (last != lastEpoch) {
            log.warn("{} ends at epoch {}, but training resumes after epoch {}", file, last, lastEpoch);
        }
        TrainingLog log = new TrainingLog(runDir, kept);
        log.rewrite();
        return log;
    }

    /**
     * Reads every record of a {@value #JSONL} file. An unreadable last line is taken for a write cut short
     * by a crash and skipped with a warning; an unreadable line elsewhere is an error naming file and line.
     */
    public static List<EpochRecord> read(Path jsonlFile) {
        List<String> lines;
        try {
            lines = Files.readAllLines(jsonlFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CheckpointException.io(jsonlFile, "read", e);
        }
        List<EpochRecord> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(EpochRecordJson.fromJson(JSON.readTree(line)));
            } catch (JsonProcessingException | IllegalArgumentException e) {
                String problem = "line " + (i + 1) + ": not an epoch record: " + (e instanceof JsonProcessingException j
                        ? JsonErrors.describe(j) : e.getMessage());
                if (i == lines.size() - 1) {
                    log.warn("{}:{} (ignoring a torn last line)", jsonlFile, problem);
                } else {
                    throw new CheckpointException(jsonlFile, problem, e);
                }
            }
        }
        return out;
    }

    /**
     * Appends one epoch to both files and forces them to disk; epochs must increase.
     *
     * @throws CheckpointException naming the file that could not be written (a full disk, say)
     */
    public void append(EpochRecord record) {
        if (!records.isEmpty() && record.epoch() <= records.get(records.size() - 1).epoch()) {
            throw new IllegalArgumentException("training log: epoch " + record.epoch() + " after epoch "
                    + records.get(records.size() - 1).epoch());
        }
        appendLine(jsonl, EpochRecordJson.toJson(record).toString());
        appendLine(csv, csvRow(record));
        records.add(record);
    }

    /** Every epoch logged so far, including those kept by {@link #resume}; unmodifiable. */
    public List<EpochRecord> records() {
        return Collections.unmodifiableList(records);
    }

    public Path jsonlFile() {
        return jsonl;
    }

    public Path csvFile() {
        return csv;
    }

    private void rewrite() {
        StringBuilder lines = new StringBuilder();
        StringBuilder rows = new StringBuilder(CSV_HEADER).append('\n');
        for (EpochRecord r : records) {
            lines.append(EpochRecordJson.toJson(r).toString()).append('\n');
            rows.append(csvRow(r)).append('\n');
        }
        writeAtomically(jsonl, lines.toString());
        writeAtomically(csv, rows.toString());
    }

    private static void writeAtomically(Path file, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try {
            AtomicFiles.write(file, channel -> AtomicFiles.writeFully(channel, ByteBuffer.wrap(bytes)));
        } catch (IOException e) {
            throw CheckpointException.io(file, "write", e);
        }
    }

    /** One write of the whole line, so a crash tears at most this line; then fsync. */
    private static void appendLine(Path file, String line) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            AtomicFiles.writeFully(channel, ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        } catch (IOException e) {
            throw CheckpointException.io(file, "append to", e);
        }
    }

    static String csvRow(EpochRecord r) {
        StringBuilder row = new StringBuilder().append(r.epoch()).append(',').append(r.step()).append(',')
                .append(number(r.lr()));
        for (MetricsSummary s : new MetricsSummary[] {r.train(), r.test()}) {
            for (double v : s == null ? new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN}
                    : new double[] {s.loss(), s.accuracy(), s.precision(), s.recall(), s.f1()}) {
                row.append(',').append(number(v));
            }
        }
        return row.append(',').append(number(r.epochSeconds())).append(',').append(number(r.imagesPerSecond()))
                .toString();
    }

    /** Shortest decimal that reads back exactly; a missing value (NaN) is an empty cell. */
    private static String number(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }
}
