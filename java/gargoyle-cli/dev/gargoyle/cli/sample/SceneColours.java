package dev.gargoyle.cli.sample;

import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The colours of the sample scenes: RGB palettes shared by all classes, so colour alone never gives
 * a class away, and the conversions to OpenCV's BGR scalars.
 */
final class SceneColours {
    static final int[][] STONE = {
        {190, 190, 185}, {205, 180, 140}, {215, 200, 170}, {120, 118, 122}, {165, 95, 75},
        {230, 228, 220}, {135, 105, 80}, {190, 155, 95}, {160, 165, 150},
    };
    static final int[][] BACKGROUND = {
        {135, 175, 220}, {190, 210, 232}, {170, 170, 178}, {222, 165, 125}, {62, 72, 112},
        {62, 52, 46}, {122, 96, 72}, {202, 192, 172}, {140, 140, 142}, {95, 120, 90},
    };
    static final int[][] GLASS = {
        {200, 30, 40}, {30, 60, 190}, {30, 150, 60}, {230, 200, 40}, {120, 40, 150}, {230, 120, 30}, {40, 170, 200},
    };
    static final int[][] ROOF = {
        {90, 150, 130}, {110, 115, 128}, {180, 100, 70}, {200, 170, 80}, {60, 90, 160}, {70, 60, 60},
    };
    static final int[][] CLOTH = {
        {238, 235, 225}, {170, 30, 40}, {40, 110, 60}, {100, 40, 120}, {210, 175, 70},
    };

    private SceneColours() {
    }

    static Scalar scalar(int r, int g, int b) {
        return new Scalar(clamp(b), clamp(g), clamp(r), 0);
    }

    static Scalar shade(Scalar c, double f) {
        return new Scalar(clamp(c.get(0) * f), clamp(c.get(1) * f), clamp(c.get(2) * f), 0);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(255, v));
    }
}
