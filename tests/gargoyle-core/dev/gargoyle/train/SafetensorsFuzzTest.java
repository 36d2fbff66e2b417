package dev.gargoyle.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes given to the safetensors reader give its contents or a {@link CheckpointException} naming
 * the file, never another exception (an {@link OutOfMemoryError} included), and contents no larger
 * than the input justifies: at most two bytes of values per byte of input (F16 read into float),
 * however large the shapes a header declares. {@code mvn verify} replays the corpus in {@code SafetensorsFuzzTestInputs};
 * {@code mvn -Pfuzz test -pl java/gargoyle-core -Dtest=SafetensorsFuzzTest} fuzzes (see the README).
 */
class SafetensorsFuzzTest {
    private static final Path FILE = tempFile();

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("gargoyle-fuzz-", ".safetensors");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "25s")
    void readAnyBytes(byte[] input) throws IOException {
        Files.write(FILE, input);
        try {
            long bytes = 0;
            for (TensorData t : Safetensors.read(FILE).tensors().values()) {
                long values = t.dtype() == TensorData.DType.I64 ? t.longs().length : t.floats().length;
                assertTrue(values == t.numel(), "a tensor holds what its shape says");
                bytes += values * (t.dtype() == TensorData.DType.I64 ? Long.BYTES : Float.BYTES);
            }
            assertTrue(bytes <= 2L * input.length, bytes + " bytes of values from " + input.length + " bytes");
        } catch (CheckpointException e) {
            assertTrue(e.getMessage().startsWith(FILE + ": ") && e.getMessage().lines().count() == 1,
                    "one line naming the file: " + e.getMessage());
        }
    }
}
