package dev.gargoyle.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.models.AheNet;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.Optimizer;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.train.CheckpointException;
import dev.gargoyle.train.EpochRecord;
import dev.gargoyle.train.Safetensors;
import dev.gargoyle.train.TensorData;
import dev.gargoyle.train.Trainer;
import dev.gargoyle.train.TrainingLog;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transfer learning ({@code train --init --reset-head --freeze --backbone-lr}) on two synthetic
 * orientation tasks: task A with four orientations is learnt once; task B (two other orientations)
 * is fine-tuned from it.
 */
class FineTuningTest {
    /**
     * Task B's test accuracy (chance: 0.5) that a fine-tune must reach and training from scratch must
     * not, in as many epochs. Seeded runs give about 0.9 after one fine-tuning epoch and 0.5 from scratch.
     */
    private static final double TARGET = 0.8;

    @TempDir
    static Path dir;
    static Path taskB;
    static Path pretrained;

    private static TrainConfig.Builder config(Path data, String out) {
        return TrainConfig.builder().data(data).out(dir.resolve(out)).batchSize(16).size(16).workers(2)
                .device("cpu").seed(5).lr(1e-3).augment(false);
    }

    @BeforeAll
    static void pretrainOnTaskA() throws Exception {
        Path taskA = Gratings.write(dir.resolve("a"), new double[] {0, 45, 90, 135}, 16, 6, 16, 1);
        taskB = Gratings.write(dir.resolve("b"), new double[] {22.5, 112.5}, 16, 16, 16, 2);
        Trainer.Result a = Runs.train(config(taskA, "runA").epochs(6).build());
        assertTrue(a.test().accuracy() >= 0.6, "task A is learnt first (chance 0.25): " + a.test().accuracy());
        pretrained = dir.resolve("runA/last.safetensors");
    }

    private static Map<String, TensorData> weights(Path file) throws Exception {
        return Safetensors.read(file).tensors();
    }

    private static double firstEpochReaching(Path run, double target, int epochs) throws Exception {
        List<EpochRecord> log = TrainingLog.read(run.resolve("metrics.jsonl"));
        for (EpochRecord r : log) {
            if (r.test().accuracy() >= target) {
                return r.epoch();
            }
        }
        return epochs + 1;
    }

    @Test
    void aFineTuneReachesTheTargetInFewerStepsThanTrainingFromScratch() throws Exception {
        int epochs = 3;
        Runs.train(config(taskB, "finetune").epochs(epochs).init(pretrained).resetHead(true).build());
        double tuned = firstEpochReaching(dir.resolve("finetune"), TARGET, epochs);
        assertTrue(tuned <= epochs, "the fine-tune reaches " + TARGET + " within " + epochs + " epochs");

        int budget = (int) tuned;
        Runs.train(config(taskB, "scratch").epochs(budget).build());
        double scratch = firstEpochReaching(dir.resolve("scratch"), TARGET, budget);
        assertTrue(scratch > tuned, "from scratch, " + TARGET + " after epoch " + scratch + " of " + budget
                + "; fine-tuned after epoch " + tuned);
    }

    @Test
    void frozenLayersAreBitIdenticalAndKeepTheirBatchNormStatistics() throws Exception {
        Trainer.Result r = Runs.train(config(taskB, "frozen").epochs(2).init(pretrained).resetHead(true)
                .freeze("features.0-11").build());
        assertEquals(List.of("class0", "class1"), r.classes());
        Map<String, TensorData> before = weights(pretrained);
        Map<String, TensorData> after = weights(dir.resolve("frozen/last.safetensors"));
        int frozen = 0;
        for (String name : after.keySet()) {
            int layer = name.startsWith("features.") ? Integer.parseInt(name.split("\\.")[1]) : -1;
            TensorData a = before.get(name);
            TensorData b = after.get(name);
            if (layer >= 0 && layer <= 11) {
                frozen++;
                if (b.dtype() == TensorData.DType.F32) {
                    assertArrayEquals(a.floats(), b.floats(), 0f, name + " is frozen");
                } else {
                    assertArrayEquals(a.longs(), b.longs(), name + " (batch-norm counter) is frozen");
                }
            } else if (name.equals("features.12.weight") || name.equals("classifier.5.weight")) {
                assertFalse(Arrays.equals(a.floats(), b.floats()), name + " is trained");
            }
        }
        // features.0-11: three conv (weight, bias) and three batch-norm (weight, bias, mean, var, count) layers.
        assertEquals(3 * 2 + 3 * 5, frozen);
        assertEquals(Shape.of(2, 512), after.get("classifier.8.weight").shape(), "a new head for two classes");
        assertEquals(Shape.of(4, 512), before.get("classifier.8.weight").shape());

        Map<String, TensorData> state = weights(dir.resolve("frozen/last.optimizer.safetensors"));
        long stateFloats = state.values().stream().mapToLong(t -> t.shape().numel()).sum();
        long trainable = 0;
        try (Backend backend = Backends.create(Device.cpu());
             AheNet.Loaded loaded = AheNet.load(dir.resolve("frozen/last.safetensors"), backend)) {
            for (Model.Slot s : loaded.model().slots()) {
                int layer = s.name().startsWith("features.") ? Integer.parseInt(s.name().split("\\.")[1]) : -1;
                if (layer < 0 || layer > 11) {
                    trainable += s.length();
                }
            }
        }
        assertTrue(stateFloats >= 2 * trainable && stateFloats < 2 * trainable + 2 * 16 * 40,
                "Adam keeps two moments of the trainable parameters only (plus alignment padding): " + stateFloats
                        + " floats for " + trainable + " trainable parameters");
    }

    @Test
    void aBackboneRateOfZeroTrainsOnlyTheHead() throws Exception {
        Runs.train(config(taskB, "headonly").epochs(1).init(pretrained).resetHead(true).backboneLr(0.0).build());
        Map<String, TensorData> before = weights(pretrained);
        Map<String, TensorData> after = weights(dir.resolve("headonly/last.safetensors"));
        for (String name : after.keySet()) {
            boolean statistic = name.contains("running_") || name.endsWith("num_batches_tracked");
            if (name.startsWith(AheNet.HEAD + ".") || statistic) {
                continue;
            }
            assertArrayEquals(before.get(name).floats(), after.get(name).floats(), 0f, name + " has rate 0");
        }
        assertNotEquals(before.get("features.1.running_mean").floats()[0],
                after.get("features.1.running_mean").floats()[0], "unfrozen batch-norm still tracks statistics");
    }

    @Test
    void weightsWithoutGargoyleMetadataAsPyTorchWritesThemAreAnInitToo() throws Exception {
        Path bare = dir.resolve("pytorch.safetensors");
        Safetensors.write(bare, Safetensors.read(pretrained).tensors(), Map.of());
        Runs.train(config(taskB, "frompytorch").epochs(1).maxSteps(1).init(bare).resetHead(true)
                .freeze("features").build());
        Map<String, TensorData> before = weights(pretrained);
        Map<String, TensorData> after = weights(dir.resolve("frompytorch/last.safetensors"));
        assertArrayEquals(before.get("features.16.weight").floats(), after.get("features.16.weight").floats(), 0f);
        assertArrayEquals(before.get("features.17.running_var").floats(), after.get("features.17.running_var").floats(),
                0f);
        assertFalse(Arrays.equals(before.get("classifier.2.weight").floats(), after.get("classifier.2.weight").floats()));
    }

    @Test
    void freezeSpecsNameLayersRangesAndPrefixes() {
        try (Backend backend = Backends.create(Device.cpu());
             Model model = AheNet.of(List.of("a", "b"), 16, 0).build(backend, 1)) {
            Predicate<String> range = FineTuning.frozen("features.0-11", model);
            assertTrue(range.test("features.11.bias") && range.test("features.0.weight"));
            assertFalse(range.test("features.12.weight") || range.test("features.1x.weight"));

            Predicate<String> until = FineTuning.frozen("until:features.5", model);
            assertTrue(until.test("features.4.weight") && until.test("features.5.running_var"));
            assertFalse(until.test("features.8.weight"));

            Predicate<String> container = FineTuning.frozen("until:features", model);
            assertTrue(container.test("features.0.weight") && container.test("features.16.bias"),
                    "until a container freezes everything in it");
            assertFalse(container.test("classifier.2.weight"));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FineTuning.frozen("features.0-30", model));
            assertTrue(e.getMessage().contains("no layer 'features.19'") && e.getMessage().contains("classifier.8"),
                    e.getMessage());
        }
    }

    @Test
    void aHeadOfTheWrongSizeWithoutResetIsAnErrorNamingTheTensor() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> Runs.train(config(taskB, "noreset").epochs(1).init(pretrained).build()));
        assertTrue(e.getMessage().contains("classifier.8.weight"), e.getMessage());
    }

    @Test
    void optimizerStateCoversOnlyUnfrozenParameters() {
        try (Backend backend = Backends.create(Device.cpu());
             Model model = AheNet.of(List.of("a", "b"), 16, 0).build(backend, 1)) {
            model.freeze(FineTuning.frozen("features", model));
            TrainConfig config = TrainConfig.builder().size(16).build();
            try (Optimizer opt = FineTuning.optimizer(config).create(model, FineTuning.learningRateScale(config))) {
                long state = opt.stateTensors().values().stream().mapToLong(t -> t.numel()).sum();
                long trainable = model.slots().stream().filter(s -> !s.name().startsWith("features."))
                        .mapToLong(Model.Slot::length).sum();
                assertTrue(state >= 2 * trainable && state < 2 * (trainable + 16 * 8), state + " vs " + trainable);
            }
        }
    }
}
