package dev.gargoyle.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.Softmax;
import dev.gargoyle.reference.InputRef;
import dev.gargoyle.reference.OptimizerRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Gradient ascent on the input against a float64 reference of the tiny network and of Adam. */
class ClassImagesTest {
    private static final float[] MEAN = {0.4f, 0.5f, 0.6f};
    private static final float[] STD = {0.2f, 0.25f, 0.3f};
    private static final ModelInput INPUT = new ModelInput(List.of("a", "b", "c"), TinyNet.SIZE, MEAN, STD);
    private static Backend backend;
    private static Model model;

    @BeforeAll
    static void setUp() {
        backend = Backends.create(Device.cpu());
        model = TinyNet.model(backend, 5);
    }

    @AfterAll
    static void tearDown() {
        model.close();
        backend.close();
    }

    private static byte[] randomImage(long seed) {
        byte[] rgb = new byte[TinyNet.SIZE * TinyNet.SIZE * 3];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) r.nextInt(256);
        }
        return rgb;
    }

    /**
     * The reference: Adam (PyTorch's, L2 added to the gradient) descending {@code -logit} from the
     * normalised image. Elements whose reference gradient is ever tiny are reported in {@code skip}:
     * there Adam's update is the sign of a number float rounding may flip.
     */
    private static double[] referenceAscent(byte[] init, int c, int steps, double lr, double l2, boolean[] skip) {
        double[] x = InputRef.imagesToTensor(init, 1, TinyNet.SIZE, TinyNet.SIZE, MEAN, STD);
        double[] m = new double[x.length];
        double[] v = new double[x.length];
        for (int step = 1; step <= steps; step++) {
            double[] g = TinyNet.gradients(model, TinyNet.forward(model, x), c).input();
            double largest = Arrays.stream(g).map(Math::abs).max().orElse(0);
            for (int i = 0; i < g.length; i++) {
                skip[i] |= Math.abs(g[i]) < 1e-4 * largest;
                g[i] = -g[i];
            }
            OptimizerRef.adamStep(x, g, m, v, lr, 0.9, 0.999, 1e-8, l2, false, step);
        }
        return x;
    }

    @Test
    void plainAscentFollowsTheReferenceStepForStep() {
        for (double l2 : new double[] {0, 0.5}) {
            byte[] init = randomImage(1);
            ClassImages.Options o = new ClassImages.Options(4, 0.05, 0, l2, 0, 0, 0.5);
            ClassImages.ClassImage got = ClassImages.dream(model, INPUT, 2, init, o, s -> { });
            boolean[] skip = new boolean[got.input().length];
            double[] expected = referenceAscent(init, 2, 4, 0.05, l2, skip);
            int compared = 0;
            for (int i = 0; i < expected.length; i++) {
                if (!skip[i]) {
                    assertEquals(expected[i], got.input()[i], 1e-4, "input element " + i + " with L2 " + l2);
                    compared++;
                }
            }
            assertTrue(compared > 0.9 * expected.length, compared + " of " + expected.length + " compared");
            assertArrayEquals(INPUT.toPixels(got.input()), got.rgb(), "the image is the un-normalised input");
        }
    }

    @Test
    void theClassLogitRisesAndTheResultIsReproducible() {
        ClassImages.Options o = new ClassImages.Options(30, 0.05, 7, 0, 0, 0, 0.5);
        int[] steps = new int[1];
        ClassImages.ClassImage a = ClassImages.dream(model, INPUT, 1, null, o, s -> steps[0] = s);
        assertEquals(30, steps[0], "progress is reported for every step");
        assertTrue(a.endLogit() > a.startLogit() + 0.1, a.startLogit() + " -> " + a.endLogit());
        assertEquals("b", a.className());
        try (Tensor x = backend.allocate(TinyNet.X)) {
            INPUT.load(a.rgb(), x);
            double[] p = Softmax.of(model.forward(x).toArray());
            assertEquals(p[1], a.probability(), 1e-6, "the probability is that of the saved 8-bit image");
        }
        assertArrayEquals(a.rgb(), ClassImages.dream(model, INPUT, 1, null, o, s -> { }).rgb(), "same seed");
        ClassImages.ClassImage other = ClassImages.dream(model, INPUT, 1, null,
                new ClassImages.Options(30, 0.05, 8, 0, 0, 0, 0.5), s -> { });
        assertFalse(Arrays.equals(a.rgb(), other.rgb()), "another seed, another start");
    }

    @Test
    void regularisedAscentIsReproducibleAndStillClimbs() {
        ClassImages.Options o = new ClassImages.Options(20, 0.05, 3, 0.01, 2, 5, 0.8);
        ClassImages.ClassImage a = ClassImages.dream(model, INPUT, 0, null, o, s -> { });
        ClassImages.ClassImage b = ClassImages.dream(model, INPUT, 0, null, o, s -> { });
        assertArrayEquals(a.input(), b.input(), 0f);
        assertTrue(a.endLogit() > a.startLogit(), a.startLogit() + " -> " + a.endLogit());
    }

    @Test
    void noiseIsSeededGreyWithTheDocumentedSpread() {
        byte[] n = ClassImages.noise(32, 4);
        assertArrayEquals(n, ClassImages.noise(32, 4));
        assertFalse(Arrays.equals(n, ClassImages.noise(32, 5)));
        double sum = 0;
        double sq = 0;
        for (byte b : n) {
            sum += b & 0xff;
            sq += (b & 0xff) * (double) (b & 0xff);
        }
        double mean = sum / n.length;
        double sd = Math.sqrt(sq / n.length - mean * mean);
        assertEquals(127.5, mean, 2);
        assertEquals(255 * ClassImages.NOISE_STD, sd, 2);
    }

    @Test
    void rollShiftsCircularlyAndBackAgain() {
        int s = 5;
        float[] x = TinyNet.uniform(new SplittableRandom(1), 3 * s * s, -1, 1);
        float[] rolled = ClassImages.roll(x, s, 2, -1);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < s; y++) {
                for (int xx = 0; xx < s; xx++) {
                    assertEquals(x[c * s * s + y * s + xx], rolled[c * s * s + ((y - 1 + s) % s) * s + (xx + 2) % s]);
                }
            }
        }
        assertArrayEquals(x, ClassImages.roll(rolled, s, -2, 1), 0f);
    }

    @Test
    void blurKeepsFlatPlanesAndSmoothsNoise() {
        int s = 16;
        float[] flat = new float[3 * s * s];
        Arrays.fill(flat, 0, s * s, 0.25f);
        Arrays.fill(flat, s * s, 3 * s * s, -1f);
        assertArrayEquals(flat, ClassImages.blur(flat, s, 1.0), 1e-6f);
        float[] noise = TinyNet.uniform(new SplittableRandom(2), 3 * s * s, -1, 1);
        float[] smooth = ClassImages.blur(noise, s, 1.0);
        assertTrue(variance(smooth) < 0.5 * variance(noise), variance(smooth) + " vs " + variance(noise));
        assertEquals(mean(noise), mean(smooth), 0.02, "a blur with a reflected border keeps the mean, near enough");
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float f : v) {
            s += f;
        }
        return s / v.length;
    }

    private static double variance(float[] v) {
        double m = mean(v);
        double s = 0;
        for (float f : v) {
            s += (f - m) * (f - m);
        }
        return s / v.length;
    }

    @Test
    void badOptionsNameTheOption() {
        for (Runnable r : List.<Runnable>of(
                () -> new ClassImages.Options(0, 0.1, 0, 0, 0, 0, 0.5),
                () -> new ClassImages.Options(1, 0, 0, 0, 0, 0, 0.5),
                () -> new ClassImages.Options(1, 0.1, 0, -1, 0, 0, 0.5),
                () -> new ClassImages.Options(1, 0.1, 0, 0, -1, 0, 0.5),
                () -> new ClassImages.Options(1, 0.1, 0, 0, 0, -2, 0.5),
                () -> new ClassImages.Options(1, 0.1, 0, 0, 0, 0, 0))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
            assertTrue(e.getMessage().matches("(steps|lr|l2|jitter|blurEvery|blurSigma) must .*"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassImages.dream(model, INPUT, 3, null, ClassImages.Options.defaults(), s -> { }));
        assertTrue(e.getMessage().contains("3 classes"), e.getMessage());
    }
}
