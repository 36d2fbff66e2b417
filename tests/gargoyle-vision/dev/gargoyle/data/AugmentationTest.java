package dev.gargoyle.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // PointerScopes free the Mats made in their bodies
class AugmentationTest {
    @TempDir
    Path dir;

    private static byte[] load(Path file, int size, Augmentation a, long seed) {
        try (BytePointer out = new BytePointer((long) size * size * 3); PointerScope scope = new PointerScope()) {
            ImageOps.load(file, size, a, seed, Images.DEFAULT_MAX_PIXELS, ImageOps.rgbView(out, 0, size));
            byte[] bytes = new byte[size * size * 3];
            out.get(bytes);
            return bytes;
        }
    }

    /** The file decoded by OpenCV directly, as RGB bytes: the reference the tests compare with. */
    private static byte[] decodedRgb(Path file, int resizeTo) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try (PointerScope scope = new PointerScope()) {
            Mat m = opencv_imgcodecs.imdecode(new Mat(new BytePointer(bytes)), opencv_imgcodecs.IMREAD_COLOR);
            if (resizeTo > 0) {
                Mat r = new Mat();
                opencv_imgproc.resize(m, r, new Size(resizeTo, resizeTo), 0, 0, opencv_imgproc.INTER_AREA);
                m = r;
            }
            byte[] bgr = new byte[(int) (m.total() * 3)];
            m.data().get(bgr);
            byte[] rgb = new byte[bgr.length];
            for (int i = 0; i < bgr.length; i += 3) {
                rgb[i] = bgr[i + 2];
                rgb[i + 1] = bgr[i + 1];
                rgb[i + 2] = bgr[i];
            }
            return rgb;
        }
    }

    @Test
    void keepsTheRequestedShapeAndIsDeterministicPerSeed() throws IOException {
        Path file = TestImages.noise(dir.resolve("wide.png"), 50, 30, 1);
        Augmentation a = Augmentation.standard();
        byte[] first = load(file, 24, a, 42);
        assertEquals(24 * 24 * 3, first.length);
        assertArrayEquals(first, load(file, 24, a, 42), "same seed, same image");
        Set<String> distinct = new HashSet<>();
        for (long seed = 0; seed < 8; seed++) {
            distinct.add(java.util.Arrays.toString(load(file, 24, a, seed)));
        }
        assertEquals(8, distinct.size(), "every seed gives another augmentation");
    }

    @Test
    void noneIsExactlyTheResizedImage() throws IOException {
        Path file = TestImages.noise(dir.resolve("n.png"), 40, 40, 2);
        assertArrayEquals(decodedRgb(file, 16), load(file, 16, Augmentation.none(), 3));
        assertArrayEquals(decodedRgb(file, 0), load(file, 40, Augmentation.none(), 3), "same size: untouched");
    }

    @Test
    void flipMirrorsEachRow() throws IOException {
        Path file = TestImages.noise(dir.resolve("f.png"), 12, 12, 3);
        Augmentation flipOnly = new Augmentation(1, 1, 1, 1, 1.0, 0, 0, 0);
        byte[] original = decodedRgb(file, 0);
        byte[] flipped = load(file, 12, flipOnly, 9);
        for (int y = 0; y < 12; y++) {
            for (int x = 0; x < 12; x++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(original[(y * 12 + (11 - x)) * 3 + c], flipped[(y * 12 + x) * 3 + c]);
                }
            }
        }
    }

    @Test
    void rotationReflectsTheBorderSoASolidImageStaysSolid() throws IOException {
        Path solid = TestImages.solid(dir.resolve("s.png"), 20, 20, 90, 140, 190);
        Augmentation rotateOnly = new Augmentation(1, 1, 1, 1, 0, 10, 0, 0);
        Path noise = TestImages.noise(dir.resolve("r.png"), 20, 20, 4);
        assertFalse(java.util.Arrays.equals(decodedRgb(noise, 0), load(noise, 20, rotateOnly, 5)), "it does rotate");
        for (long seed = 0; seed < 5; seed++) {
            assertArrayEquals(TestImages.solidRgb(20, 90, 140, 190), load(solid, 20, rotateOnly, seed),
                    "a constant border would leave dark corners");
        }
    }

    @Test
    void brightnessScalesASolidImageWithinItsRange() throws IOException {
        Path file = TestImages.solid(dir.resolve("g.png"), 30, 30, 100, 100, 100);
        Set<Integer> levels = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            byte[] out = load(file, 16, Augmentation.standard(), seed);
            int v = out[0] & 0xFF;
            for (byte b : out) {
                assertEquals(v, b & 0xFF, "crop, flip and rotation keep a solid image solid; contrast leaves its mean");
            }
            assertTrue(v >= 80 && v <= 120, "brightness ±0.2 of 100 gave " + v);
            levels.add(v);
        }
        assertTrue(levels.size() >= 8, "brightness varies: " + levels);
    }

    @Test
    void cropsStayInsideTheImageWithinAreaAndAspectBounds() {
        Augmentation a = Augmentation.standard();
        double minArea = 1;
        double maxArea = 0;
        try (PointerScope scope = new PointerScope()) {
            for (long seed = 0; seed < 2000; seed++) {
                Rect r = ImageOps.cropRect(100, 80, a, new SplittableRandom(seed));
                assertTrue(r.x() >= 0 && r.y() >= 0 && r.x() + r.width() <= 100 && r.y() + r.height() <= 80,
                        "crop " + r.x() + "," + r.y() + " " + r.width() + "x" + r.height());
                double area = (double) r.width() * r.height() / 8000;
                double aspect = (double) r.width() / r.height();
                assertTrue(area >= 0.79 && area <= 1.01, "area fraction " + area);
                assertTrue(aspect >= 0.74 && aspect <= 1.36, "aspect " + aspect);
                minArea = Math.min(minArea, area);
                maxArea = Math.max(maxArea, area);
            }
        }
        assertTrue(minArea < 0.82 && maxArea > 0.95, "areas span the range: " + minArea + ".." + maxArea);
    }

    @Test
    void badParametersAreRejectedWithTheirValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Augmentation(0.9, 0.8, 1, 1, 0, 0, 0, 0));
        assertTrue(e.getMessage().contains("0.9..0.8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Augmentation.named("heavy"));
        assertTrue(e.getMessage().contains("'heavy'"), e.getMessage());
        assertTrue(Augmentation.named("none").isNone());
        assertEquals(Augmentation.standard(), Augmentation.named("Standard"));
    }
}
