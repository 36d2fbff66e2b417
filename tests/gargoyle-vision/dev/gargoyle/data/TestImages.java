package dev.gargoyle.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Writes small image files with OpenCV's encoder for the data tests. */
@SuppressWarnings("try") // PointerScopes free the Mats made in their bodies
final class TestImages {
    private TestImages() {
    }

    /** Encodes {@code image} by the extension of {@code file} and writes it (any path, via bytes). */
    static Path write(Path file, Mat image, int... params) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            BytePointer out = new BytePointer();
            String name = file.getFileName().toString();
            String ext = name.substring(name.lastIndexOf('.'));
            if (!opencv_imgcodecs.imencode(ext, image, out, new IntPointer(params))) {
                throw new IOException("OpenCV could not encode " + ext);
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        }
    }

    /** A solid RGB colour image. */
    static Path solid(Path file, int width, int height, int r, int g, int b) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            return write(file, new Mat(height, width, CV_8UC3, new Scalar(b, g, r, 0)));
        }
    }

    /** Uniform noise, RGB, seeded: a textured image on which every augmentation step shows. */
    static Path noise(Path file, int width, int height, long seed) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            byte[] pixels = new byte[width * height * 3];
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (byte) random.nextInt(256);
            }
            Mat m = new Mat(height, width, CV_8UC3, new BytePointer(pixels));
            return write(file, m);
        }
    }

    /** Packed RGB bytes of a {@code size × size} image of one colour. */
    static byte[] solidRgb(int size, int r, int g, int b) {
        byte[] out = new byte[size * size * 3];
        for (int i = 0; i < out.length; i += 3) {
            out[i] = (byte) r;
            out[i + 1] = (byte) g;
            out[i + 2] = (byte) b;
        }
        return out;
    }
}
