package dev.gargoyle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.mpi.MpiCommunicator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mpirun -np 2 gargoyle train}: two ranks train the AHE model on a tiny image folder, rank 0
 * alone writes the run folder and the closing report, the run knows it had 2 ranks, and resuming it
 * as one process is refused naming both counts.
 */
class MpirunTrainTest {

    private static String[] job(int ranks, Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (ranks > 1) {
            command.addAll(List.of("mpirun", "-np", Integer.toString(ranks), "--oversubscribe"));
            if ("root".equals(System.getProperty("user.name"))) {
                command.add("--allow-run-as-root");
            }
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the job did not end:\n" + out);
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @Test
    void twoRanksTrainOneRunFolderAndResumingAsOneProcessIsRefused(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(MpiCommunicator.unavailableReason() == null, MpiCommunicator.unavailableReason());
        String[] data = CliRun.run("sample-data", dir.resolve("data").toString(), "--per-class", "4", "--size", "16");
        assertEquals("0", data[0], data[2]);
        Path out = dir.resolve("run");
        String[] two = job(2, dir, "train", "--data", dir.resolve("data").toString(), "--out", out.toString(),
                "--epochs", "1", "--batch-size", "4", "--size", "16", "--device", "cpu", "--workers", "1", "--quiet",
                "--sync-bn", "--max-steps", "2", "--save-every", "1");
        assertEquals("0", two[0], two[1]);
        assertTrue(two[1].contains("data-parallel: MPI"), two[1]);
        assertTrue(two[1].contains("batch 4 x 1 accumulation steps x 2 ranks = effective batch 8"), two[1]);
        assertEquals(1, two[1].split("Stopped early after 2 updates", -1).length - 1,
                "rank 0 alone prints the closing line:\n" + two[1]);
        assertTrue(Files.isRegularFile(out.resolve("last.safetensors")), two[1]);
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"syncBn\" : true"),
                Files.readString(out.resolve("config.json")));
        String[] alone = job(1, dir, "train", "--resume", out.toString(), "--quiet");
        assertNotEquals("0", alone[0], alone[1]);
        assertTrue(alone[1].contains("ranks (processes of a data-parallel run) 2 (saved) against 1"), alone[1]);
    }
}
