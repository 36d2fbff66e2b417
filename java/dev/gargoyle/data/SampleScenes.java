package dev.gargoyle.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
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
 * Draws one synthetic image of an architectural element for {@link SampleData}: each class is a
 * family of shapes (arches, shafts, domes, panes, struts, ...) whose proportions, colours, position,
 * scale, rotation, background, clutter, lighting and noise are all drawn from the random source, so
 * that classes are learnable from shape and layout but not from a single colour or pixel.
 * Hand-written because no library draws such scenes; OpenCV does the rasterising.
 */
final class SampleScenes {
    /** RGB palettes shared by all classes, so colour alone never gives a class away. */
    private static final int[][] STONE = {
        {190, 190, 185}, {205, 180, 140}, {215, 200, 170}, {120, 118, 122}, {165, 95, 75},
        {230, 228, 220}, {135, 105, 80}, {190, 155, 95}, {160, 165, 150},
    };
    private static final int[][] BACKGROUND = {
        {135, 175, 220}, {190, 210, 232}, {170, 170, 178}, {222, 165, 125}, {62, 72, 112},
        {62, 52, 46}, {122, 96, 72}, {202, 192, 172}, {140, 140, 142}, {95, 120, 90},
    };
    private static final int[][] GLASS = {
        {200, 30, 40}, {30, 60, 190}, {30, 150, 60}, {230, 200, 40}, {120, 40, 150}, {230, 120, 30}, {40, 170, 200},
    };
    private static final int[][] ROOF = {
        {90, 150, 130}, {110, 115, 128}, {180, 100, 70}, {200, 170, 80}, {60, 90, 160}, {70, 60, 60},
    };
    private static final int[][] CLOTH = {
        {238, 235, 225}, {170, 30, 40}, {40, 110, 60}, {100, 40, 120}, {210, 175, 70},
    };

    private final SplittableRandom random;
    private final int size;

    SampleScenes(SplittableRandom random, int size) {
        this.random = random;
        this.size = size;
    }

    /** Draws class {@code label} ({@link SampleData#CLASSES} order) at {@code size × size}, 8-bit BGR. */
    Mat draw(int label) {
        int canvasSize = Math.max(64, 2 * size);
        Mat canvas = new Mat(canvasSize, canvasSize, CV_8UC3);
        background(canvas);
        Pen pen = new Pen(canvas, u(0.62, 1.15), u(-10, 10), u(-0.14, 0.14), u(-0.1, 0.1));
        Scalar stone = pick(STONE, 18);
        switch (label) {
            case 0 -> altar(pen, stone);
            case 1 -> apse(pen, stone);
            case 2 -> bellTower(pen, stone);
            case 3 -> column(pen, stone);
            case 4 -> domeInner(pen, stone);
            case 5 -> domeOuter(pen, stone);
            case 6 -> flyingButtress(pen, stone);
            case 7 -> gargoyle(pen, stone);
            case 8 -> stainedGlass(pen, stone);
            case 9 -> vault(pen, stone);
            default -> throw new IllegalArgumentException("no scene for class " + label);
        }
        clutter(Pen.plain(canvas));
        Mat small = new Mat();
        opencv_imgproc.resize(canvas, small, new Size(size, size), 0, 0, opencv_imgproc.INTER_AREA);
        return finish(small);
    }

    // ---- the ten elements --------------------------------------------------------------------

    private void altar(Pen p, Scalar stone) {
        double w = u(0.22, 0.36);
        double top = u(0.5, 0.6);
        double bottom = u(0.8, 0.88);
        if (chance(0.5)) {
            double rw = w * u(0.6, 0.9);
            Scalar panel = chance(0.5) ? pick(ROOF, 20) : shade(stone, 0.8);
            p.rect(panel, 0.5 - rw, u(0.12, 0.25), 0.5 + rw, top);
            p.ellipse(shade(panel, 0.6), -1, 0.5, top - 0.12, rw * 0.5, rw * 0.5, 0, 180, 360);
            p.rect(shade(panel, 0.6), 0.5 - rw * 0.5, top - 0.12, 0.5 + rw * 0.5, top - 0.02);
        }
        for (int step = 0, steps = random.nextInt(3); step < steps; step++) {
            double y = bottom + step * 0.05;
            double reach = w + 0.06 * (step + 1);
            p.rect(shade(stone, 0.85 - 0.1 * step), 0.5 - reach, y, 0.5 + reach, y + 0.05);
        }
        Scalar cloth = chance(0.7) ? pick(CLOTH, 15) : shade(stone, 0.9);
        p.rect(cloth, 0.5 - w, top, 0.5 + w, bottom);
        p.rect(shade(stone, 1.15), 0.5 - w - 0.03, top - 0.035, 0.5 + w + 0.03, top);
        Scalar trim = chance(0.5) ? pick(GLASS, 20) : shade(cloth, 0.6);
        switch (random.nextInt(3)) {
            case 0 -> {
                p.rect(trim, 0.5 - 0.015, top + 0.05, 0.5 + 0.015, bottom - 0.04);
                p.rect(trim, 0.5 - 0.06, top + 0.1, 0.5 + 0.06, top + 0.13);
            }
            case 1 -> {
                for (double x = 0.5 - w + 0.05; x < 0.5 + w - 0.02; x += u(0.05, 0.08)) {
                    p.line(trim, 0.01, x, top + 0.02, x, bottom - 0.02);
                }
            }
            default -> {
                int arches = 2 + random.nextInt(3);
                double aw = 2 * w / arches;
                for (int i = 0; i < arches; i++) {
                    double cx = 0.5 - w + aw * (i + 0.5);
                    p.ellipse(trim, 0.012, cx, top + 0.1, aw * 0.35, aw * 0.35, 0, 180, 360);
                    p.line(trim, 0.012, cx - aw * 0.35, top + 0.1, cx - aw * 0.35, bottom - 0.03);
                    p.line(trim, 0.012, cx + aw * 0.35, top + 0.1, cx + aw * 0.35, bottom - 0.03);
                }
            }
        }
        int candles = 2 * (1 + random.nextInt(3));
        double height = u(0.07, 0.14);
        Scalar candle = chance(0.5) ? scalar(240, 235, 215) : scalar(200, 170, 80);
        for (int i = 0; i < candles; i++) {
            double x = 0.5 - w + 0.04 + (2 * w - 0.08) * i / (candles - 1);
            p.rect(candle, x - 0.01, top - 0.035 - height, x + 0.01, top - 0.035);
            p.disc(scalar(250, 200, 60), x, top - 0.05 - height, 0.014);
        }
        if (chance(0.5)) {
            p.rect(scalar(200, 170, 80), 0.49, top - 0.035 - height * 1.6, 0.51, top - 0.035);
            p.rect(scalar(200, 170, 80), 0.46, top - 0.035 - height * 1.3, 0.54, top - 0.02 - height * 1.3);
        }
    }

    private void apse(Pen p, Scalar stone) {
        double halfWidth = u(0.26, 0.36);
        double spring = u(0.38, 0.5);
        double rise = u(0.2, 0.3);
        Scalar inside = shade(stone, u(0.45, 0.7));
        p.rect(shade(stone, 1.05), 0.0, 0.0, 1.0, 1.0);
        p.rect(inside, 0.5 - halfWidth, spring, 0.5 + halfWidth, 1.0);
        Scalar dome = chance(0.35) ? scalar(200, 165, 70) : shade(inside, 0.85);
        p.ellipse(dome, -1, 0.5, spring, halfWidth, rise, 0, 180, 360);
        for (int i = 1; i <= 2; i++) {
            p.ellipse(shade(dome, 0.8), 0.008, 0.5, spring, halfWidth * i / 3, rise * i / 3, 0, 180, 360);
        }
        int windows = 3 + random.nextInt(3);
        Scalar light = pick(new int[][] {{235, 230, 190}, {190, 215, 240}, {250, 250, 240}}, 10);
        double wy = spring + u(0.08, 0.16);
        for (int i = 0; i < windows; i++) {
            double t = (i + 0.5) / windows * 2 - 1;
            double x = 0.5 + t * halfWidth * 0.8;
            double ww = 0.035 * (1 - 0.4 * Math.abs(t));
            double wh = u(0.14, 0.2);
            p.rect(light, x - ww, wy, x + ww, wy + wh);
            p.ellipse(light, -1, x, wy, ww, ww, 0, 180, 360);
        }
        p.ellipse(shade(stone, 1.25), 0.03, 0.5, spring, halfWidth, rise, 0, 180, 360);
        p.line(shade(stone, 1.25), 0.03, 0.5 - halfWidth, spring, 0.5 - halfWidth, 1.0);
        p.line(shade(stone, 1.25), 0.03, 0.5 + halfWidth, spring, 0.5 + halfWidth, 1.0);
        p.rect(shade(inside, 0.6), 0.5 - halfWidth, u(0.84, 0.92), 0.5 + halfWidth, 1.0);
    }

    private void bellTower(Pen p, Scalar stone) {
        if (chance(0.6)) {
            Scalar church = shade(stone, 0.9);
            double roofY = u(0.66, 0.78);
            p.rect(church, 0.0, roofY, 1.0, 1.05);
            p.fill(pick(ROOF, 20), -0.05, roofY, 1.05, roofY, 0.85, roofY - 0.1, 0.15, roofY - 0.1);
        }
        double cx = u(0.42, 0.58);
        double w = u(0.08, 0.14);
        double top = u(0.26, 0.36);
        p.rect(stone, cx - w, top, cx + w, 1.05);
        for (double y = top + u(0.1, 0.16); y < 1.0; y += u(0.14, 0.22)) {
            p.line(shade(stone, 0.75), 0.01, cx - w, y, cx + w, y);
        }
        int stories = 1 + random.nextInt(2);
        int openings = 1 + random.nextInt(2);
        Scalar dark = scalar(28, 24, 24);
        boolean pointed = chance(0.5);
        for (int s = 0; s < stories; s++) {
            double y0 = top + 0.06 + s * 0.16;
            double ow = w * 0.7 / openings;
            for (int i = 0; i < openings; i++) {
                double ox = cx - w + (2 * w) * (i + 0.5) / openings;
                p.rect(dark, ox - ow, y0 + ow, ox + ow, y0 + 0.12);
                if (pointed) {
                    p.fill(dark, ox - ow, y0 + ow, ox, y0 - ow * 0.6, ox + ow, y0 + ow);
                } else {
                    p.ellipse(dark, -1, ox, y0 + ow, ow, ow, 0, 180, 360);
                }
                if (s == 0 && chance(0.5)) {
                    p.fill(scalar(160, 130, 60), ox - ow * 0.6, y0 + 0.1, ox + ow * 0.6, y0 + 0.1,
                            ox + ow * 0.3, y0 + 0.05,
                            ox - ow * 0.3, y0 + 0.05);
                }
            }
        }
        if (chance(0.4)) {
            double y = top + 0.06 + stories * 0.16 + 0.05;
            p.disc(scalar(235, 232, 220), cx, y, w * 0.55);
            p.line(dark, 0.01, cx, y, cx, y - w * 0.4);
            p.line(dark, 0.01, cx, y, cx + w * 0.3, y + w * 0.1);
        }
        for (double y = 0.7; y < 0.95; y += 0.12) {
            p.rect(dark, cx - 0.01, y, cx + 0.01, y + 0.05);
        }
        switch (random.nextInt(3)) {
            case 0 -> p.fill(pick(ROOF, 20), cx - w * 1.1, top, cx, top - u(0.15, 0.26), cx + w * 1.1, top);
            case 1 -> p.fill(pick(ROOF, 20), cx - w * 1.15, top, cx, top - u(0.06, 0.1), cx + w * 1.15, top);
            default -> {
                for (int i = 0; i < 4; i++) {
                    double x = cx - w + (2 * w) * i / 3.5;
                    p.rect(stone, x, top - 0.04, x + w * 0.28, top + 0.001);
                }
            }
        }
    }

    private void column(Pen p, Scalar stone) {
        int count = 1 + random.nextInt(3);
        double w = u(0.045, 0.08);
        double top = u(0.16, 0.26);
        double bottom = u(0.8, 0.9);
        if (chance(0.6)) {
            p.rect(shade(stone, 0.9), -0.1, top - 0.1, 1.1, top - 0.03);
            p.line(shade(stone, 0.65), 0.01, -0.1, top - 0.065, 1.1, top - 0.065);
        }
        p.rect(shade(stone, 0.7), -0.1, bottom + 0.07, 1.1, 1.1);
        boolean fluted = chance(0.5);
        boolean ionic = chance(0.3);
        for (int i = 0; i < count; i++) {
            double cx = count == 1 ? 0.5 : 0.2 + 0.6 * i / (count - 1);
            p.rect(stone, cx - w, top, cx + w, bottom);
            p.rect(shade(stone, 1.2), cx - w * 0.5, top, cx - w * 0.1, bottom);
            p.rect(shade(stone, 0.7), cx + w * 0.55, top, cx + w, bottom);
            if (fluted) {
                for (double fx = cx - w * 0.8; fx < cx + w * 0.8; fx += w * 0.4) {
                    p.line(shade(stone, 0.6), 0.006, fx, top + 0.02, fx, bottom - 0.02);
                }
            }
            p.rect(shade(stone, 0.95), cx - w * 1.5, top - 0.03, cx + w * 1.5, top + 0.02);
            p.fill(shade(stone, 0.85), cx - w * 1.4, top + 0.02, cx + w * 1.4, top + 0.02,
                    cx + w, top + 0.06, cx - w, top + 0.06);
            if (ionic) {
                p.ring(shade(stone, 0.6), 0.008, cx - w * 1.3, top + 0.03, w * 0.35);
                p.ring(shade(stone, 0.6), 0.008, cx + w * 1.3, top + 0.03, w * 0.35);
            }
            p.rect(shade(stone, 0.9), cx - w * 1.4, bottom, cx + w * 1.4, bottom + 0.035);
            p.rect(shade(stone, 0.8), cx - w * 1.6, bottom + 0.035, cx + w * 1.6, bottom + 0.07);
        }
    }

    private void domeInner(Pen p, Scalar stone) {
        double cx = 0.5 + u(-0.06, 0.06);
        double cy = 0.5 + u(-0.06, 0.06);
        double r = u(0.36, 0.5);
        p.rect(shade(stone, 0.4), -0.2, -0.2, 1.2, 1.2);
        int rings = 3 + random.nextInt(4);
        for (int i = 0; i < rings; i++) {
            double ri = r * (1 - (double) i / rings);
            p.disc(shade(stone, 0.6 + 0.5 * i / rings), cx, cy, ri);
        }
        if (chance(0.6)) {
            Scalar light = scalar(245, 240, 210);
            int windows = 8 + random.nextInt(8);
            for (int i = 0; i < windows; i++) {
                double a = 2 * Math.PI * i / windows;
                p.ellipse(light, -1, cx + 0.88 * r * Math.cos(a), cy + 0.88 * r * Math.sin(a), r * 0.07, r * 0.04,
                        Math.toDegrees(a), 0, 360);
            }
        }
        int ribs = 8 + 2 * random.nextInt(5);
        Scalar rib = chance(0.5) ? shade(stone, 0.45) : shade(stone, 1.3);
        boolean coffers = chance(0.4);
        for (int i = 0; i < ribs; i++) {
            double a = 2 * Math.PI * i / ribs;
            p.line(rib, 0.012, cx + 0.14 * r * Math.cos(a), cy + 0.14 * r * Math.sin(a), cx + r * Math.cos(a),
                    cy + r * Math.sin(a));
            if (coffers) {
                double b = a + Math.PI / ribs;
                for (double f = 0.3; f < 0.8; f += 0.17) {
                    p.disc(shade(stone, 0.45), cx + f * r * Math.cos(b), cy + f * r * Math.sin(b),
                            r * 0.045 * (0.5 + f));
                }
            }
        }
        p.disc(pick(new int[][] {{250, 250, 235}, {170, 205, 240}}, 10), cx, cy, r * u(0.08, 0.14));
    }

    private void domeOuter(Pen p, Scalar stone) {
        double w = u(0.26, 0.36);
        double base = u(0.6, 0.68);
        double drum = u(0.1, 0.16);
        double h = u(0.2, 0.32);
        p.rect(shade(stone, 0.9), 0.02, base + drum, 0.98, 1.05);
        p.rect(stone, 0.5 - w, base, 0.5 + w, base + drum);
        int windows = 4 + random.nextInt(4);
        for (int i = 0; i < windows; i++) {
            double x = 0.5 - w + 2 * w * (i + 0.5) / windows;
            p.rect(scalar(35, 30, 30), x - 0.015, base + drum * 0.3, x + 0.015, base + drum * 0.8);
        }
        Scalar roof = pick(ROOF, 20);
        p.ellipse(roof, -1, 0.5, base, w * 0.96, h, 0, 180, 360);
        for (double f = 0.3; f < 0.95; f += 0.3) {
            p.ellipse(shade(roof, 1.3), 0.008, 0.5, base, w * 0.96 * f, h, 0, 180, 360);
        }
        p.rect(shade(stone, 1.1), 0.5 - w - 0.02, base - 0.015, 0.5 + w + 0.02, base + 0.01);
        double apex = base - h;
        p.rect(stone, 0.48, apex - 0.07, 0.52, apex + 0.01);
        p.ellipse(roof, -1, 0.5, apex - 0.07, 0.03, 0.03, 0, 180, 360);
        if (chance(0.6)) {
            p.line(scalar(200, 170, 80), 0.008, 0.5, apex - 0.1, 0.5, apex - 0.16);
            p.line(scalar(200, 170, 80), 0.008, 0.48, apex - 0.14, 0.52, apex - 0.14);
        }
    }

    private void flyingButtress(Pen p, Scalar stone) {
        double wallX = u(0.6, 0.7);
        p.rect(stone, wallX, 0.0, 1.1, 1.1);
        p.rect(scalar(30, 28, 30), wallX + 0.08, u(0.12, 0.2), wallX + 0.16, 0.55);
        p.fill(scalar(30, 28, 30), wallX + 0.08, 0.2, wallX + 0.12, 0.1, wallX + 0.16, 0.2);
        double aisle = u(0.72, 0.8);
        p.fill(shade(stone, 0.75), 0.0, aisle + 0.1, wallX, aisle - 0.1, wallX, 1.1, 0.0, 1.1);
        int bays = 1 + random.nextInt(2);
        for (int b = bays - 1; b >= 0; b--) {
            double shift = b * u(0.07, 0.1);
            Scalar tone = shade(stone, 1.0 - 0.2 * b);
            double pierX = u(0.12, 0.2) + shift;
            double pierTop = u(0.38, 0.48) - shift;
            p.rect(tone, pierX, pierTop, pierX + 0.1, 1.1);
            p.fill(tone, pierX - 0.01, pierTop, pierX + 0.05, pierTop - u(0.12, 0.2), pierX + 0.11, pierTop);
            int struts = 1 + random.nextInt(2);
            for (int s = 0; s < struts; s++) {
                double y1 = pierTop + 0.04 + s * 0.18;
                double y2 = y1 - u(0.12, 0.22);
                double t = 0.035;
                double[] under = Pen.bezier(wallX, y2 + t, pierX + 0.14, y2 + t, pierX + 0.1, y1 + 0.22, 12);
                double[] xy = new double[4 + under.length];
                xy[0] = pierX + 0.1;
                xy[1] = y1;
                xy[2] = wallX;
                xy[3] = y2;
                System.arraycopy(under, 0, xy, 4, under.length);
                p.fill(tone, xy);
                p.line(shade(tone, 0.7), 0.01, pierX + 0.1, y1, wallX, y2);
            }
        }
    }

    private void gargoyle(Pen p, Scalar stone) {
        double wallX = u(0.12, 0.25);
        p.rect(shade(stone, 0.95), -0.1, -0.1, wallX, 1.1);
        for (double y = u(0.05, 0.12); y < 1.0; y += 0.12) {
            p.line(shade(stone, 0.7), 0.008, -0.1, y, wallX, y);
        }
        if (chance(0.5)) {
            p.rect(shade(stone, 1.1), -0.1, 0.3, wallX + 0.06, 0.35);
        }
        Scalar body = shade(stone, u(0.55, 0.85));
        double cy = u(0.45, 0.58);
        double tilt = u(-15, 15);
        double headX = u(0.66, 0.74);
        double hy = cy + (headX - 0.4) * Math.tan(Math.toRadians(tilt));
        p.ellipse(body, -1, 0.4, cy, headX - 0.4 + 0.02, u(0.06, 0.09), tilt, 0, 360);
        p.rect(body, wallX - 0.02, cy - 0.06, 0.35, cy + 0.06);
        if (chance(0.4)) {
            p.fill(shade(body, 0.85), 0.3, cy - 0.04, 0.45, cy - u(0.22, 0.32), 0.55, cy - 0.05);
        }
        for (int leg = 0; leg < 2; leg++) {
            double lx = 0.34 + 0.12 * leg;
            p.line(body, 0.025, lx, cy + 0.04, lx + 0.02, cy + 0.14);
            p.line(body, 0.012, lx + 0.02, cy + 0.14, lx + 0.05, cy + 0.15);
        }
        double r = u(0.09, 0.12);
        p.disc(body, headX, hy, r);
        double jaw = u(0.04, 0.09);
        p.fill(body, headX, hy - r * 0.6, headX + r * 1.9, hy - r * 0.1, headX + r * 1.7, hy + r * 0.2,
                headX, hy + r * 0.2);
        p.fill(body, headX, hy + r * 0.35, headX + r * 1.5, hy + r * 0.35 + jaw, headX + r * 1.3, hy + r * 0.6 + jaw,
                headX, hy + r);
        if (chance(0.5)) {
            for (double tx = headX + r * 0.5; tx < headX + r * 1.6; tx += r * 0.35) {
                p.fill(scalar(230, 225, 210), tx, hy + r * 0.2, tx + r * 0.15, hy + r * 0.2,
                        tx + r * 0.075, hy + r * 0.4);
            }
        }
        p.fill(shade(body, 0.8), headX - r * 0.3, hy - r * 0.7, headX - r * u(0.6, 1.1), hy - r * u(1.6, 2.4),
                headX + r * 0.1, hy - r * 0.8);
        if (chance(0.6)) {
            p.fill(shade(body, 0.8), headX + r * 0.1, hy - r * 0.8, headX + r * 0.3, hy - r * u(1.5, 2.2),
                    headX + r * 0.5, hy - r * 0.6);
        }
        p.disc(chance(0.3) ? scalar(240, 200, 60) : scalar(20, 18, 18), headX + r * 0.5, hy - r * 0.3, r * 0.18);
        p.line(shade(body, 0.5), 0.012, headX + r * 0.2, hy - r * 0.55, headX + r * 0.8, hy - r * 0.45);
        if (chance(0.3)) {
            p.curve(scalar(200, 220, 240), 0.012, headX + r * 1.4, hy + r * 0.4, headX + r * 2.2, hy + r * 0.6,
                    headX + r * 2.4, 1.1);
        }
    }

    private void stainedGlass(Pen p, Scalar stone) {
        Scalar wall = shade(stone, u(0.35, 0.7));
        p.rect(wall, -0.2, -0.2, 1.2, 1.2);
        Mat panes = new Mat(p.canvas().size(), CV_8UC3, new Scalar(0, 0, 0, 0));
        Mat mask = new Mat(p.canvas().size(), CV_8UC1, new Scalar(0, 0, 0, 0));
        Pen glass = p.onto(panes);
        Pen shape = p.onto(mask);
        Scalar lead = scalar(25, 22, 22);
        Scalar on = new Scalar(255, 255, 255, 0);
        if (chance(0.6)) {
            double w = u(0.16, 0.28);
            double top = u(0.06, 0.14);
            double spring = top + w * 1.4;
            double[] arch = lancet(0.5, w, top, spring, u(0.85, 0.94));
            shape.fill(on, arch);
            int rows = 4 + random.nextInt(5);
            int cols = 2 + random.nextInt(3);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    double x0 = 0.5 - w + 2 * w * c / cols;
                    double y0 = top + (0.94 - top) * r / rows;
                    glass.rect(pick(GLASS, 25), x0, y0, x0 + 2 * w / cols, y0 + (0.94 - top) / rows);
                    if (chance(0.3)) {
                        glass.disc(pick(GLASS, 25), x0 + w / cols, y0 + (0.94 - top) / rows / 2, w / cols * 0.6);
                    }
                }
            }
            copyMasked(panes, mask, p.canvas());
            for (int r = 1; r < rows; r++) {
                double y = top + (0.94 - top) * r / rows;
                p.line(lead, 0.012, 0.5 - w, Math.max(y, spring - w), 0.5 + w, Math.max(y, spring - w));
            }
            for (int c = 1; c < cols; c++) {
                double x = 0.5 - w + 2 * w * c / cols;
                p.line(chance(0.5) ? lead : shade(stone, 1.1), 0.018, x, top + 0.1, x, 0.94);
            }
            p.stroke(shade(stone, 1.1), 0.03, true, arch);
        } else {
            double r = u(0.3, 0.42);
            shape.disc(on, 0.5, 0.5, r);
            int sectors = 8 + 2 * random.nextInt(5);
            for (int i = 0; i < sectors; i++) {
                double a0 = 360.0 * i / sectors;
                glass.ellipse(pick(GLASS, 25), -1, 0.5, 0.5, r, r, 0, a0, a0 + 360.0 / sectors);
            }
            glass.disc(pick(GLASS, 25), 0.5, 0.5, r * u(0.25, 0.45));
            copyMasked(panes, mask, p.canvas());
            for (int i = 0; i < sectors; i++) {
                double a = 2 * Math.PI * i / sectors;
                p.line(lead, 0.012, 0.5 + 0.3 * r * Math.cos(a), 0.5 + 0.3 * r * Math.sin(a), 0.5 + r * Math.cos(a),
                        0.5 + r * Math.sin(a));
            }
            p.ring(lead, 0.012, 0.5, 0.5, r * 0.35);
            p.ring(lead, 0.012, 0.5, 0.5, r * 0.7);
            p.ring(shade(stone, 1.1), 0.03, 0.5, 0.5, r);
        }
    }

    private void vault(Pen p, Scalar stone) {
        Scalar web = shade(stone, u(0.85, 1.15));
        p.rect(web, -0.2, -0.2, 1.2, 1.2);
        double kx = 0.5 + u(-0.06, 0.06);
        double ky = 0.5 + u(-0.06, 0.06);
        double[][] corners = {{0.04, 0.04}, {0.96, 0.04}, {0.96, 0.96}, {0.04, 0.96}};
        for (int i = 0; i < 4; i++) {
            double[] a = corners[i];
            double[] b = corners[(i + 1) % 4];
            p.fill(shade(web, 0.8 + 0.1 * i), a[0], a[1], b[0], b[1], kx, ky);
        }
        Scalar rib = chance(0.5) ? shade(stone, 0.55) : shade(stone, 1.3);
        double width = u(0.018, 0.035);
        double bow = u(0.05, 0.15);
        for (double[] c : corners) {
            double mx = (c[0] + kx) / 2 + (c[1] - ky) * bow;
            double my = (c[1] + ky) / 2 - (c[0] - kx) * bow;
            p.curve(rib, width, c[0], c[1], mx, my, kx, ky);
        }
        for (int i = 0; i < 4; i++) {
            double[] a = corners[i];
            double[] b = corners[(i + 1) % 4];
            double mx = (a[0] + b[0]) / 2 + (kx - (a[0] + b[0]) / 2) * 0.25;
            double my = (a[1] + b[1]) / 2 + (ky - (a[1] + b[1]) / 2) * 0.25;
            p.curve(rib, width * 1.3, a[0], a[1], mx, my, b[0], b[1]);
            if (chance(0.4)) {
                p.line(rib, width * 0.6, kx, ky, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
            }
        }
        p.disc(chance(0.5) ? scalar(200, 170, 80) : shade(stone, 1.2), kx, ky, u(0.03, 0.05));
    }

    // ---- background, clutter and camera ----------------------------------------------------

    /** A vertical gradient between two colours (a 1×2 image stretched), sometimes with mortar lines. */
    private void background(Mat canvas) {
        Scalar top = pick(BACKGROUND, 25);
        Scalar bottom = shade(top, u(0.6, 1.2));
        Mat ends = new Mat(2, 1, CV_8UC3);
        new Mat(ends, new Rect(0, 0, 1, 1)).put(top);
        new Mat(ends, new Rect(0, 1, 1, 1)).put(bottom);
        opencv_imgproc.resize(ends, canvas, canvas.size(), 0, 0, opencv_imgproc.INTER_LINEAR);
        if (chance(0.3)) {
            Pen plain = Pen.plain(canvas);
            Scalar mortar = shade(top, 0.8);
            for (double y = u(0.02, 0.1); y < 1; y += u(0.07, 0.12)) {
                plain.line(mortar, 0.006, 0, y, 1, y);
            }
        }
    }

    /** Things that belong to no class: wires, birds, blobs, stray windows and a foreground occluder. */
    private void clutter(Pen plain) {
        for (int i = 0, n = random.nextInt(5); i < n; i++) {
            Scalar c = chance(0.4) ? pick(STONE, 40) : chance(0.5) ? pick(BACKGROUND, 40) : pick(GLASS, 40);
            double x = u(0, 1);
            double y = u(0, 1);
            switch (random.nextInt(4)) {
                case 0 -> plain.line(c, u(0.005, 0.015), x, y, x + u(-0.4, 0.4), y + u(-0.4, 0.4));
                case 1 -> plain.disc(c, x, y, u(0.015, 0.05));
                case 2 -> {
                    double w = u(0.02, 0.04);
                    plain.rect(scalar(30, 28, 28), x - w, y, x + w, y + 3 * w);
                    plain.ellipse(scalar(30, 28, 28), -1, x, y, w, w, 0, 180, 360);
                }
                default -> {
                    plain.line(scalar(30, 30, 30), 0.008, x, y, x + 0.03, y + 0.02);
                    plain.line(scalar(30, 30, 30), 0.008, x + 0.03, y + 0.02, x + 0.06, y);
                }
            }
        }
        if (chance(0.15)) {
            double x = u(-0.2, 0.8);
            double y = u(-0.2, 0.8);
            plain.rect(pick(BACKGROUND, 40), x, y, x + u(0.2, 0.45), y + u(0.2, 0.45));
        }
    }

    /** Lighting with a colour cast, sometimes blur, a mirror image, and sensor noise. */
    private Mat finish(Mat image) {
        Mat out = image;
        if (chance(0.3)) {
            Mat blurred = new Mat();
            opencv_imgproc.GaussianBlur(out, blurred, new Size(3, 3), u(0.4, 1.0));
            out = blurred;
        }
        if (chance(0.5)) {
            Mat flipped = new Mat();
            opencv_core.flip(out, flipped, 1);
            out = flipped;
        }
        double light = u(0.65, 1.2);
        double[] gain = {light * u(0.88, 1.12), light * u(0.92, 1.08), light * u(0.88, 1.12)};
        light(out, gain, u(-30, 25), u(2, 16));
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

    // ---- helpers -----------------------------------------------------------------------------

    /** A pointed (lancet) window outline: sides up to {@code spring}, two arcs meeting at {@code top}. */
    private static double[] lancet(double cx, double w, double top, double spring, double bottom) {
        double[] left = Pen.bezier(cx - w, spring, cx - w, top + (spring - top) * 0.3, cx, top, 8);
        double[] right = Pen.bezier(cx, top, cx + w, top + (spring - top) * 0.3, cx + w, spring, 8);
        double[] xy = new double[left.length + right.length + 4];
        xy[0] = cx - w;
        xy[1] = bottom;
        System.arraycopy(left, 0, xy, 2, left.length);
        System.arraycopy(right, 0, xy, 2 + left.length, right.length);
        xy[xy.length - 2] = cx + w;
        xy[xy.length - 1] = bottom;
        return xy;
    }

    private static void copyMasked(Mat src, Mat mask, Mat dst) {
        src.copyTo(dst, mask);
    }

    private double u(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    /** A palette colour (RGB) with each channel moved by up to {@code jitter}, as an OpenCV BGR scalar. */
    private Scalar pick(int[][] palette, int jitter) {
        int[] rgb = palette[random.nextInt(palette.length)];
        return scalar(rgb[0] + random.nextInt(2 * jitter + 1) - jitter,
                rgb[1] + random.nextInt(2 * jitter + 1) - jitter,
                rgb[2] + random.nextInt(2 * jitter + 1) - jitter);
    }

    private static Scalar scalar(int r, int g, int b) {
        return new Scalar(clamp(b), clamp(g), clamp(r), 0);
    }

    private static Scalar shade(Scalar c, double f) {
        return new Scalar(clamp(c.get(0) * f), clamp(c.get(1) * f), clamp(c.get(2) * f), 0);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(255, v));
    }
}
