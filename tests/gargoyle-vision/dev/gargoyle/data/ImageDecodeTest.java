package dev.gargoyle.data;

import static org.bytedeco.opencv.global.opencv_core.CV_16UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_16UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every supported format and sample layout decodes to 8-bit RGB with the values computed by hand. */
class ImageDecodeTest {
    @TempDir
    Path dir;

    private PointerScope scope;

    @BeforeEach
    void openScope() {
        scope = new PointerScope();
    }

    @AfterEach
    void closeScope() {
        scope.close();
    }

    /** Reads back one {@code size × size} image and checks every pixel is {@code (r, g, b)} within {@code tol}. */
    private static void assertSolid(Path file, int size, int r, int g, int b, int tol) {
        byte[] rgb = Images.readRgb(file, size);
        assertEquals(size * size * 3, rgb.length);
        int[] want = {r, g, b};
        for (int i = 0; i < rgb.length; i++) {
            int got = rgb[i] & 0xFF;
            assertTrue(Math.abs(got - want[i % 3]) <= tol,
                    file.getFileName() + ": byte " + i + " is " + got + ", expected " + want[i % 3] + " ± " + tol);
        }
    }

    @Test
    void pngKeepsRgbOrderAndHwcLayout() throws IOException {
        byte[] bgr = {0, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 0, 0, (byte) 255, (byte) 255, (byte) 255};
        Path file = TestImages.write(dir.resolve("quad.png"), new Mat(2, 2, CV_8UC3, new BytePointer(bgr)));
        byte[] rgb = Images.readRgb(file, 2);
        // red, green / blue, white: row-major, each pixel R, G, B
        assertArrayEquals(new byte[] {(byte) 255, 0, 0, 0, (byte) 255, 0, 0, 0, (byte) 255,
            (byte) 255, (byte) 255, (byte) 255}, rgb);
    }

    @Test
    void grayPngBecomesThreeEqualChannels() throws IOException {
        Path file = TestImages.write(dir.resolve("gray.png"), new Mat(5, 7, CV_8UC1, new Scalar(77)));
        assertSolid(file, 5, 77, 77, 77, 0);
    }

    @Test
    void alphaIsDropped() throws IOException {
        Path file = TestImages.write(dir.resolve("bgra.png"), new Mat(4, 4, CV_8UC4, new Scalar(10, 20, 30, 40)));
        assertSolid(file, 4, 30, 20, 10, 0);
    }

    @Test
    void sixteenBitSamplesAreScaledTo8Bit() throws IOException {
        Mat deep = new Mat(4, 4, CV_16UC3, new Scalar(1000, 30000, 65535, 0));
        Path color = TestImages.write(dir.resolve("deep.png"), deep);
        // v · 255 / 65535, rounded: 65535 -> 255, 30000 -> 116.73 -> 117, 1000 -> 3.89 -> 4
        assertSolid(color, 4, 255, 117, 4, 0);
        Path gray = TestImages.write(dir.resolve("deepgray.png"), new Mat(3, 3, CV_16UC1, new Scalar(12345)));
        assertSolid(gray, 3, 48, 48, 48, 0); // 12345 · 255 / 65535 = 48.03
    }

    @Test
    void tiffBmpWebpAndJpegDecode() throws IOException {
        assertSolid(TestImages.solid(dir.resolve("a.tif"), 6, 6, 50, 100, 200), 6, 50, 100, 200, 0);
        assertSolid(TestImages.solid(dir.resolve("a.tiff"), 6, 6, 1, 2, 3), 6, 1, 2, 3, 0);
        assertSolid(TestImages.solid(dir.resolve("a.bmp"), 6, 6, 250, 128, 0), 6, 250, 128, 0, 0);
        Mat webp = new Mat(8, 8, CV_8UC3, new Scalar(33, 66, 99, 0));
        // WEBP quality above 100 is lossless
        assertSolid(TestImages.write(dir.resolve("a.webp"), webp, opencv_imgcodecs.IMWRITE_WEBP_QUALITY, 101),
                8, 99, 66, 33, 0);
        // JPEG is lossy; a solid colour survives to within a few levels
        assertSolid(TestImages.solid(dir.resolve("a.jpeg"), 16, 16, 200, 40, 90), 16, 200, 40, 90, 3);
        assertSolid(TestImages.solid(dir.resolve("UPPER.JPG"), 16, 16, 10, 220, 130), 16, 10, 220, 130, 3);
    }

    @Test
    void nonAsciiPathsWork() throws IOException {
        Path file = TestImages.solid(dir.resolve("sötét katedrális").resolve("画像 ü.png"), 3, 3, 7, 8, 9);
        assertSolid(file, 3, 7, 8, 9, 0);
    }

    @Test
    void shrinkingAveragesBlocks() throws IOException {
        // 4x4 gray in 2x2 blocks; INTER_AREA at half size is the mean of each block
        int[][] px = {{0, 40, 100, 100}, {80, 120, 100, 100}, {10, 10, 255, 251}, {30, 30, 0, 2}};
        byte[] gray = new byte[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                gray[4 * y + x] = (byte) px[y][x];
            }
        }
        Path file = TestImages.write(dir.resolve("blocks.png"), new Mat(4, 4, CV_8UC1, new BytePointer(gray)));
        byte[] rgb = Images.readRgb(file, 2);
        int[] expected = {60, 100, 20, 127}; // (0+40+80+120)/4, 100, (10+10+30+30)/4, (255+251+0+2)/4
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(expected[i], rgb[3 * i + c] & 0xFF, "pixel " + i + " channel " + c);
            }
        }
    }

    @Test
    void growingInterpolatesLinearly() throws IOException {
        byte[] gray = {0, (byte) 200, 0, (byte) 200};
        Path file = TestImages.write(dir.resolve("ramp.png"), new Mat(2, 2, CV_8UC1, new BytePointer(gray)));
        byte[] rgb = Images.readRgb(file, 4);
        // pixel centres at (x + 0.5)/2 - 0.5 = -0.25, 0.25, 0.75, 1.25 (clamped): 0, 50, 150, 200
        int[] row = {0, 50, 150, 200};
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                int got = rgb[3 * (4 * y + x)] & 0xFF;
                assertTrue(Math.abs(got - row[x]) <= 1, "(" + x + "," + y + ") = " + got + ", expected " + row[x]);
            }
        }
    }

    @Test
    void unreadableFilesNameThemselves() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.png"), "this is not a png");
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> Images.readRgb(junk, 4));
        assertEquals(junk, e.file());
        assertTrue(e.getMessage().contains(junk.toString()), e.getMessage());
        Path missing = dir.resolve("missing.jpg");
        e = assertThrows(UnreadableImageException.class, () -> Images.readRgb(missing, 4));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("NoSuchFile"),
                e.getMessage());
    }

    @Test
    void imageExtensionsAreCaseInsensitive() throws IOException {
        for (String name : new String[] {"a.JPG", "b.Jpeg", "c.PNG", "d.bmp", "e.WebP", "f.tif", "g.TIFF"}) {
            assertTrue(Images.isImageFile(Files.writeString(dir.resolve(name), "x")), name);
        }
        for (String name : new String[] {"a.gif", "b.txt", "png", ".c.png", "d.png.bak"}) {
            assertTrue(!Images.isImageFile(Files.writeString(dir.resolve(name), "x")), name);
        }
    }

    /** A format whose size cannot be read before decoding (here PGM, which OpenCV decodes) is refused. */
    @Test
    void aFormatWithoutAReadableSizeIsRefusedBeforeDecoding() throws IOException {
        Path pgm = dir.resolve("gray.pgm");
        try (Mat image = new Mat(4, 4, CV_8UC1, new Scalar(9))) {
            assertTrue(opencv_imgcodecs.imwrite(pgm.toString(), image));
        }
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> Images.readRgb(pgm, 4));
        assertTrue(e.getMessage().contains(pgm.toString()) && e.getMessage().endsWith("not a PNG, JPEG, BMP, TIFF or "
                + "WebP image (no size could be read from its header)"), e.getMessage());
    }

    /** The size every format declares is read from its header alone, as OpenCV would decode it. */
    @Test
    void theHeaderGivesTheSizeOfEveryFormat() throws IOException {
        try (Mat image = new Mat(5, 7, CV_8UC3, new Scalar(10, 200, 30, 0))) {
            for (String ext : new String[] {".png", ".jpg", ".bmp", ".tiff", ".webp"}) {
                for (int quality : ext.equals(".webp") ? new int[] {80, 101} : new int[] {0}) {
                    BytePointer encoded = new BytePointer();
                    assertTrue(ext.equals(".webp")
                            ? opencv_imgcodecs.imencode(ext, image, encoded, new org.bytedeco.javacpp.IntPointer(
                                    opencv_imgcodecs.IMWRITE_WEBP_QUALITY, quality))
                            : opencv_imgcodecs.imencode(ext, image, encoded), ext);
                    byte[] bytes = new byte[(int) encoded.limit()];
                    encoded.get(bytes);
                    assertArrayEquals(new long[] {7, 5}, ImageHeader.size(bytes), ext + " " + quality);
                }
            }
        }
        assertEquals(null, ImageHeader.size("not an image at all, just words".getBytes()));
    }

    /**
     * A PNG that declares 20000x20000 (it would decode to 1.2 GB) is refused before decoding, naming the
     * file and its size; a limit the image fits is no obstacle.
     */
    @Test
    void anImageAboveThePixelLimitIsRefusedBeforeDecoding() throws IOException {
        Path huge = Files.write(dir.resolve("huge.png"), pngHeader(20000, 20000));
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> Images.readRgb(huge, 4));
        assertTrue(e.getMessage().contains(huge.toString()), e.getMessage());
        assertTrue(e.getMessage().endsWith("20000x20000 = 400,000,000 pixels, above the limit of 89,478,485"),
                e.getMessage());
        Path small = dir.resolve("small.png");
        try (Mat image = new Mat(6, 6, CV_8UC3, new Scalar(1, 2, 3, 0))) {
            assertTrue(opencv_imgcodecs.imwrite(small.toString(), image));
        }
        e = assertThrows(UnreadableImageException.class, () -> Images.readRgb(small, 4, 35));
        assertTrue(e.getMessage().endsWith("6x6 = 36 pixels, above the limit of 35"), e.getMessage());
        assertEquals(4 * 4 * 3, Images.readRgb(small, 4, 36).length);
    }

    /** A PNG signature, an IHDR chunk declaring {@code width x height} RGB with its CRC, and IEND. */
    static byte[] pngHeader(int width, int height) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + 25 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        byte[] ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes()).putInt(width).putInt(height)
                .put(new byte[] {8, 2, 0, 0, 0}).array();
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr);
        b.putInt(13).put(ihdr).putInt((int) crc.getValue());
        crc.reset();
        crc.update("IEND".getBytes());
        b.putInt(0).put("IEND".getBytes()).putInt((int) crc.getValue());
        return b.array();
    }
}
