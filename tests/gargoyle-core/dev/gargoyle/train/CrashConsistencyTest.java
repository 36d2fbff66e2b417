package dev.gargoyle.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.nn.Linear;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.ReLU;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.optim.OptimizerConfig;
import dev.gargoyle.optim.Schedule;
import dev.gargoyle.reference.ReferenceBackend;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} at 50 seeded moments of a run that saves a checkpoint after every update (so most
 * kills land while a checkpoint is being written): every time, resuming the folder ends with the
 * weights, best weights and log of the uninterrupted run, bit for bit.
 */
class CrashConsistencyTest {
    private static final int KILLS = 50;

    @TempDir
    Path dir;

    /** The run, in a child JVM: prints "go" once it is set up, then trains into {@code args[0]}. */
    public static void main(String[] args) {
        try (Backend backend = ReferenceBackend.create(); Model model = mlp(backend)) {
            Trainer trainer = trainer(model, Path.of(args[0])).build();
            System.out.println("go");
            System.out.flush();
            trainer.run();
        }
    }

    static Model mlp(Backend backend) {
        return new Model(new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3)), backend, 1, Shape.of(4));
    }

    /** Resumes whatever the folder holds (or starts it); a checkpoint after every update. */
    static Trainer.Builder trainer(Model model, Path runDir) {
        return Trainer.builder(model, TrainerTest.blobs(60, 1)).testData(TrainerTest.blobs(30, 2))
                .optimizer(OptimizerConfig.adam()).learningRate(0.02).schedule(Schedule.cosine()).epochs(8)
                .batchSize(8).accumulationSteps(2).seed(3).checkpointEvery(1).runDirectory(runDir).resume(true);
    }

    @Test
    void aRunKilledAtAnyMomentResumesToTheUninterruptedResult() throws Exception {
        Path whole = dir.resolve("whole");
        Files.createDirectories(whole);
        Process reference = child(whole);
        long started = System.nanoTime();
        long firstCheckpoint = 0;
        while (reference.isAlive()) {
            if (firstCheckpoint == 0 && Files.exists(whole.resolve("last.safetensors"))) {
                firstCheckpoint = (System.nanoTime() - started) / 1_000_000;
            }
            Thread.sleep(1);
        }
        assertEquals(0, reference.exitValue(), "the uninterrupted run");
        long childMillis = (System.nanoTime() - started) / 1_000_000;
        // Kills from just before the first checkpoint to about the end: the time checkpoints are written.
        long from = firstCheckpoint * 9 / 10;
        Map<String, TensorData> wholeLast = Safetensors.read(whole.resolve("last.safetensors")).tensors();
        Map<String, TensorData> wholeBest = Safetensors.read(whole.resolve("best.safetensors")).tensors();
        String wholeLog = Files.readString(whole.resolve("metrics.csv"));

        Random random = new Random(20261202);
        int[] phases = new int[3];
        for (int k = 0; k < KILLS; k++) {
            Path run = Files.createDirectories(dir.resolve("killed-" + k));
            Process p = child(run);
            Thread.sleep(from + random.nextInt((int) Math.max(1, childMillis - from)));
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            phases[!Files.exists(run.resolve("last.safetensors")) ? 0 : p.exitValue() == 0 ? 2 : 1]++;
            try (Backend backend = ReferenceBackend.create(); Model model = mlp(backend)) {
                trainer(model, run).build().run();
            }
            String what = "kill " + k;
            assertTensorsEqual(wholeLast, Safetensors.read(run.resolve("last.safetensors")).tensors(), what);
            assertTensorsEqual(wholeBest, Safetensors.read(run.resolve("best.safetensors")).tensors(), what);
            assertEquals(strip(wholeLog), strip(Files.readString(run.resolve("metrics.csv"))), what + ": the log");
        }
        System.out.printf("kills before the first checkpoint %d, during the run %d, after it ended %d%n",
                phases[0], phases[1], phases[2]);
        assertTrue(phases[1] >= KILLS / 2, "most kills land while the run writes checkpoints: " + phases[1]
                + " of " + KILLS);
    }

    private static Process child(Path run) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                CrashConsistencyTest.class.getName(), run.toString()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        while (line != null && !line.equals("go")) {   // the JVM may say things first (SLF4J has no binding here)
            line = out.readLine();
        }
        assertEquals("go", line);
        Thread drain = new Thread(() -> out.lines().forEach(ignored -> { }));
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    /** The log without its timing columns (epoch seconds, images per second), which differ run to run. */
    private static String strip(String csv) {
        StringBuilder sb = new StringBuilder();
        for (String line : csv.split("\n")) {
            String[] cells = line.split(",", -1);
            sb.append(String.join(",", java.util.Arrays.copyOf(cells, cells.length - 2))).append('\n');
        }
        return sb.toString();
    }

    private static void assertTensorsEqual(Map<String, TensorData> expected, Map<String, TensorData> actual,
                                           String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).floats(), actual.get(name).floats(), 0f, what + ": " + name);
        }
    }
}
