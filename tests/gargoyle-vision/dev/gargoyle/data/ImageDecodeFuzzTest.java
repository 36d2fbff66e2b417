package dev.gargoyle.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any bytes given to image decoding give an 8x8 RGB image or an {@link UnreadableImageException}
 * naming the file, never another exception or a crash of OpenCV, and never a peak of native memory
 * beyond what the pixel limit allows (a 1 KB header may declare gigapixels). {@code mvn verify}
 * replays the corpus in {@code ImageDecodeFuzzTestInputs}; {@code mvn -Pfuzz test
 * -pl java/gargoyle-vision -am -Dtest=ImageDecodeFuzzTest} fuzzes (see the README).
 */
class ImageDecodeFuzzTest {
    private static final int SIZE = 8;
    /** 4 Mpx: 12 MB decoded as BGR, a few times that while converting and resizing. */
    private static final long MAX_PIXELS = 1 << 22;
    /** Resident memory may peak this much above where one input started: far below a refused image's size. */
    private static final long PEAK_HEADROOM = 256L << 20;
    private static final Path FILE = tempFile();

    private static Path tempFile() {
        try {
            Path file = Files.createTempFile("gargoyle-fuzz-", ".img");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A field of /proc/self/status in bytes: VmHWM is the peak resident set, so it sees native memory
     * already freed again; writing 5 to /proc/self/clear_refs brings it back down to VmRSS.
     */
    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no " + field + " in /proc/self/status");
    }

    @FuzzTest(maxDuration = "25s")
    void decodeAnyBytes(byte[] input) throws IOException {
        Files.write(FILE, input);
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        long start = status("VmRSS");
        try {
            assertEquals(SIZE * SIZE * 3, Images.readRgb(FILE, SIZE, MAX_PIXELS).length);
        } catch (UnreadableImageException e) {
            assertTrue(e.getMessage().contains(FILE.toString()) && e.getMessage().lines().count() == 1,
                    "one line naming the file: " + e.getMessage());
        }
        long rise = status("VmHWM") - start;
        assertTrue(rise <= PEAK_HEADROOM, "resident memory peaked " + (rise >> 20) + " MiB above its start");
    }
}
