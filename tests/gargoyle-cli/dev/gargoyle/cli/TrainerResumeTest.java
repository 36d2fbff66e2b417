package dev.gargoyle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.cli.sample.SampleData;
import dev.gargoyle.train.EpochRecord;
import dev.gargoyle.train.Safetensors;
import dev.gargoyle.train.TensorData;
import dev.gargoyle.train.Trainer;
import dev.gargoyle.train.TrainingDivergedException;
import dev.gargoyle.train.TrainingLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stopped and resumed run ends exactly where an uninterrupted one does; outputs and bad runs. */
class TrainerResumeTest {
    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void tinyData() {
        data = dir.resolve("data");
        SampleData.write(data, new SampleData.Spec(4, 16, 3), () -> { });
    }

    private static TrainConfig.Builder config(String out) {
        return TrainConfig.builder().data(data).out(dir.resolve(out)).epochs(2).batchSize(4).size(16).workers(2)
                .device("cpu").seed(5).lr(3e-3);
    }

    @Test
    void resumingAfterAStopMidEpochEqualsAnUninterruptedRun() throws Exception {
        Trainer.Result whole = Runs.train(config("whole").build());
        assertFalse(whole.stoppedEarly());
        assertEquals(2, whole.epochsCompleted());

        Trainer.Result first = Runs.train(config("split").maxSteps(3).build());
        assertTrue(first.stoppedEarly());
        assertEquals(3, first.updates());
        assertTrue(Files.exists(dir.resolve("split/last.safetensors")), "a stopped run still saves");
        Trainer.Result rest = Runs.train(config("ignored").resume(dir.resolve("split")).build());
        assertEquals(whole.updates(), rest.updates());

        Map<String, TensorData> a = Safetensors.read(dir.resolve("whole/last.safetensors")).tensors();
        Map<String, TensorData> b = Safetensors.read(dir.resolve("split/last.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            if (a.get(name).dtype() == TensorData.DType.F32) {
                assertArrayEquals(a.get(name).floats(), b.get(name).floats(), 1e-6f, name);
            } else {
                assertArrayEquals(a.get(name).longs(), b.get(name).longs(), name);
            }
        }
        List<EpochRecord> logA = TrainingLog.read(dir.resolve("whole/metrics.jsonl"));
        List<EpochRecord> logB = TrainingLog.read(dir.resolve("split/metrics.jsonl"));
        assertEquals(2, logB.size());
        assertEquals(logA.get(1).test().accuracy(), logB.get(1).test().accuracy(), 1e-9);
        assertEquals(logA.get(1).train().loss(), logB.get(1).train().loss(), 1e-5);
        for (String f : new String[] {"config.json", "metrics.csv", "curves.png", "confusion.png",
            "best.safetensors", "last.optimizer.safetensors"}) {
            assertTrue(Files.size(dir.resolve("split").resolve(f)) > 0, f);
        }
    }

    @Test
    void aRunDirectoryIsNeverOverwritten() throws Exception {
        Runs.train(config("once").epochs(1).maxSteps(1).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Runs.train(config("once").epochs(1).build()));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
    }

    @Test
    void aDivergingRunStopsNamingTheStepAndKeepsTheLastGoodCheckpoint() throws Exception {
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> Runs.train(config("diverged").epochs(1).lr(1e38).build()));
        assertTrue(e.getMessage().contains("epoch 1, micro-batch 2 (update 2)"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("diverged/last.safetensors")), "no checkpoint of a diverged state");
    }
}
