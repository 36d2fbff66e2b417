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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} at 50 seeded moments of a run that saves a checkpoint after every update (so most
 * kills land while a checkpoint is being written): every time, resuming the folder ends with the
 * weights, best weights and log of the uninterrupted run, bit for bit. The moments are counted in
 * the child's own steps (a seeded step, then a seeded fraction of a millisecond), not in wall time,
 * so a slow or busy machine moves them no more than a fast one.
 */
class CrashConsistencyTest {
    private static final int KILLS = 50;

    @TempDir
    Path dir;

    /** The run, in a child JVM: prints "go" once it is set up, then "step" after each micro-batch. */
    public static void main(String[] args) {
        try (Backend backend = ReferenceBackend.create(); Model model = mlp(backend)) {
            Trainer trainer = trainer(model, Path.of(args[0])).listener(new TrainingListener() {
                @Override
                public void onStep(StepEvent step) {
                    System.out.println("step");
                    System.out.flush();
                }
            }).build();
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
        Child reference = new Child(whole);
        assertEquals(0, reference.process.waitFor(), "the uninterrupted run");
        reference.counter.join();
        int steps = reference.steps.get();
        Map<String, TensorData> wholeLast = Safetensors.read(whole.resolve("last.safetensors")).tensors();
        Map<String, TensorData> wholeBest = Safetensors.read(whole.resolve("best.safetensors")).tensors();
        String wholeLog = Files.readString(whole.resolve("metrics.csv"));

        Random random = new Random(20261202);
        int[] phases = new int[3];
        for (int k = 0; k < KILLS; k++) {
            Path run = Files.createDirectories(dir.resolve("killed-" + k));
            Child child = new Child(run);
            // Step 0 is before the first update, so before the first checkpoint; the last ones may end the run.
            int atStep = random.nextInt(steps + 2);
            while (child.steps.get() < atStep && child.process.isAlive()) {
                LockSupport.parkNanos(50_000);
            }
            LockSupport.parkNanos(random.nextInt(2_000_000));
            child.process.destroyForcibly();
            assertTrue(child.process.waitFor(30, TimeUnit.SECONDS));
            phases[!Files.exists(run.resolve("last.safetensors")) ? 0 : child.process.exitValue() == 0 ? 2 : 1]++;
            try (Backend backend = ReferenceBackend.create(); Model model = mlp(backend)) {
                trainer(model, run).build().run();
            }
            String what = "kill " + k + " (after step " + atStep + ")";
            assertTensorsEqual(wholeLast, Safetensors.read(run.resolve("last.safetensors")).tensors(), what);
            assertTensorsEqual(wholeBest, Safetensors.read(run.resolve("best.safetensors")).tensors(), what);
            assertEquals(strip(wholeLog), strip(Files.readString(run.resolve("metrics.csv"))), what + ": the log");
        }
        System.out.printf("kills before the first checkpoint %d, during the run %d, after it ended %d%n",
                phases[0], phases[1], phases[2]);
        assertTrue(phases[1] >= KILLS / 2, "most kills land while the run writes checkpoints: " + phases[1]
                + " of " + KILLS);
    }

    /** A child JVM running {@link #main} into {@code run}, once it said "go"; its steps counted as it prints them. */
    private static final class Child {
        final Process process;
        final AtomicInteger steps = new AtomicInteger();
        final Thread counter;

        Child(Path run) throws Exception {
            process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    CrashConsistencyTest.class.getName(), run.toString()).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.equals("go")) {   // the JVM may say things first (SLF4J has no binding here)
                line = out.readLine();
            }
            assertEquals("go", line);
            counter = new Thread(() -> out.lines().filter("step"::equals).forEach(s -> steps.incrementAndGet()));
            counter.setDaemon(true);
            counter.start();
        }
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
