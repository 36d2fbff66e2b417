package dev.gargoyle.train;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gargoyle.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates a safetensors file: every check the reference implementation makes (header
 * bounds, JSON, dtype sizes against shapes, offsets in range, contiguous and not overlapping) fails
 * with a {@link CheckpointException} naming the file and the tensor.
 */
final class SafetensorsReader {
    /** The reference implementation's limit; it keeps a corrupt length from allocating gigabytes. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final int CHUNK_BYTES = 1 << 20;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Source element types and their sizes; all but I64 are read into float. */
    private enum SourceType {
        F32(4), F64(8), F16(2), BF16(2), I64(8);

        final int bytes;

        SourceType(int bytes) {
            this.bytes = bytes;
        }
    }

    private record Entry(String name, SourceType type, Shape shape, long begin, long end) {
    }

    private final Path file;

    private SafetensorsReader(Path file) {
        this.file = file;
    }

    static Safetensors.Contents read(Path file) throws IOException {
        return new SafetensorsReader(file).read();
    }

    private Safetensors.Contents read() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < Long.BYTES) {
                throw fail("file is " + size + " bytes, too short for the 8-byte header length");
            }
            long headerLength = readAt(channel, 0, Long.BYTES).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
                throw fail("header length " + Long.toUnsignedString(headerLength) + " is outside [2, "
                        + MAX_HEADER_BYTES + "]");
            }
            if (Long.BYTES + headerLength > size) {
                throw fail("header length " + headerLength + " exceeds the " + (size - Long.BYTES)
                        + " bytes after the length field (truncated file?)");
            }
            JsonNode header = parseHeader(readAt(channel, Long.BYTES, (int) headerLength));
            long dataStart = Long.BYTES + headerLength;
            long dataLength = size - dataStart;

            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : header.properties()) {
                if (field.getKey().equals(Safetensors.METADATA_KEY)) {
                    parseMetadata(field.getValue(), metadata);
                } else {
                    entries.add(parseEntry(field.getKey(), field.getValue(), dataLength));
                }
            }
            checkLayout(entries, dataLength);

            Map<String, TensorData> tensors = new LinkedHashMap<>();
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : entries) {
                tensors.put(e.name, readValues(channel, dataStart, e, chunk));
            }
            return new Safetensors.Contents(Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        }
    }

    private JsonNode parseHeader(ByteBuffer bytes) throws CheckpointException {
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            text = chars.toString();
        } catch (CharacterCodingException e) {
            throw fail("header is not valid UTF-8", e);
        }
        if (!text.startsWith("{")) {
            throw fail("header does not start with '{' (not a safetensors file?)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw fail("header is not valid JSON: " + JsonErrors.describe(e), e);
        }
        if (root == null || !root.isObject()) {
            throw fail("header is not a JSON object");
        }
        return root;
    }

    private void parseMetadata(JsonNode node, Map<String, String> out) throws CheckpointException {
        if (!node.isObject()) {
            throw fail(Safetensors.METADATA_KEY + " must be an object of strings, got " + node.getNodeType());
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!field.getValue().isTextual()) {
                throw fail(Safetensors.METADATA_KEY + " value of '" + field.getKey()
                        + "' must be a string, got " + field.getValue().getNodeType());
            }
            out.put(field.getKey(), field.getValue().textValue());
        }
    }

    private Entry parseEntry(String name, JsonNode node, long dataLength) throws CheckpointException {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw fail(where + " must be an object with dtype, shape and data_offsets");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw fail(where + " has no string dtype");
        }
        SourceType type;
        try {
            type = SourceType.valueOf(dtypeNode.textValue());
        } catch (IllegalArgumentException e) {
            throw fail(where + " has dtype " + dtypeNode.textValue() + "; supported: F32, F64, F16, BF16, I64");
        }

        JsonNode shapeNode = node.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw fail(where + " has no shape array");
        }
        int[] dims = new int[shapeNode.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToExactIntegral() || !d.canConvertToInt() || d.asLong() < 0) {
                throw fail(where + " has invalid dimension " + d + " in shape " + shapeNode);
            }
            dims[i] = d.asInt();
        }
        Shape shape = Shape.of(dims);

        JsonNode offsets = node.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2
                || !isOffset(offsets.get(0)) || !isOffset(offsets.get(1))) {
            throw fail(where + " needs data_offsets [begin, end] of non-negative integers, got " + offsets);
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin > end || end > dataLength) {
            throw fail(where + " has data_offsets [" + begin + ", " + end + "] outside the data section of "
                    + dataLength + " bytes");
        }
        long numel = shape.numel();
        if (numel > Integer.MAX_VALUE - 8) {
            throw fail(where + " has " + numel + " elements, more than a Java array holds");
        }
        if (end - begin != numel * type.bytes) {
            throw fail(where + " of dtype " + type + " and shape " + shape + " needs " + numel * type.bytes
                    + " bytes, but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
        }
        return new Entry(name, type, shape, begin, end);
    }

    private static boolean isOffset(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0;
    }

    /** The buffer must be tiled exactly: no overlaps, no gaps, nothing after the last tensor. */
    private void checkLayout(List<Entry> entries, long dataLength) throws CheckpointException {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin < covered) {
                throw fail("tensor '" + e.name + "' [" + e.begin + ", " + e.end + "] overlaps tensor '"
                        + previous.name + "' [" + previous.begin + ", " + previous.end + "]");
            }
            if (e.begin > covered) {
                throw fail("gap of " + (e.begin - covered) + " bytes in the data section before tensor '"
                        + e.name + "' at offset " + e.begin);
            }
            covered = e.end;
            previous = e;
        }
        if (covered != dataLength) {
            throw fail("data section has " + dataLength + " bytes but the tensors cover " + covered);
        }
    }

    private TensorData readValues(FileChannel channel, long dataStart, Entry e, ByteBuffer chunk)
            throws IOException {
        int n = (int) e.shape.numel();
        float[] floats = e.type == SourceType.I64 ? null : new float[n];
        long[] longs = e.type == SourceType.I64 ? new long[n] : null;
        long position = dataStart + e.begin;
        long remaining = e.end - e.begin;
        int index = 0;
        while (remaining > 0) {
            chunk.clear().limit((int) Math.min(remaining, chunk.capacity()));
            readFully(channel, chunk, position);
            chunk.flip();
            position += chunk.remaining();
            remaining -= chunk.remaining();
            while (chunk.hasRemaining()) {
                switch (e.type) {
                    case F32 -> floats[index] = chunk.getFloat();
                    case F64 -> floats[index] = (float) chunk.getDouble();
                    case F16 -> floats[index] = HalfFloats.halfToFloat(chunk.getShort());
                    case BF16 -> floats[index] = Float.intBitsToFloat((chunk.getShort() & 0xffff) << 16);
                    case I64 -> longs[index] = chunk.getLong();
                }
                index++;
            }
        }
        return floats != null ? TensorData.f32(e.shape, floats) : TensorData.i64(e.shape, longs);
    }

    private ByteBuffer readAt(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, buffer, position);
        return buffer.flip();
    }

    private void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw fail("unexpected end of file at byte " + at + " (file changed while reading?)");
            }
            at += read;
        }
    }

    private CheckpointException fail(String problem) {
        return new CheckpointException(file, problem);
    }

    private CheckpointException fail(String problem, Throwable cause) {
        return new CheckpointException(file, problem, cause);
    }
}
