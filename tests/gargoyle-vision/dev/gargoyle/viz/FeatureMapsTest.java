package dev.gargoyle.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.models.AheNet;
import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Feature maps against a float64 reference of the tiny network: filter means and class logits, two layers. */
class FeatureMapsTest {
    private static Backend backend;
    private static Model model;
    private static Tensor image;
    private static TinyNet.Pass reference;

    @BeforeAll
    static void setUp() {
        backend = Backends.create(Device.cpu());
        model = TinyNet.model(backend, 3);
        float[] x = TinyNet.uniform(new SplittableRandom(9), 3 * TinyNet.SIZE * TinyNet.SIZE, -1.5, 1.5);
        image = backend.allocate(TinyNet.X);
        image.copyFrom(x);
        reference = TinyNet.forward(model, TinyNet.doubles(x));
    }

    @AfterAll
    static void tearDown() {
        image.close();
        model.close();
        backend.close();
    }

    private static void assertMap(double[] expected, FeatureMaps.FeatureMap actual, String what) {
        double max = 0;
        for (double v : expected) {
            max = Math.max(max, v);
        }
        assertTrue(max > 0, what + ": the reference map is not all zero, so the test says something");
        assertArrayEquals(expected, actual.values(), 1e-5 * max + 1e-9, what);
    }

    @Test
    void aClassLogitGivesGradCamAtEitherConvLayer() {
        for (int c = 0; c < TinyNet.CLASSES; c++) {
            TinyNet.Grads g = TinyNet.gradients(model, reference, c);
            FeatureMaps.FeatureMap deep = FeatureMaps.compute(model, image, "4", new FeatureMaps.ClassLogit(c));
            assertEquals(4, deep.height());
            assertMap(TinyNet.gradCam(reference.c2(), g.conv2(), 5, 16), deep, "class " + c + " at layer 4");
            FeatureMaps.FeatureMap shallow = FeatureMaps.compute(model, image, "0", new FeatureMaps.ClassLogit(c));
            assertEquals(8, shallow.width());
            assertMap(TinyNet.gradCam(reference.c1(), g.conv1(), 4, 64), shallow, "class " + c + " at layer 0");
            for (int k = 0; k < TinyNet.CLASSES; k++) {
                assertEquals(reference.logits()[k], deep.logits()[k], 1e-5, "logit " + k);
            }
        }
    }

    @Test
    void aFilterMeanWeighsOnlyThatFiltersActivations() {
        for (String layer : List.of("0", "4")) {
            double[] a = layer.equals("0") ? reference.c1() : reference.c2();
            int channels = layer.equals("0") ? 4 : 5;
            int plane = a.length / channels;
            List<FeatureMaps.FeatureMap> all = FeatureMaps.allFilters(model, image, layer);
            assertEquals(channels, all.size());
            for (int f = 0; f < channels; f++) {
                // The gradient of mean(A_f) is 1/(H·W) on channel f: the map is relu(A_f)/(H·W).
                double[] expected = new double[plane];
                for (int i = 0; i < plane; i++) {
                    expected[i] = Math.max(0, a[f * plane + i]) / plane;
                }
                FeatureMaps.FeatureMap one = FeatureMaps.compute(model, image, layer, new FeatureMaps.Filter(f));
                assertArrayEquals(expected, one.values(), 1e-6, "layer " + layer + " filter " + f);
                assertArrayEquals(one.values(), all.get(f).values(), 0, "one pass for all filters gives the same");
                assertEquals(new FeatureMaps.Filter(f), all.get(f).target());
            }
        }
    }

    @Test
    void parameterGradientsAreLeftZeroAndTheModelInEvaluationMode() {
        model.train();
        FeatureMaps.compute(model, image, "4", new FeatureMaps.ClassLogit(1));
        assertFalse(model.isTraining());
        for (float g : model.flatGradients().toArray()) {
            assertEquals(0f, g);
        }
    }

    @Test
    void normalisedMapsPeakAtOne() {
        FeatureMaps.FeatureMap m = FeatureMaps.compute(model, image, "0", new FeatureMaps.Filter(0));
        double max = 0;
        for (double v : m.normalised()) {
            assertTrue(v >= 0 && v <= 1);
            max = Math.max(max, v);
        }
        assertEquals(1.0, max, 1e-12);
    }

    @Test
    void badIndicesAndLayersSayWhatIsValid() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FeatureMaps.compute(model, image, "4", new FeatureMaps.Filter(5)));
        assertTrue(e.getMessage().contains("filter 5 is out of range: layer 4 has 5 filters (0..4)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FeatureMaps.compute(model, image, "4", new FeatureMaps.ClassLogit(3)));
        assertTrue(e.getMessage().contains("the model has 3 classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FeatureMaps.compute(model, image, "7", new FeatureMaps.ClassLogit(0)));
        assertTrue(e.getMessage().contains("not a feature map"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> FeatureMaps.compute(model, image, "conv9", new FeatureMaps.Filter(0)));
        assertTrue(e.getMessage().contains("no layer 'conv9'") && e.getMessage().contains("0, 1, 2"), e.getMessage());
        try (Tensor two = backend.allocate(Shape.of(2, 3, TinyNet.SIZE, TinyNet.SIZE))) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> FeatureMaps.compute(model, two, "0", new FeatureMaps.Filter(0)));
            assertTrue(e.getMessage().contains("image"), e.getMessage());
        }
    }

    @Test
    void layersAreFoundByConvNumberOrNameAndOthersAreListed() {
        try (Model ahe = AheNet.of(AheNet.unnamedClasses(4), 16, 0.25).build(backend, 1)) {
            assertEquals("features.0", Layers.featureLayer(ahe, "1"));
            assertEquals("features.16", Layers.featureLayer(ahe, "5"));
            assertEquals("features.2", Layers.featureLayer(ahe, "features.2"));
            assertEquals(512, FeatureMaps.filterCount(ahe, "features.16"));
            assertEquals("conv 5 (features.16)", Layers.describe("features.16"));
            for (String bad : new String[] {"6", "classifier.2", "features.19", "features"}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Layers.featureLayer(ahe, bad));
                assertTrue(e.getMessage().contains("no feature-map layer '" + bad + "'")
                        && e.getMessage().contains("1-5 (the conv layers features.0, features.4, features.8, "
                        + "features.12, features.16)") && e.getMessage().contains("features.18"), e.getMessage());
            }
            assertEquals(Shape.of(1, 512, 1, 1), Layers.outputShapes(ahe).get("features.18"));
            assertEquals(Shape.of(1, 4), Layers.outputShapes(ahe).get("classifier.8"));
        }
    }
}
