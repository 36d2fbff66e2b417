package dev.gargoyle.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Linear;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.ReLU;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.optim.OptimizerConfig;
import dev.gargoyle.optim.Schedule;
import dev.gargoyle.reference.ReferenceBackend;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Trainer on a model that is not AheNet and data that are not images: three Gaussian blobs in
 * four dimensions, a small MLP, the float64 reference backend.
 */
class TrainerTest {
    private static final List<String> CLASSES = List.of("a", "b", "c");
    private static final Shape SAMPLE = Shape.of(4);

    @TempDir
    Path dir;
    private Backend backend;

    @BeforeEach
    void open() {
        backend = ReferenceBackend.create();
    }

    @AfterEach
    void close() {
        backend.close();
    }

    /** {@code n} samples: class c centred at 2 in dimension c, unit noise, labels in turn; seeded. */
    static ArrayDataSource blobs(int n, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[n][4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int d = 0; d < 4; d++) {
                x[i][d] = (float) (r.nextGaussian() * 0.7 + (d == labels[i] ? 2 : 0));
            }
        }
        return new ArrayDataSource(CLASSES, SAMPLE, x, labels);
    }

    private Model mlp(long seed) {
        return new Model(new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 3)), backend, seed, SAMPLE);
    }

    private Trainer.Builder trainer(Model model, Path runDir) {
        return Trainer.builder(model, blobs(60, 1)).testData(blobs(30, 2)).optimizer(OptimizerConfig.adam())
                .learningRate(0.02).schedule(Schedule.cosine()).epochs(4).batchSize(8).accumulationSteps(2)
                .seed(3).runDirectory(runDir);
    }

    @Test
    void aCustomModelLearnsAndItsRunDirectoryHoldsLogAndCheckpoints() {
        try (Model model = mlp(1)) {
            Trainer.Result r = trainer(model, dir.resolve("run")).build().run();
            assertEquals(4, r.epochsCompleted());
            assertTrue(r.test().accuracy() >= 0.9, "test accuracy " + r.test().accuracy());
            assertEquals(4 * 4, r.updates(), "per epoch, 60 samples in 8 micro-batches of up to 8, two per update");
            for (String f : new String[] {"metrics.jsonl", "metrics.csv", "last.safetensors", "best.safetensors",
                "last.optimizer.safetensors"}) {
                assertTrue(Files.isRegularFile(dir.resolve("run").resolve(f)), f);
            }
            assertFalse(Files.exists(dir.resolve("run/config.json")), "no description given, no config.json");
            assertEquals(4, TrainingLog.read(dir.resolve("run/metrics.jsonl")).size());
        }
    }

    @Test
    void aStoppedRunResumesToTheSameWeightsBitForBit() {
        float[] whole;
        try (Model model = mlp(1)) {
            trainer(model, dir.resolve("whole")).build().run();
            whole = model.flatParameters().toArray();
        }
        try (Model model = mlp(1)) {
            Trainer.Result first = trainer(model, dir.resolve("split")).maxSteps(3).build().run();
            assertTrue(first.stoppedEarly());
            assertEquals(3, first.updates());
        }
        try (Model model = mlp(99)) {
            Trainer.Result rest = trainer(model, dir.resolve("split")).resume(true).build().run();
            assertEquals(16, rest.updates());
            assertArrayEquals(whole, model.flatParameters().toArray(), 0f);
        }
    }

    @Test
    void aRunResumesOnlyWithTheSettingsThatChoseItsBatches() {
        try (Model model = mlp(1)) {
            trainer(model, dir.resolve("shaped")).maxSteps(2).build().run();
        }
        try (Model model = mlp(1)) {
            Trainer t = trainer(model, dir.resolve("shaped")).batchSize(6).seed(4).resume(true).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::run);
            assertTrue(e.getMessage().contains("batchSize 8 (saved) against 6")
                    && e.getMessage().contains("seed 3 (saved) against 4"), e.getMessage());
        }
    }

    @Test
    void aFolderLeftBeforeTheFirstCheckpointCanBeUsedAgain() throws Exception {
        Path left = Files.createDirectories(dir.resolve("left"));
        Files.writeString(left.resolve("config.json"), "{}");
        assertFalse(Trainer.holdsRun(left));
        try (Model model = mlp(1)) {
            trainer(model, left).epochs(1).build().run();
        }
        assertTrue(Files.isRegularFile(left.resolve("last.safetensors")));
    }

    /** Two trainers on one folder would interleave their logs: the second is refused, naming the first. */
    @Test
    void aRunFolderIsWrittenByOneTrainerAtATimeAndAKilledHolderLeavesNoLock() throws Exception {
        Path run = Files.createDirectories(dir.resolve("shared"));
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RunLockHolder.class.getName(), run.toString())
                .redirectErrorStream(true).start();
        try {
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()))
                    .readLine();
            assertEquals("locked", first);
            try (Model model = mlp(1)) {
                Trainer t = trainer(model, run).epochs(1).build();
                IllegalStateException e = assertThrows(IllegalStateException.class, t::run);
                assertEquals("run directory " + run + " is being written by another trainer (process "
                        + holder.pid() + "); wait for it to end, or choose another directory", e.getMessage());
            }
        } finally {
            holder.destroyForcibly().waitFor();
        }
        try (Model model = mlp(1)) {
            assertEquals(1, trainer(model, run).epochs(1).build().run().epochsCompleted(), "kill -9 freed the lock");
        }
    }

    @Test
    void aSecondTrainerInTheSameProcessIsRefusedToo() throws Exception {
        Path run = Files.createDirectories(dir.resolve("twice"));
        try (RunLock held = RunLock.acquire(run); Model model = mlp(1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> trainer(model, run).epochs(1).build().run());
            assertTrue(e.getMessage().contains("process " + ProcessHandle.current().pid()), e.getMessage());
        }
    }

    @Test
    void aFolderWithoutACheckpointResumesFromTheBeginning() {
        Path run = dir.resolve("empty");
        float[] fresh;
        try (Model model = mlp(1)) {
            trainer(model, dir.resolve("reference")).epochs(1).build().run();
            fresh = model.flatParameters().toArray();
        }
        try (Model model = mlp(1)) {
            Trainer.Result r = trainer(model, run).epochs(1).resume(true).build().run();
            assertEquals(1, r.epochsCompleted());
            assertArrayEquals(fresh, model.flatParameters().toArray(), 0f);
        }
    }

    @Test
    void withoutARunDirectoryNothingIsWritten() throws Exception {
        try (Model model = mlp(1)) {
            Trainer.Result r = trainer(model, null).epochs(1).build().run();
            assertNull(r.runDir());
            try (var files = Files.list(dir)) {
                assertEquals(0, files.count());
            }
        }
    }

    @Test
    void settingsThatDoNotFitAreRefusedNamingTheSettingBeforeAnythingIsCreated() {
        Path out = dir.resolve("never");
        try (Model twoClasses = new Model(new Sequential(new Linear(4, 2)), backend, 1, SAMPLE)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> trainer(twoClasses, out).build());
            assertTrue(e.getMessage().contains("3 classes"), e.getMessage());
        }
        try (Model model = mlp(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> trainer(model, out).batchSize(0).build());
            assertEquals("Trainer: batchSize must be at least 1, got 0", e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> trainer(model, out).loss(CrossEntropyLoss.weighted(1, 2)).build());
            assertTrue(e.getMessage().contains("2 class weights for 3 classes"), e.getMessage());
        }
        assertFalse(Files.exists(out), "nothing on disk");
    }

    @Test
    void aDirectoryHoldingARunIsRefusedAndLeftAsItWas() throws Exception {
        try (Model model = mlp(1)) {
            trainer(model, dir.resolve("once")).epochs(1).description(Map.of("note", "first")).build().run();
        }
        byte[] config = Files.readAllBytes(dir.resolve("once/config.json"));
        byte[] last = Files.readAllBytes(dir.resolve("once/last.safetensors"));
        try (Model model = mlp(1)) {
            Trainer t = trainer(model, dir.resolve("once")).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, t::run);
            assertTrue(e.getMessage().contains("already holds a training run"), e.getMessage());
            assertFalse(e.getMessage().contains("--"), "library messages name no command-line flags: "
                    + e.getMessage());
        }
        assertArrayEquals(config, Files.readAllBytes(dir.resolve("once/config.json")));
        assertArrayEquals(last, Files.readAllBytes(dir.resolve("once/last.safetensors")));
    }

    @Test
    void theTrainerRunsOnTheThreadThatOwnsTheBackend() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Model model = mlp(1)) {
            Trainer t = trainer(model, null).epochs(1).build();
            ExecutionException e = assertThrows(ExecutionException.class, () -> other.submit(t::run).get());
            assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("use one backend per thread"), e.getCause().getMessage());
        } finally {
            other.shutdownNow();
        }
    }
}
