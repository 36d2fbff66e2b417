package dev.gargoyle.cli.sample;

import static dev.gargoyle.cli.sample.SceneColours.BACKGROUND;
import static dev.gargoyle.cli.sample.SceneColours.GLASS;
import static dev.gargoyle.cli.sample.SceneColours.STONE;
import static dev.gargoyle.cli.sample.SceneColours.scalar;
import static dev.gargoyle.cli.sample.SceneColours.shade;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Draws one synthetic image of an architectural element for {@link SampleData}: a background, the
 * class's element ({@link SceneElements}) placed at a random position, scale and rotation, clutter,
 * then lighting and noise, all drawn from the random source, so that classes are learnable from
 * shape and layout but not from a single colour or pixel.
 * Hand-written because no library draws such scenes; OpenCV does the rasterising.
 */
final class SampleScenes {
    private final SceneRandom random;
    private final SceneElements elements;
    private final int size;

    SampleScenes(SplittableRandom random, int size) {
        this.random = new SceneRandom(random);
        this.elements = new SceneElements(this.random);
        this.size = size;
    }

    /** Draws class {@code label} ({@link SampleData#CLASSES} order) at {@code size × size}, 8-bit BGR. */
    Mat draw(int label) {
        int canvasSize = Math.max(64, 2 * size);
        Mat canvas = new Mat(canvasSize, canvasSize, CV_8UC3);
        background(canvas);
        Pen pen = new Pen(canvas, random.u(0.62, 1.15), random.u(-10, 10), random.u(-0.14, 0.14),
                random.u(-0.1, 0.1));
        Scalar stone = random.pick(STONE, 18);
        elements.draw(label, pen, stone);
        clutter(Pen.plain(canvas));
        Mat small = new Mat();
        opencv_imgproc.resize(canvas, small, new Size(size, size), 0, 0, opencv_imgproc.INTER_AREA);
        return finish(small);
    }

    /** A vertical gradient between two colours (a 1×2 image stretched), sometimes with mortar lines. */
    private void background(Mat canvas) {
        Scalar top = random.pick(BACKGROUND, 25);
        Scalar bottom = shade(top, random.u(0.6, 1.2));
        Mat ends = new Mat(2, 1, CV_8UC3);
        new Mat(ends, new Rect(0, 0, 1, 1)).put(top);
        new Mat(ends, new Rect(0, 1, 1, 1)).put(bottom);
        opencv_imgproc.resize(ends, canvas, canvas.size(), 0, 0, opencv_imgproc.INTER_LINEAR);
        if (random.chance(0.3)) {
            Pen plain = Pen.plain(canvas);
            Scalar mortar = shade(top, 0.8);
            for (double y = random.u(0.02, 0.1); y < 1; y += random.u(0.07, 0.12)) {
                plain.line(mortar, 0.006, 0, y, 1, y);
            }
        }
    }

    /** Things that belong to no class: wires, birds, blobs, stray windows and a foreground occluder. */
    private void clutter(Pen plain) {
        for (int i = 0, n = random.nextInt(5); i < n; i++) {
            Scalar c = random.chance(0.4) ? random.pick(STONE, 40)
                    : random.chance(0.5) ? random.pick(BACKGROUND, 40) : random.pick(GLASS, 40);
            double x = random.u(0, 1);
            double y = random.u(0, 1);
            switch (random.nextInt(4)) {
                case 0 -> plain.line(c, random.u(0.005, 0.015), x, y, x + random.u(-0.4, 0.4), y + random.u(-0.4, 0.4));
                case 1 -> plain.disc(c, x, y, random.u(0.015, 0.05));
                case 2 -> {
                    double w = random.u(0.02, 0.04);
                    plain.rect(scalar(30, 28, 28), x - w, y, x + w, y + 3 * w);
                    plain.ellipse(scalar(30, 28, 28), -1, x, y, w, w, 0, 180, 360);
                }
                default -> {
                    plain.line(scalar(30, 30, 30), 0.008, x, y, x + 0.03, y + 0.02);
                    plain.line(scalar(30, 30, 30), 0.008, x + 0.03, y + 0.02, x + 0.06, y);
                }
            }
        }
        if (random.chance(0.15)) {
            double x = random.u(-0.2, 0.8);
            double y = random.u(-0.2, 0.8);
            plain.rect(random.pick(BACKGROUND, 40), x, y, x + random.u(0.2, 0.45), y + random.u(0.2, 0.45));
        }
    }

    /** Lighting with a colour cast, sometimes blur, a mirror image, and sensor noise. */
    private Mat finish(Mat image) {
        Mat out = image;
        if (random.chance(0.3)) {
            Mat blurred = new Mat();
            opencv_imgproc.GaussianBlur(out, blurred, new Size(3, 3), random.u(0.4, 1.0));
            out = blurred;
        }
        if (random.chance(0.5)) {
            Mat flipped = new Mat();
            opencv_core.flip(out, flipped, 1);
            out = flipped;
        }
        double light = random.u(0.65, 1.2);
        double[] gain = {light * random.u(0.88, 1.12), light * random.u(0.92, 1.08), light * random.u(0.88, 1.12)};
        light(out, gain, random.u(-30, 25), random.u(2, 16));
        return out;
    }

    /**
     * {@code v·gain[channel] + offset + noise}, clamped, on a continuous 8-bit BGR image: in Java so
     * that the Gaussian noise comes from our seeded source (OpenCV's randn uses a global generator).
     */
    private void light(Mat image, double[] gain, double offset, double sigma) {
        int n = (int) (image.total() * image.channels());
        byte[] pixels = new byte[n];
        BytePointer data = image.data();
        data.get(pixels);
        for (int i = 0; i < n; i++) {
            double v = (pixels[i] & 0xFF) * gain[i % 3] + offset + random.nextGaussian() * sigma;
            pixels[i] = (byte) Math.max(0, Math.min(255, Math.round(v)));
        }
        data.put(pixels);
    }
}
