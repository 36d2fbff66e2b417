package dev.gargoyle.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gargoyle.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format,
 * the checkpoint format PyTorch users share weights in: an 8-byte little-endian header length, a JSON
 * header naming each tensor's dtype, shape and byte range, then the little-endian values.
 *
 * <p>Writes are atomic (see {@link AtomicFiles}); reads validate the whole file before returning.
 */
public final class Safetensors {
    /** The header key of the string-to-string metadata map. */
    public static final String METADATA_KEY = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_BYTES = 1 << 20;

    /**
     * A file's tensors (in header order, unmodifiable) and its metadata. F64, F16 and BF16 tensors are
     * converted to F32 on reading.
     */
    public record Contents(Map<String, TensorData> tensors, Map<String, String> metadata) {
        /** The tensor called {@code name}; throws {@link IllegalArgumentException} if there is none. */
        public TensorData tensor(String name) {
            TensorData t = tensors.get(name);
            if (t == null) {
                throw new IllegalArgumentException("no tensor '" + name + "' among " + tensors.keySet());
            }
            return t;
        }
    }

    private Safetensors() {
    }

    /**
     * Writes {@code tensors} in iteration order, contiguous, with {@code metadata} (may be empty) under
     * {@value #METADATA_KEY}, replacing {@code file} atomically.
     */
    public static void write(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) {
        byte[] header = header(file, tensors, metadata);
        List<TensorData> values = new ArrayList<>(tensors.values());
        try {
            AtomicFiles.write(file, channel -> {
                ByteBuffer prefix = ByteBuffer.allocate(Long.BYTES + header.length).order(ByteOrder.LITTLE_ENDIAN);
                prefix.putLong(header.length).put(header).flip();
                AtomicFiles.writeFully(channel, prefix);
                ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (TensorData t : values) {
                    writeValues(channel, t, chunk);
                }
            });
        } catch (IOException e) {
            throw CheckpointException.io(file, "write", e);
        }
    }

    /**
     * Reads and validates the whole file; a missing, unreadable or malformed file raises
     * {@link CheckpointException}.
     */
    public static Contents read(Path file) {
        try {
            return SafetensorsReader.read(file);
        } catch (IOException e) {
            throw CheckpointException.io(file, "read", e);
        }
    }

    /**
     * Checks that {@code actual} (read from {@code file}) holds exactly the tensors of {@code expected}
     * with those shapes; otherwise throws one {@link CheckpointException} listing every missing,
     * unexpected and mis-shaped tensor.
     */
    public static void requireShapes(Path file, Map<String, Shape> expected, Map<String, TensorData> actual) {
        List<String> missing = new ArrayList<>();
        List<String> misShaped = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        expected.forEach((name, shape) -> {
            TensorData t = actual.get(name);
            if (t == null) {
                missing.add("  missing    " + name + " " + shape);
            } else if (!t.shape().equals(shape)) {
                misShaped.add("  mis-shaped " + name + ": file has " + t.shape() + ", expected " + shape);
            }
        });
        actual.forEach((name, t) -> {
            if (!expected.containsKey(name)) {
                unexpected.add("  unexpected " + name + " " + t.shape());
            }
        });
        if (missing.isEmpty() && misShaped.isEmpty() && unexpected.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("tensors do not match the expected ones (")
                .append(missing.size()).append(" missing, ")
                .append(unexpected.size()).append(" unexpected, ")
                .append(misShaped.size()).append(" mis-shaped):");
        for (List<String> lines : List.of(missing, unexpected, misShaped)) {
            lines.forEach(line -> message.append('\n').append(line));
        }
        throw new CheckpointException(file, message.toString());
    }

    /** The JSON header, padded with spaces so the data section starts 8-byte aligned. */
    private static byte[] header(Path file, Map<String, TensorData> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            metadata.forEach((k, v) -> meta.put(Objects.requireNonNull(k, "metadata key"),
                    Objects.requireNonNull(v, () -> "metadata value of '" + k + "'")));
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            String name = e.getKey();
            TensorData t = e.getValue();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY) || t == null) {
                throw new IllegalArgumentException("cannot write " + file + ": invalid tensor name '" + name
                        + "' or missing values");
            }
            long bytes = t.numel() * t.dtype().bytes();
            ObjectNode node = root.putObject(name);
            node.put("dtype", t.dtype().name());
            ArrayNode dims = node.putArray("shape");
            Arrays.stream(t.shape().dims()).forEach(dims::add);
            node.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the header of " + file, e);
        }
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void writeValues(FileChannel channel, TensorData t, ByteBuffer chunk) throws IOException {
        int n = (int) t.numel();
        int perChunk = chunk.capacity() / t.dtype().bytes();
        float[] floats = t.dtype() == TensorData.DType.F32 ? t.floats() : null;
        long[] longs = t.dtype() == TensorData.DType.I64 ? t.longs() : null;
        for (int start = 0; start < n; start += perChunk) {
            int count = Math.min(perChunk, n - start);
            chunk.clear();
            if (floats != null) {
                chunk.asFloatBuffer().put(floats, start, count);
            } else {
                chunk.asLongBuffer().put(longs, start, count);
            }
            chunk.limit(count * t.dtype().bytes());
            AtomicFiles.writeFully(channel, chunk);
        }
    }
}
