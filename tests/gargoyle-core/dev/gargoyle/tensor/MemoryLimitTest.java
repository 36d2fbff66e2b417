package dev.gargoyle.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.reference.ReferenceBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An embedder with a small heap: JavaCPP caps native memory at -Xmx unless told otherwise, so a
 * 200 MB tensor under -Xmx64m fails, naming the limit and the properties that raise it; with them
 * raised it succeeds. Each case runs in a JVM of its own (the limits are read once per JVM).
 */
class MemoryLimitTest {
    private static final long BYTES = 200L << 20;

    /** Allocates {@link #BYTES} of tensor; prints the failure's message and exits 3 if the backend refuses. */
    public static void main(String[] args) {
        try (Backend b = ReferenceBackend.create(); Tensor t = b.allocate(Shape.of((int) (BYTES / Float.BYTES)))) {
            System.out.println("allocated " + t.numel() * Float.BYTES + " bytes");
        } catch (BackendException e) {
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }

    private static String[] run(String... jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MemoryLimitTest.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM ends");
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @Test
    void aSmallHeapCapsNativeMemoryAndTheMessageSaysWhichPropertyRaisesIt() throws Exception {
        String[] capped = run("-Xmx64m");
        assertEquals("3", capped[0], capped[1]);
        assertTrue(capped[1].contains("could not allocate " + (BYTES) + " bytes of native memory"), capped[1]);
        assertTrue(capped[1].contains("org.bytedeco.javacpp.maxBytes=") && capped[1].contains("-Xmx"), capped[1]);

        String[] raised = run("-Xmx64m", "-Dorg.bytedeco.javacpp.maxBytes=1g",
                "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        assertEquals("0", raised[0], raised[1]);
        assertTrue(raised[1].contains("allocated " + BYTES + " bytes"), raised[1]);
    }
}
