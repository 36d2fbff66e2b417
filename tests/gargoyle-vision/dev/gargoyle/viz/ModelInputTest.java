package dev.gargoyle.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.reference.InputRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelInputTest {
    private static final ModelInput INPUT = new ModelInput(List.of("apse", "gargoyle"), 4,
            new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.5f, 0.25f, 0.2f});

    @Test
    void loadNormalisesAsTrainingDoesAndToPixelsUndoesIt() {
        byte[] rgb = new byte[4 * 4 * 3];
        new SplittableRandom(3).nextBytes(rgb);
        try (Backend b = Backends.create(Device.cpu()); Tensor x = b.allocate(Shape.of(1, 3, 4, 4))) {
            INPUT.load(rgb, x);
            double[] expected = InputRef.imagesToTensor(rgb, 1, 4, 4, INPUT.mean(), INPUT.std());
            float[] got = x.toArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(expected[i], got[i], 1e-6);
            }
            assertArrayEquals(rgb, INPUT.toPixels(got), "a round trip gives the same bytes");
        }
    }

    @Test
    void toPixelsRoundsAndClips() {
        float[] chw = new float[3 * 16];
        // Channel 0 (mean 0.5, std 0.5): 2 -> 1.5 -> 255 (clipped); -3 -> -1 -> 0; 0.1 -> 0.55 -> 140.25 -> 140.
        chw[0] = 2;
        chw[1] = -3;
        chw[2] = 0.1f;
        byte[] px = INPUT.toPixels(chw);
        assertEquals(255, px[0] & 0xff);
        assertEquals(0, px[3] & 0xff);
        assertEquals(140, px[6] & 0xff);
        assertEquals(Math.round(0.4 * 255), px[1] & 0xff, "channel 1 at zero is its mean");
    }

    @Test
    void anUnknownClassListsTheClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> INPUT.classIndex("dome"));
        assertTrue(e.getMessage().contains("class 'dome' is not in the model; classes are: apse, gargoyle"),
                e.getMessage());
        assertEquals(1, INPUT.classIndex("gargoyle"));
    }
}
