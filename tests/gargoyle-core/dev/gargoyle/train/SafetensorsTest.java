package dev.gargoyle.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gargoyle.tensor.Shape;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** Little-endian bytes built by shifting, independent of ByteBuffer. */
    private static void putLongLE(ByteArrayOutputStream out, long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }

    private static void putFloatLE(ByteArrayOutputStream out, float f) {
        int bits = Float.floatToRawIntBits(f);
        for (int i = 0; i < 4; i++) {
            out.write((bits >>> (8 * i)) & 0xff);
        }
    }

    private static byte[] fileBytes(String headerJson, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        putLongLE(out, header.length);
        out.writeBytes(header);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static String pad(String json) {
        int length = json.getBytes(StandardCharsets.UTF_8).length;
        return json + " ".repeat((8 - length % 8) % 8);
    }

    private static Map<String, TensorData> sampleTensors() {
        Random random = new Random(7);
        float[] w = new float[4 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("features.0.weight", TensorData.f32(Shape.of(4, 3, 3, 3), w));
        tensors.put("features.0.bias", TensorData.f32(Shape.of(4), new float[] {0f, -1.5f, Float.NaN, 3e-41f}));
        tensors.put("features.1.num_batches_tracked", TensorData.i64(Shape.of(), new long[] {123456789012L}));
        tensors.put("empty", TensorData.f32(Shape.of(0, 5), new float[0]));
        tensors.put("classifier.1.weight", TensorData.f32(Shape.of(2, 3), new float[] {1, 2, 3, 4, 5, 6}));
        return tensors;
    }

    @Test
    void roundTripKeepsValuesOrderAndMetadata() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Map<String, TensorData> tensors = sampleTensors();
        Map<String, String> metadata = Map.of("format", "pt", "epoch", "3", "config", "{\"lr\": 0.1}");
        Safetensors.write(file, tensors, metadata);

        Safetensors.Contents read = Safetensors.read(file);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(read.tensors().keySet()));
        for (String name : tensors.keySet()) {
            assertEquals(tensors.get(name), read.tensor(name), name);
        }
        assertEquals(metadata, read.metadata());
        assertEquals(123456789012L, read.tensor("features.1.num_batches_tracked").longs()[0]);
        assertTrue(Float.isNaN(read.tensor("features.0.bias").floats()[2]));
        assertEquals(0, (Files.size(file) - 8 - headerLength(file)) % 4);
        assertEquals(0, (8 + headerLength(file)) % 8, "data section must start 8-byte aligned");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    private static long headerLength(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        long n = 0;
        for (int i = 7; i >= 0; i--) {
            n = (n << 8) | (b[i] & 0xff);
        }
        return n;
    }

    @Test
    void writerProducesTheGoldenBytes() throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        tensors.put("w", TensorData.f32(Shape.of(2, 2), new float[] {1f, -2f, 0.5f, 3.25f}));
        tensors.put("n", TensorData.i64(Shape.of(), new long[] {-2L}));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");

        String header = pad("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[16,24]}}");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (float f : new float[] {1f, -2f, 0.5f, 3.25f}) {
            putFloatLE(data, f);
        }
        putLongLE(data, -2L);
        byte[] expected = fileBytes(header, data.toByteArray());
        // Spot-check the independent encoding itself: 1.0f is 0x3f800000, -2 is all ones but the lowest bit.
        assertEquals((byte) 0x3f, expected[8 + header.length() + 3]);
        assertEquals((byte) 0xfe, expected[8 + header.length() + 16]);

        Path file = dir.resolve("golden.safetensors");
        Safetensors.write(file, tensors, metadata);
        byte[] actual = Files.readAllBytes(file);
        assertEquals(new String(expected, 8, header.length(), StandardCharsets.UTF_8),
                new String(actual, 8, Math.min(header.length(), actual.length - 8), StandardCharsets.UTF_8));
        assertArrayEquals(expected, actual);
    }

    @Test
    void readsAFileBuiltByteByByteInAnotherWritersOrder() throws IOException {
        // Like the reference writer: metadata absent, tensors sorted by name, offsets not in header order,
        // extra whitespace in the JSON, and the lossy dtypes converted to float.
        String header = pad("{ \"b\": {\"dtype\": \"F16\", \"shape\": [3], \"data_offsets\": [24, 30]},\n"
                + "  \"a\": {\"dtype\": \"F32\", \"shape\": [1, 2], \"data_offsets\": [0, 8]},\n"
                + "  \"c\": {\"dtype\": \"F64\", \"shape\": [2], \"data_offsets\": [8, 24]},\n"
                + "  \"d\": {\"dtype\": \"BF16\", \"shape\": [2], \"data_offsets\": [30, 34]}}");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        putFloatLE(data, 7.5f);
        putFloatLE(data, -0.125f);
        putLongLE(data, Double.doubleToLongBits(0.1));
        putLongLE(data, Double.doubleToLongBits(-1e300));
        // F16: 1.0 = 0x3c00, -2.0 = 0xc000, smallest subnormal 2^-24 = 0x0001.
        data.writeBytes(new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0, 0x01, 0x00});
        // BF16: upper halves of float32 1.0 (0x3f80) and -3.0 (0xc040).
        data.writeBytes(new byte[] {(byte) 0x80, 0x3f, 0x40, (byte) 0xc0});
        Path file = dir.resolve("foreign.safetensors");
        Files.write(file, fileBytes(header, data.toByteArray()));

        Safetensors.Contents read = Safetensors.read(file);
        assertEquals(List.of("b", "a", "c", "d"), List.copyOf(read.tensors().keySet()));
        assertEquals(Map.of(), read.metadata());
        assertArrayEquals(new float[] {7.5f, -0.125f}, read.tensor("a").floats());
        assertEquals(Shape.of(1, 2), read.tensor("a").shape());
        assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY}, read.tensor("c").floats());
        assertArrayEquals(new float[] {1f, -2f, (float) Math.pow(2, -24)}, read.tensor("b").floats());
        assertArrayEquals(new float[] {1f, -3f}, read.tensor("d").floats());
        assertEquals(TensorData.DType.F32, read.tensor("b").dtype());
    }

    @Test
    void halfFloatsMatchTheIeeeDefinition() {
        // Every finite half: (-1)^s * 2^(e-15) * (1 + m/1024), subnormals 2^-14 * m/1024, computed in double.
        for (int bits = 0; bits < 0x10000; bits++) {
            int e = (bits >>> 10) & 0x1f;
            int m = bits & 0x3ff;
            double sign = (bits & 0x8000) != 0 ? -1 : 1;
            float got = HalfFloats.halfToFloat((short) bits);
            if (e == 0x1f) {
                assertTrue(m == 0 ? Float.isInfinite(got) && Math.signum(got) == sign : Float.isNaN(got));
                continue;
            }
            double expected = e == 0 ? sign * Math.pow(2, -14) * m / 1024.0
                    : sign * Math.pow(2, e - 15) * (1 + m / 1024.0);
            assertEquals((float) expected, got, 0f, "half 0x" + Integer.toHexString(bits));
            assertEquals(sign < 0, (Float.floatToRawIntBits(got) & 0x80000000) != 0, "sign of zero too");
        }
    }

    private CheckpointException readCorrupt(String name, byte[] bytes) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Safetensors.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1 && !e.getMessage().contains("Source:"),
                "one line, no parser internals: " + e.getMessage());
        return e;
    }

    private static void assertMentions(Exception e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    @Test
    void truncatedFilesAreRejected() throws IOException {
        Path good = dir.resolve("good.safetensors");
        Safetensors.write(good, sampleTensors(), Map.of());
        byte[] bytes = Files.readAllBytes(good);

        assertMentions(readCorrupt("short.safetensors", Arrays.copyOf(bytes, 5)), "too short");
        assertMentions(readCorrupt("header.safetensors", Arrays.copyOf(bytes, 40)), "exceeds", "truncated");
        assertMentions(readCorrupt("data.safetensors", Arrays.copyOf(bytes, bytes.length - 4)),
                "classifier.1.weight", "outside the data section");
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 4);
        assertMentions(readCorrupt("long.safetensors", longer), "cover");
    }

    @Test
    void badHeaderLengthAndBadJsonAreRejected() throws IOException {
        ByteArrayOutputStream huge = new ByteArrayOutputStream();
        putLongLE(huge, -1L);
        huge.writeBytes("{}      ".getBytes(StandardCharsets.UTF_8));
        assertMentions(readCorrupt("huge.safetensors", huge.toByteArray()), "header length 18446744073709551615");

        Path json = dir.resolve("json.safetensors");
        assertEquals(json + ": header is not valid JSON: Unexpected end-of-input within/between Object "
                + "entries at line 1, column 25", readCorrupt("json.safetensors", fileBytes(pad("{\"a\": {\"dtype\": \"F32\","),
                new byte[0])).getMessage());
        assertMentions(readCorrupt("array.safetensors", fileBytes(pad("[1, 2]"), new byte[0])), "'{'");
        assertMentions(readCorrupt("dup.safetensors", fileBytes(pad(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}"), new byte[4])),
                "Duplicate field 'a'");
        assertMentions(readCorrupt("meta.safetensors", fileBytes(pad("{\"__metadata__\":{\"epoch\":3}}"),
                new byte[0])), "epoch", "must be a string");
    }

    @Test
    void inconsistentEntriesAreRejectedNamingTheTensor() throws IOException {
        assertMentions(readCorrupt("overlap.safetensors", fileBytes(pad(
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}"), new byte[12])),
                "'y' [4, 12] overlaps tensor 'x' [0, 8]");
        assertMentions(readCorrupt("gap.safetensors", fileBytes(pad(
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}"), new byte[8])),
                "gap of 4 bytes", "'x'");
        assertMentions(readCorrupt("size.safetensors", fileBytes(pad(
                "{\"x\":{\"dtype\":\"I64\",\"shape\":[2,2],\"data_offsets\":[0,16]}}"), new byte[16])),
                "'x'", "I64", "[2, 2]", "needs 32 bytes");
        assertMentions(readCorrupt("dtype.safetensors", fileBytes(pad(
                "{\"x\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}"), new byte[4])),
                "'x'", "dtype I32");
        assertMentions(readCorrupt("dims.safetensors", fileBytes(pad(
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}"), new byte[4])),
                "'x'", "invalid dimension -1");
        assertMentions(readCorrupt("offsets.safetensors", fileBytes(pad(
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}"), new byte[4])),
                "'x'", "[4, 0]");
    }

    @Test
    void failedWriteLeavesTheOldFileIntactAndNoTempFile() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        Safetensors.write(file, sampleTensors(), Map.of("epoch", "1"));
        byte[] before = Files.readAllBytes(file);

        IOException boom = assertThrows(IOException.class, () -> AtomicFiles.write(file, channel -> {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", boom.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(file, channel -> {
            channel.write(java.nio.ByteBuffer.wrap(new byte[100]));
            throw new IllegalStateException("value source failed (simulated)");
        }));
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "temporary files are removed");
        }
        assertEquals("1", Safetensors.read(file).metadata().get("epoch"));
    }

    @Test
    void writtenFilesGetTheUsualPermissionsNotTheTempFileOnes() throws IOException {
        Path reference = Files.createFile(dir.resolve("reference"));
        Path file = dir.resolve("perm.safetensors");
        Safetensors.write(file, sampleTensors(), Map.of());
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(file));
    }

    @Test
    void failedRenameLeavesNoTempFile() throws IOException {
        // A non-empty directory at the target makes the final rename fail after all data was written.
        Path target = dir.resolve("blocked.safetensors");
        Files.createDirectories(target.resolve("child"));
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Safetensors.write(target, sampleTensors(), Map.of()));
        assertTrue(e.getMessage().startsWith(target + ": cannot write: "), e.getMessage());
        assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
    }

    @Test
    void shapeCheckListsEveryProblemAtOnce() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Map<String, Shape> expected = new LinkedHashMap<>();
        expected.put("features.0.weight", Shape.of(4, 3, 3, 3));
        expected.put("features.0.bias", Shape.of(8));
        expected.put("features.1.num_batches_tracked", Shape.of());
        expected.put("features.1.running_mean", Shape.of(4));
        expected.put("classifier.1.weight", Shape.of(3, 2));
        Map<String, TensorData> actual = sampleTensors();
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Safetensors.requireShapes(file, expected, actual));
        assertMentions(e, file.toString(), "1 missing, 1 unexpected, 2 mis-shaped",
                "missing    features.1.running_mean [4]",
                "unexpected empty [0, 5]",
                "mis-shaped features.0.bias: file has [4], expected [8]",
                "mis-shaped classifier.1.weight: file has [2, 3], expected [3, 2]");
        assertEquals(5, e.getMessage().split("\n").length);

        expected.remove("features.1.running_mean");
        expected.put("features.0.bias", Shape.of(4));
        expected.put("classifier.1.weight", Shape.of(2, 3));
        expected.put("empty", Shape.of(0, 5));
        Safetensors.requireShapes(file, expected, actual);
    }

    /** A tiny independent reader (Python's json + struct), as PyTorch users would parse the format. */
    private static final String PYTHON_READER = String.join("\n",
            "import json, struct, sys",
            "b = open(sys.argv[1], 'rb').read()",
            "n = struct.unpack('<Q', b[:8])[0]",
            "assert (8 + n) % 8 == 0, 'data not aligned'",
            "h = json.loads(b[8:8 + n].decode('utf-8'))",
            "meta = h.pop('__metadata__', {})",
            "data = b[8 + n:]",
            "out = {}",
            "end = 0",
            "for k, v in h.items():",
            "    s, e = v['data_offsets']",
            "    assert s == end, 'not contiguous in header order'",
            "    end = e",
            "    fmt = {'F32': 'I', 'I64': 'q'}[v['dtype']]",
            "    count = 1",
            "    for d in v['shape']: count *= d",
            "    assert e - s == count * struct.calcsize(fmt)",
            "    out[k] = {'dtype': v['dtype'], 'shape': v['shape'],",
            "              'bits': list(struct.unpack('<%d%s' % (count, fmt), data[s:e]))}",
            "assert end == len(data)",
            "print(json.dumps({'metadata': meta, 'tensors': out}))");

    @Test
    void anIndependentPythonReaderParsesTheWrittenFile() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 not installed");
        Path file = dir.resolve("py.safetensors");
        Map<String, TensorData> tensors = sampleTensors();
        Safetensors.write(file, tensors, Map.of("format", "pt"));
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", PYTHON_READER, file.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);

        JsonNode root = new ObjectMapper().readTree(output);
        assertEquals("pt", root.get("metadata").get("format").asText());
        JsonNode read = root.get("tensors");
        assertEquals(List.copyOf(tensors.keySet()), read.properties().stream().map(Map.Entry::getKey).toList());
        tensors.forEach((name, t) -> {
            JsonNode node = read.get(name);
            assertEquals(t.dtype().name(), node.get("dtype").asText(), name);
            int[] shape = new int[node.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = node.get("shape").get(i).asInt();
            }
            assertEquals(t.shape(), Shape.of(shape), name);
            JsonNode bits = node.get("bits");
            for (int i = 0; i < t.numel(); i++) {
                if (t.dtype() == TensorData.DType.F32) {
                    assertEquals(Float.floatToRawIntBits(t.floats()[i]), (int) bits.get(i).asLong(), name + "[" + i + "]");
                } else {
                    assertEquals(t.longs()[i], bits.get(i).asLong(), name + "[" + i + "]");
                }
            }
        });
    }
}
