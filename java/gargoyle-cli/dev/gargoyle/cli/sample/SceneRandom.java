package dev.gargoyle.cli.sample;

import static dev.gargoyle.cli.sample.SceneColours.scalar;

import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The seeded random source of one sample scene and the draws scenes are made of. The scene and its
 * elements share one, so an image depends only on its seed and on the order of the draws.
 */
final class SceneRandom {
    private final SplittableRandom random;

    SceneRandom(SplittableRandom random) {
        this.random = random;
    }

    /** Uniform in {@code [lo, hi)}. */
    double u(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    double nextGaussian() {
        return random.nextGaussian();
    }

    /** A palette colour (RGB) with each channel moved by up to {@code jitter}, as an OpenCV BGR scalar. */
    Scalar pick(int[][] palette, int jitter) {
        int[] rgb = palette[random.nextInt(palette.length)];
        return scalar(rgb[0] + random.nextInt(2 * jitter + 1) - jitter,
                rgb[1] + random.nextInt(2 * jitter + 1) - jitter,
                rgb[2] + random.nextInt(2 * jitter + 1) - jitter);
    }
}
