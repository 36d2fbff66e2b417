package dev.gargoyle.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.train.Checkpoint;
import dev.gargoyle.train.CheckpointException;
import dev.gargoyle.train.Safetensors;
import dev.gargoyle.train.TensorData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The AHE model of the zoo: PyTorch's names, shapes and initialisation, and a warm step that allocates nothing. */
class AheNetTest {
    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = Backends.create(Device.cpu());
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static float[] randn(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void stateDictNamesAndShapesArePyTorchsAheNet() {
        Map<String, Shape> expected = new LinkedHashMap<>();
        int[] widths = {32, 64, 128, 256, 512};
        int in = 3;
        for (int b = 0; b < 5; b++) {
            String conv = "features." + (4 * b);
            String bn = "features." + (4 * b + 1);
            expected.put(conv + ".weight", Shape.of(widths[b], in, 3, 3));
            expected.put(conv + ".bias", Shape.of(widths[b]));
            expected.put(bn + ".weight", Shape.of(widths[b]));
            expected.put(bn + ".bias", Shape.of(widths[b]));
            expected.put(bn + ".running_mean", Shape.of(widths[b]));
            expected.put(bn + ".running_var", Shape.of(widths[b]));
            in = widths[b];
        }
        expected.put("classifier.2.weight", Shape.of(1024, 2048));
        expected.put("classifier.2.bias", Shape.of(1024));
        expected.put("classifier.5.weight", Shape.of(512, 1024));
        expected.put("classifier.5.bias", Shape.of(512));
        expected.put("classifier.8.weight", Shape.of(10, 512));
        expected.put("classifier.8.bias", Shape.of(10));
        try (Model m = AheNet.of(AheNet.unnamedClasses(10), 32, 0.25).build(backend, 1)) {
            Map<String, Shape> actual = new LinkedHashMap<>();
            m.tensors().forEach((k, v) -> actual.put(k, v.shape()));
            assertEquals(expected, actual);
            assertEquals(List.of("features.1", "features.5", "features.9", "features.13", "features.17"),
                    new ArrayList<>(m.batchNorms().keySet()));
        }
    }

    @Test
    void initialisationFollowsPyTorchDefaults() {
        try (Model m = AheNet.of(AheNet.unnamedClasses(10), 16, 0.25).build(backend, 1)) {
            Map<String, Tensor> t = m.tensors();
            float[] w = t.get("features.4.weight").toArray();
            double bound = 1 / Math.sqrt(32 * 9);
            double sumSq = 0;
            for (float v : w) {
                assertTrue(Math.abs(v) <= bound, "conv weight " + v + " outside +-" + bound);
                sumSq += v * v;
            }
            assertEquals(bound / Math.sqrt(3), Math.sqrt(sumSq / w.length), bound * 0.05);
            assertArrayEquals(filled(64, 1f), t.get("features.5.weight").toArray());
            assertArrayEquals(filled(64, 0f), t.get("features.5.bias").toArray());
            assertArrayEquals(filled(64, 1f), t.get("features.5.running_var").toArray());
            for (float v : t.get("classifier.8.bias").toArray()) {
                assertTrue(Math.abs(v) <= 1 / Math.sqrt(512));
            }
        }
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void warmStepsAllocateNoNativeMemoryEvenWithASmallerLastBatch() {
        try (Model m = AheNet.of(AheNet.unnamedClasses(10), 16, 0.25).build(backend, 2);
             Tensor x = backend.allocate(Shape.of(8, 3, 16, 16));
             Tensor dl = backend.allocate(Shape.of(8, 10))) {
            x.copyFrom(randn(8 * 768, 1));
            int[] labels = {0, 1, 2, 3, 4, 5, 6, 7};
            for (int step = 0; step < 3; step++) {
                oneStep(m, x, dl, labels, step % 2 == 0 ? 8 : 5);
            }
            long warm = backend.memoryInUse();
            for (int step = 0; step < 20; step++) {
                oneStep(m, x, dl, labels, step % 2 == 0 ? 8 : 5);
            }
            assertEquals(warm, backend.memoryInUse(), "native bytes after warm-up");
        }
    }

    private static void oneStep(Model m, Tensor x, Tensor dl, int[] labels, int n) {
        m.setStepSeed(n);
        Tensor logits = m.forward(x.narrow(n));
        backend.softmaxCrossEntropy(logits, java.util.Arrays.copyOf(labels, n), 1f, dl.narrow(n));
        m.backward(dl.narrow(n), false);
    }

    @Test
    void frozenParametersGetNoGradientWorkAndUnknownLayersAreListed() {
        try (Model m = AheNet.of(AheNet.unnamedClasses(10), 16, 0.25).build(backend, 2)) {
            m.freeze(name -> name.startsWith("features."));
            assertTrue(m.slots().stream().filter(s -> s.name().startsWith("features.")).allMatch(
                    s -> s.parameter().isFrozen()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.module("features.99"));
            assertTrue(e.getMessage().contains("features.16"), e.getMessage());
            assertNotNull(m.module("classifier.8"));
        }
    }

    /** As in PyTorch, one NaN weight reaches every logit (through ReLU and max pooling), so the loss shows it. */
    @Test
    void oneNaNWeightMakesTheLossNaNInTrainingAndEvaluation() {
        try (Model m = AheNet.of(AheNet.unnamedClasses(10), 16, 0.25).build(backend, 2);
             Tensor x = backend.allocate(Shape.of(4, 3, 16, 16));
             Tensor dl = backend.allocate(Shape.of(4, 10))) {
            x.copyFrom(randn(4 * 768, 3));
            Tensor w = m.tensors().get("features.4.weight");
            float[] values = w.toArray();
            values[5] = Float.NaN;
            w.copyFrom(values);
            int[] labels = {0, 1, 2, 3};
            m.setStepSeed(1);
            assertTrue(Double.isNaN(backend.softmaxCrossEntropy(m.forward(x), labels, 1f, dl)), "training loss");
            m.eval();
            assertTrue(Double.isNaN(backend.softmaxCrossEntropy(m.forward(x), labels, 1f, dl)), "evaluation loss");
        }
    }

    /** A checkpoint holding NaN or infinity, or a std of 0 in its description, is refused naming the file. */
    @Test
    void aCheckpointWithNonFiniteWeightsOrAZeroStdIsRefused(@TempDir Path dir) {
        AheNet net = AheNet.of(AheNet.unnamedClasses(2), 16, 0.25);
        Path nan = dir.resolve("nan.safetensors");
        Path zeroStd = dir.resolve("zero-std.safetensors");
        try (Model m = net.build(backend, 1)) {
            Map<String, TensorData> state = new LinkedHashMap<>(Checkpoint.stateDict(m));
            Safetensors.write(zeroStd, state, Map.of("gargoyle.model", net.metadata().get("gargoyle.model")
                    .replace("\"std\":[0.5,0.5,0.5]", "\"std\":[0.5,0.0,0.5]")));
            float[] w = state.get("features.4.weight").floats().clone();
            w[7] = Float.NaN;
            w[9] = Float.NEGATIVE_INFINITY;
            state.put("features.4.weight", TensorData.f32(state.get("features.4.weight").shape(), w));
            Safetensors.write(nan, state, net.metadata());
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> AheNet.load(nan, backend));
        assertEquals(nan + ": tensor 'features.4.weight' holds 2 non-finite values (the first, NaN, at flat index 7);"
                + " a checkpoint must hold finite numbers", e.getMessage());
        e = assertThrows(CheckpointException.class, () -> AheNet.load(zeroStd, backend));
        assertEquals(zeroStd + ": its metadata 'gargoyle.model' describes no usable AheNet: mean must be finite and "
                + "std finite and above 0 (it divides every pixel), got mean [0.5, 0.5, 0.5], std [0.5, 0.0, 0.5]",
                e.getMessage());
    }

    /** A checkpoint whose model description cannot be built says so naming the file and the metadata key. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"classes\":[\"class_0\",\"class_1\"]|\"classes\":[\"class_0\"]|need at least 2 classes, got 1",
        "\"size\":16|\"size\":40|image size must be a positive multiple of 16, got 40",
        "\"dropout\":0.25|\"dropout\":1.5|dropout must be in [0, 1), got 1.5"})
    void aCheckpointDescribingNoUsableModelNamesTheFile(String from, String to, String problem, @TempDir Path dir) {
        AheNet net = AheNet.of(AheNet.unnamedClasses(2), 16, 0.25);
        Path file = dir.resolve("model.safetensors");
        String description = net.metadata().get("gargoyle.model");
        assertTrue(description.contains(from), description);
        Safetensors.write(file, Map.of(), Map.of("gargoyle.model", description.replace(from, to)));
        CheckpointException e = assertThrows(CheckpointException.class, () -> AheNet.load(file, backend));
        assertEquals(file + ": its metadata 'gargoyle.model' describes no usable AheNet: " + problem, e.getMessage());
    }

    @Test
    void aheNetRefusesSizesThatDoNotPoolEvenly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AheNet.of(AheNet.unnamedClasses(10), 40, 0.2));
        assertTrue(e.getMessage().contains("multiple of 16"));
    }
}
