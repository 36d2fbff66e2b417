package dev.gargoyle.data;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT_101;
import static org.bytedeco.opencv.global.opencv_core.CV_16U;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The OpenCV steps of the pipeline: decode a file to 8-bit BGR, resize, augment, and write RGB into
 * a caller's buffer. Every Mat made here belongs to the caller's {@link PointerScope} (each public
 * entry point of the package opens one), so nothing is left to the garbage collector.
 */
final class ImageOps {
    private static final int CROP_TRIES = 10;

    private ImageOps() {
    }

    /**
     * Decodes an image file (read as bytes, so any path works) to 8-bit, 3-channel BGR: gray and
     * palette images are expanded, alpha is dropped, 16-bit samples are scaled by 255/65535 and
     * floating-point ones (taken as 0..1) by 255. What {@link ImageHeader#refusal} refuses (more than
     * {@code maxPixels} pixels, no size in the header, a PNG chunk longer than the file) is never decoded.
     */
    static Mat decodeBgr(Path file, long maxPixels) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UnreadableImageException(file, "cannot read it (" + e.getClass().getSimpleName() + ")", e);
        }
        if (bytes.length == 0) {
            throw new UnreadableImageException(file, "the file is empty", null);
        }
        String refusal = ImageHeader.refusal(bytes, maxPixels);
        if (refusal != null) {
            throw new UnreadableImageException(file, refusal, null);
        }
        Mat decoded;
        try {
            BytePointer data = new BytePointer(bytes);
            Mat encoded = new Mat(1, bytes.length, CV_8UC1, data);
            decoded = opencv_imgcodecs.imdecode(encoded,
                    opencv_imgcodecs.IMREAD_COLOR | opencv_imgcodecs.IMREAD_ANYDEPTH);
        } catch (RuntimeException e) {
            throw new UnreadableImageException(file, "OpenCV failed: " + e.getMessage(), e);
        }
        if (decoded.empty()) {
            throw new UnreadableImageException(file, "OpenCV found no image in its " + bytes.length
                    + " bytes (corrupt, truncated or not an image)", null);
        }
        return to8Bit(decoded, file);
    }

    private static Mat to8Bit(Mat bgr, Path file) {
        int depth = bgr.depth();
        if (depth == CV_8U) {
            return bgr;
        }
        double scale;
        if (depth == CV_16U) {
            scale = 255.0 / 65535.0;
        } else if (depth == CV_32F || depth == CV_64F) {
            scale = 255.0;
        } else {
            throw new UnreadableImageException(file, "unsupported sample type (OpenCV depth " + depth
                    + "); expected 8- or 16-bit unsigned or floating point", null);
        }
        Mat out = new Mat();
        bgr.convertTo(out, CV_8U, scale, 0);
        return out;
    }

    /**
     * {@code src} resized to {@code size × size}: INTER_AREA when shrinking, INTER_LINEAR when
     * growing; {@code src} itself when it already has that size.
     */
    static Mat resize(Mat src, int size) {
        if (src.cols() == size && src.rows() == size) {
            return src;
        }
        int interpolation = size <= src.cols() && size <= src.rows()
                ? opencv_imgproc.INTER_AREA : opencv_imgproc.INTER_LINEAR;
        Mat out = new Mat();
        opencv_imgproc.resize(src, out, new Size(size, size), 0, 0, interpolation);
        return out;
    }

    /**
     * Loads one image into {@code rgb} (a {@code size × size} CV_8UC3 Mat over the caller's memory):
     * decode, then either just resize or, with a random source seeded per sample, augment.
     */
    @SuppressWarnings("try") // the PointerScope frees every Mat made in the body
    static void load(Path file, int size, Augmentation augmentation, long sampleSeed, long maxPixels, Mat rgb) {
        try (PointerScope scope = new PointerScope()) {
            place(decodeBgr(file, maxPixels), size, augmentation, sampleSeed, rgb);
        }
    }

    /** As {@link #load}, from an image decoded already (which is only read). */
    @SuppressWarnings("try") // the PointerScope frees every Mat made in the body
    static void place(Mat bgr, int size, Augmentation augmentation, long sampleSeed, Mat rgb) {
        try (PointerScope scope = new PointerScope()) {
            Mat sized = augmentation.isNone()
                    ? resize(bgr, size)
                    : augment(bgr, size, augmentation, new SplittableRandom(sampleSeed));
            long target = rgb.data().address();
            opencv_imgproc.cvtColor(sized, rgb, opencv_imgproc.COLOR_BGR2RGB);
            if (rgb.data().address() != target) {
                // cvtColor reallocates only when rgb had the wrong size or type: a bug of the caller.
                throw new IllegalStateException("target Mat was " + rgb.rows() + "x" + rgb.cols()
                        + " type " + rgb.type() + ", expected " + size + "x" + size + " CV_8UC3");
            }
        }
    }

    /**
     * Random resized crop of the decoded image to {@code size × size}, horizontal flip, rotation
     * with a reflected border, then brightness and contrast (as torchvision: contrast blends with
     * the mean grey level). Draws the same random numbers in the same order for every image.
     */
    static Mat augment(Mat bgr, int size, Augmentation a, SplittableRandom random) {
        Rect crop = cropRect(bgr.cols(), bgr.rows(), a, random);
        Mat out = resize(new Mat(bgr, crop), size);

        boolean flip = random.nextDouble() < a.flipProbability();
        double angle = uniform(random, -a.maxRotation(), a.maxRotation());
        double brightness = uniform(random, 1 - a.brightness(), 1 + a.brightness());
        double contrast = uniform(random, 1 - a.contrast(), 1 + a.contrast());

        if (flip) {
            Mat flipped = new Mat();
            opencv_core.flip(out, flipped, 1);
            out = flipped;
        }
        if (angle != 0) {
            Point2f centre = new Point2f((size - 1) / 2f, (size - 1) / 2f);
            Mat rotation = opencv_imgproc.getRotationMatrix2D(centre, angle, 1.0);
            Mat rotated = new Mat();
            opencv_imgproc.warpAffine(out, rotated, rotation, new Size(size, size), opencv_imgproc.INTER_LINEAR,
                    BORDER_REFLECT_101, new Scalar());
            out = rotated;
        }
        if (brightness != 1 || contrast != 1) {
            Scalar mean = opencv_core.mean(out);
            double grey = 0.114 * mean.get(0) + 0.587 * mean.get(1) + 0.299 * mean.get(2);
            // brightness b then contrast c around the (brightened) grey mean: c·b·x + (1-c)·b·grey, one pass.
            Mat jittered = new Mat();
            out.convertTo(jittered, -1, contrast * brightness, (1 - contrast) * brightness * grey);
            out = jittered;
        }
        return out;
    }

    /**
     * torchvision's {@code RandomResizedCrop.get_params}: ten tries at a random area and a
     * log-uniform aspect ratio, then a centre crop.
     */
    static Rect cropRect(int width, int height, Augmentation a, SplittableRandom random) {
        double area = (double) width * height;
        double logMin = Math.log(a.minAspect());
        double logMax = Math.log(a.maxAspect());
        for (int attempt = 0; attempt < CROP_TRIES; attempt++) {
            double target = area * uniform(random, a.minArea(), a.maxArea());
            double aspect = Math.exp(uniform(random, logMin, logMax));
            int w = (int) Math.round(Math.sqrt(target * aspect));
            int h = (int) Math.round(Math.sqrt(target / aspect));
            if (w > 0 && h > 0 && w <= width && h <= height) {
                int x = random.nextInt(width - w + 1);
                int y = random.nextInt(height - h + 1);
                return new Rect(x, y, w, h);
            }
        }
        double ratio = (double) width / height;
        int w = width;
        int h = height;
        if (ratio < a.minAspect()) {
            h = Math.max(1, (int) Math.round(w / a.minAspect()));
        } else if (ratio > a.maxAspect()) {
            w = Math.max(1, (int) Math.round(h * a.maxAspect()));
        }
        return new Rect((width - w) / 2, (height - h) / 2, w, h);
    }

    private static double uniform(SplittableRandom random, double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    /** A {@code size × size} CV_8UC3 Mat over {@code memory} from byte {@code offset}; the caller owns the memory. */
    static Mat rgbView(BytePointer memory, long offset, int size) {
        return new Mat(size, size, CV_8UC3, new BytePointer(memory).position(offset));
    }
}
