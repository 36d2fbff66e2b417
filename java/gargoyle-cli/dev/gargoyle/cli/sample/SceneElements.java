package dev.gargoyle.cli.sample;

import static dev.gargoyle.cli.sample.SceneColours.CLOTH;
import static dev.gargoyle.cli.sample.SceneColours.GLASS;
import static dev.gargoyle.cli.sample.SceneColours.ROOF;
import static dev.gargoyle.cli.sample.SceneColours.scalar;
import static dev.gargoyle.cli.sample.SceneColours.shade;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * The ten architectural elements of the sample data, one method per class: each a family of shapes
 * (arches, shafts, domes, panes, struts, ...) whose proportions and colours are drawn from the
 * scene's random source, drawn with a {@link Pen} in unit coordinates.
 */
final class SceneElements {
    private final SceneRandom random;

    SceneElements(SceneRandom random) {
        this.random = random;
    }

    /** Draws class {@code label} ({@link SampleData#CLASSES} order) with {@code pen}, in {@code stone}. */
    void draw(int label, Pen pen, Scalar stone) {
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
    }

    private void altar(Pen p, Scalar stone) {
        double w = random.u(0.22, 0.36);
        double top = random.u(0.5, 0.6);
        double bottom = random.u(0.8, 0.88);
        if (random.chance(0.5)) {
            double rw = w * random.u(0.6, 0.9);
            Scalar panel = random.chance(0.5) ? random.pick(ROOF, 20) : shade(stone, 0.8);
            p.rect(panel, 0.5 - rw, random.u(0.12, 0.25), 0.5 + rw, top);
            p.ellipse(shade(panel, 0.6), -1, 0.5, top - 0.12, rw * 0.5, rw * 0.5, 0, 180, 360);
            p.rect(shade(panel, 0.6), 0.5 - rw * 0.5, top - 0.12, 0.5 + rw * 0.5, top - 0.02);
        }
        for (int step = 0, steps = random.nextInt(3); step < steps; step++) {
            double y = bottom + step * 0.05;
            double reach = w + 0.06 * (step + 1);
            p.rect(shade(stone, 0.85 - 0.1 * step), 0.5 - reach, y, 0.5 + reach, y + 0.05);
        }
        Scalar cloth = random.chance(0.7) ? random.pick(CLOTH, 15) : shade(stone, 0.9);
        p.rect(cloth, 0.5 - w, top, 0.5 + w, bottom);
        p.rect(shade(stone, 1.15), 0.5 - w - 0.03, top - 0.035, 0.5 + w + 0.03, top);
        Scalar trim = random.chance(0.5) ? random.pick(GLASS, 20) : shade(cloth, 0.6);
        switch (random.nextInt(3)) {
            case 0 -> {
                p.rect(trim, 0.5 - 0.015, top + 0.05, 0.5 + 0.015, bottom - 0.04);
                p.rect(trim, 0.5 - 0.06, top + 0.1, 0.5 + 0.06, top + 0.13);
            }
            case 1 -> {
                for (double x = 0.5 - w + 0.05; x < 0.5 + w - 0.02; x += random.u(0.05, 0.08)) {
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
        double height = random.u(0.07, 0.14);
        Scalar candle = random.chance(0.5) ? scalar(240, 235, 215) : scalar(200, 170, 80);
        for (int i = 0; i < candles; i++) {
            double x = 0.5 - w + 0.04 + (2 * w - 0.08) * i / (candles - 1);
            p.rect(candle, x - 0.01, top - 0.035 - height, x + 0.01, top - 0.035);
            p.disc(scalar(250, 200, 60), x, top - 0.05 - height, 0.014);
        }
        if (random.chance(0.5)) {
            p.rect(scalar(200, 170, 80), 0.49, top - 0.035 - height * 1.6, 0.51, top - 0.035);
            p.rect(scalar(200, 170, 80), 0.46, top - 0.035 - height * 1.3, 0.54, top - 0.02 - height * 1.3);
        }
    }

    private void apse(Pen p, Scalar stone) {
        double halfWidth = random.u(0.26, 0.36);
        double spring = random.u(0.38, 0.5);
        double rise = random.u(0.2, 0.3);
        Scalar inside = shade(stone, random.u(0.45, 0.7));
        p.rect(shade(stone, 1.05), 0.0, 0.0, 1.0, 1.0);
        p.rect(inside, 0.5 - halfWidth, spring, 0.5 + halfWidth, 1.0);
        Scalar dome = random.chance(0.35) ? scalar(200, 165, 70) : shade(inside, 0.85);
        p.ellipse(dome, -1, 0.5, spring, halfWidth, rise, 0, 180, 360);
        for (int i = 1; i <= 2; i++) {
            p.ellipse(shade(dome, 0.8), 0.008, 0.5, spring, halfWidth * i / 3, rise * i / 3, 0, 180, 360);
        }
        int windows = 3 + random.nextInt(3);
        Scalar light = random.pick(new int[][] {{235, 230, 190}, {190, 215, 240}, {250, 250, 240}}, 10);
        double wy = spring + random.u(0.08, 0.16);
        for (int i = 0; i < windows; i++) {
            double t = (i + 0.5) / windows * 2 - 1;
            double x = 0.5 + t * halfWidth * 0.8;
            double ww = 0.035 * (1 - 0.4 * Math.abs(t));
            double wh = random.u(0.14, 0.2);
            p.rect(light, x - ww, wy, x + ww, wy + wh);
            p.ellipse(light, -1, x, wy, ww, ww, 0, 180, 360);
        }
        p.ellipse(shade(stone, 1.25), 0.03, 0.5, spring, halfWidth, rise, 0, 180, 360);
        p.line(shade(stone, 1.25), 0.03, 0.5 - halfWidth, spring, 0.5 - halfWidth, 1.0);
        p.line(shade(stone, 1.25), 0.03, 0.5 + halfWidth, spring, 0.5 + halfWidth, 1.0);
        p.rect(shade(inside, 0.6), 0.5 - halfWidth, random.u(0.84, 0.92), 0.5 + halfWidth, 1.0);
    }

    private void bellTower(Pen p, Scalar stone) {
        if (random.chance(0.6)) {
            Scalar church = shade(stone, 0.9);
            double roofY = random.u(0.66, 0.78);
            p.rect(church, 0.0, roofY, 1.0, 1.05);
            p.fill(random.pick(ROOF, 20), -0.05, roofY, 1.05, roofY, 0.85, roofY - 0.1, 0.15, roofY - 0.1);
        }
        double cx = random.u(0.42, 0.58);
        double w = random.u(0.08, 0.14);
        double top = random.u(0.26, 0.36);
        p.rect(stone, cx - w, top, cx + w, 1.05);
        for (double y = top + random.u(0.1, 0.16); y < 1.0; y += random.u(0.14, 0.22)) {
            p.line(shade(stone, 0.75), 0.01, cx - w, y, cx + w, y);
        }
        int stories = 1 + random.nextInt(2);
        int openings = 1 + random.nextInt(2);
        Scalar dark = scalar(28, 24, 24);
        boolean pointed = random.chance(0.5);
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
                if (s == 0 && random.chance(0.5)) {
                    p.fill(scalar(160, 130, 60), ox - ow * 0.6, y0 + 0.1, ox + ow * 0.6, y0 + 0.1,
                            ox + ow * 0.3, y0 + 0.05,
                            ox - ow * 0.3, y0 + 0.05);
                }
            }
        }
        if (random.chance(0.4)) {
            double y = top + 0.06 + stories * 0.16 + 0.05;
            p.disc(scalar(235, 232, 220), cx, y, w * 0.55);
            p.line(dark, 0.01, cx, y, cx, y - w * 0.4);
            p.line(dark, 0.01, cx, y, cx + w * 0.3, y + w * 0.1);
        }
        for (double y = 0.7; y < 0.95; y += 0.12) {
            p.rect(dark, cx - 0.01, y, cx + 0.01, y + 0.05);
        }
        switch (random.nextInt(3)) {
            case 0 -> p.fill(random.pick(ROOF, 20), cx - w * 1.1, top, cx, top - random.u(0.15, 0.26),
                    cx + w * 1.1, top);
            case 1 -> p.fill(random.pick(ROOF, 20), cx - w * 1.15, top, cx, top - random.u(0.06, 0.1),
                    cx + w * 1.15, top);
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
        double w = random.u(0.045, 0.08);
        double top = random.u(0.16, 0.26);
        double bottom = random.u(0.8, 0.9);
        if (random.chance(0.6)) {
            p.rect(shade(stone, 0.9), -0.1, top - 0.1, 1.1, top - 0.03);
            p.line(shade(stone, 0.65), 0.01, -0.1, top - 0.065, 1.1, top - 0.065);
        }
        p.rect(shade(stone, 0.7), -0.1, bottom + 0.07, 1.1, 1.1);
        boolean fluted = random.chance(0.5);
        boolean ionic = random.chance(0.3);
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
        double cx = 0.5 + random.u(-0.06, 0.06);
        double cy = 0.5 + random.u(-0.06, 0.06);
        double r = random.u(0.36, 0.5);
        p.rect(shade(stone, 0.4), -0.2, -0.2, 1.2, 1.2);
        int rings = 3 + random.nextInt(4);
        for (int i = 0; i < rings; i++) {
            double ri = r * (1 - (double) i / rings);
            p.disc(shade(stone, 0.6 + 0.5 * i / rings), cx, cy, ri);
        }
        if (random.chance(0.6)) {
            Scalar light = scalar(245, 240, 210);
            int windows = 8 + random.nextInt(8);
            for (int i = 0; i < windows; i++) {
                double a = 2 * Math.PI * i / windows;
                p.ellipse(light, -1, cx + 0.88 * r * Math.cos(a), cy + 0.88 * r * Math.sin(a), r * 0.07, r * 0.04,
                        Math.toDegrees(a), 0, 360);
            }
        }
        int ribs = 8 + 2 * random.nextInt(5);
        Scalar rib = random.chance(0.5) ? shade(stone, 0.45) : shade(stone, 1.3);
        boolean coffers = random.chance(0.4);
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
        p.disc(random.pick(new int[][] {{250, 250, 235}, {170, 205, 240}}, 10), cx, cy, r * random.u(0.08, 0.14));
    }

    private void domeOuter(Pen p, Scalar stone) {
        double w = random.u(0.26, 0.36);
        double base = random.u(0.6, 0.68);
        double drum = random.u(0.1, 0.16);
        double h = random.u(0.2, 0.32);
        p.rect(shade(stone, 0.9), 0.02, base + drum, 0.98, 1.05);
        p.rect(stone, 0.5 - w, base, 0.5 + w, base + drum);
        int windows = 4 + random.nextInt(4);
        for (int i = 0; i < windows; i++) {
            double x = 0.5 - w + 2 * w * (i + 0.5) / windows;
            p.rect(scalar(35, 30, 30), x - 0.015, base + drum * 0.3, x + 0.015, base + drum * 0.8);
        }
        Scalar roof = random.pick(ROOF, 20);
        p.ellipse(roof, -1, 0.5, base, w * 0.96, h, 0, 180, 360);
        for (double f = 0.3; f < 0.95; f += 0.3) {
            p.ellipse(shade(roof, 1.3), 0.008, 0.5, base, w * 0.96 * f, h, 0, 180, 360);
        }
        p.rect(shade(stone, 1.1), 0.5 - w - 0.02, base - 0.015, 0.5 + w + 0.02, base + 0.01);
        double apex = base - h;
        p.rect(stone, 0.48, apex - 0.07, 0.52, apex + 0.01);
        p.ellipse(roof, -1, 0.5, apex - 0.07, 0.03, 0.03, 0, 180, 360);
        if (random.chance(0.6)) {
            p.line(scalar(200, 170, 80), 0.008, 0.5, apex - 0.1, 0.5, apex - 0.16);
            p.line(scalar(200, 170, 80), 0.008, 0.48, apex - 0.14, 0.52, apex - 0.14);
        }
    }

    private void flyingButtress(Pen p, Scalar stone) {
        double wallX = random.u(0.6, 0.7);
        p.rect(stone, wallX, 0.0, 1.1, 1.1);
        p.rect(scalar(30, 28, 30), wallX + 0.08, random.u(0.12, 0.2), wallX + 0.16, 0.55);
        p.fill(scalar(30, 28, 30), wallX + 0.08, 0.2, wallX + 0.12, 0.1, wallX + 0.16, 0.2);
        double aisle = random.u(0.72, 0.8);
        p.fill(shade(stone, 0.75), 0.0, aisle + 0.1, wallX, aisle - 0.1, wallX, 1.1, 0.0, 1.1);
        int bays = 1 + random.nextInt(2);
        for (int b = bays - 1; b >= 0; b--) {
            double shift = b * random.u(0.07, 0.1);
            Scalar tone = shade(stone, 1.0 - 0.2 * b);
            double pierX = random.u(0.12, 0.2) + shift;
            double pierTop = random.u(0.38, 0.48) - shift;
            p.rect(tone, pierX, pierTop, pierX + 0.1, 1.1);
            p.fill(tone, pierX - 0.01, pierTop, pierX + 0.05, pierTop - random.u(0.12, 0.2), pierX + 0.11, pierTop);
            int struts = 1 + random.nextInt(2);
            for (int s = 0; s < struts; s++) {
                double y1 = pierTop + 0.04 + s * 0.18;
                double y2 = y1 - random.u(0.12, 0.22);
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
        double wallX = random.u(0.12, 0.25);
        p.rect(shade(stone, 0.95), -0.1, -0.1, wallX, 1.1);
        for (double y = random.u(0.05, 0.12); y < 1.0; y += 0.12) {
            p.line(shade(stone, 0.7), 0.008, -0.1, y, wallX, y);
        }
        if (random.chance(0.5)) {
            p.rect(shade(stone, 1.1), -0.1, 0.3, wallX + 0.06, 0.35);
        }
        Scalar body = shade(stone, random.u(0.55, 0.85));
        double cy = random.u(0.45, 0.58);
        double tilt = random.u(-15, 15);
        double headX = random.u(0.66, 0.74);
        double hy = cy + (headX - 0.4) * Math.tan(Math.toRadians(tilt));
        p.ellipse(body, -1, 0.4, cy, headX - 0.4 + 0.02, random.u(0.06, 0.09), tilt, 0, 360);
        p.rect(body, wallX - 0.02, cy - 0.06, 0.35, cy + 0.06);
        if (random.chance(0.4)) {
            p.fill(shade(body, 0.85), 0.3, cy - 0.04, 0.45, cy - random.u(0.22, 0.32), 0.55, cy - 0.05);
        }
        for (int leg = 0; leg < 2; leg++) {
            double lx = 0.34 + 0.12 * leg;
            p.line(body, 0.025, lx, cy + 0.04, lx + 0.02, cy + 0.14);
            p.line(body, 0.012, lx + 0.02, cy + 0.14, lx + 0.05, cy + 0.15);
        }
        double r = random.u(0.09, 0.12);
        p.disc(body, headX, hy, r);
        double jaw = random.u(0.04, 0.09);
        p.fill(body, headX, hy - r * 0.6, headX + r * 1.9, hy - r * 0.1, headX + r * 1.7, hy + r * 0.2,
                headX, hy + r * 0.2);
        p.fill(body, headX, hy + r * 0.35, headX + r * 1.5, hy + r * 0.35 + jaw, headX + r * 1.3, hy + r * 0.6 + jaw,
                headX, hy + r);
        if (random.chance(0.5)) {
            for (double tx = headX + r * 0.5; tx < headX + r * 1.6; tx += r * 0.35) {
                p.fill(scalar(230, 225, 210), tx, hy + r * 0.2, tx + r * 0.15, hy + r * 0.2,
                        tx + r * 0.075, hy + r * 0.4);
            }
        }
        p.fill(shade(body, 0.8), headX - r * 0.3, hy - r * 0.7, headX - r * random.u(0.6, 1.1),
                hy - r * random.u(1.6, 2.4), headX + r * 0.1, hy - r * 0.8);
        if (random.chance(0.6)) {
            p.fill(shade(body, 0.8), headX + r * 0.1, hy - r * 0.8, headX + r * 0.3, hy - r * random.u(1.5, 2.2),
                    headX + r * 0.5, hy - r * 0.6);
        }
        p.disc(random.chance(0.3) ? scalar(240, 200, 60) : scalar(20, 18, 18), headX + r * 0.5, hy - r * 0.3, r * 0.18);
        p.line(shade(body, 0.5), 0.012, headX + r * 0.2, hy - r * 0.55, headX + r * 0.8, hy - r * 0.45);
        if (random.chance(0.3)) {
            p.curve(scalar(200, 220, 240), 0.012, headX + r * 1.4, hy + r * 0.4, headX + r * 2.2, hy + r * 0.6,
                    headX + r * 2.4, 1.1);
        }
    }

    private void stainedGlass(Pen p, Scalar stone) {
        Scalar wall = shade(stone, random.u(0.35, 0.7));
        p.rect(wall, -0.2, -0.2, 1.2, 1.2);
        Mat panes = new Mat(p.canvas().size(), CV_8UC3, new Scalar(0, 0, 0, 0));
        Mat mask = new Mat(p.canvas().size(), CV_8UC1, new Scalar(0, 0, 0, 0));
        Pen glass = p.onto(panes);
        Pen shape = p.onto(mask);
        Scalar lead = scalar(25, 22, 22);
        Scalar on = new Scalar(255, 255, 255, 0);
        if (random.chance(0.6)) {
            double w = random.u(0.16, 0.28);
            double top = random.u(0.06, 0.14);
            double spring = top + w * 1.4;
            double[] arch = lancet(0.5, w, top, spring, random.u(0.85, 0.94));
            shape.fill(on, arch);
            int rows = 4 + random.nextInt(5);
            int cols = 2 + random.nextInt(3);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    double x0 = 0.5 - w + 2 * w * c / cols;
                    double y0 = top + (0.94 - top) * r / rows;
                    glass.rect(random.pick(GLASS, 25), x0, y0, x0 + 2 * w / cols, y0 + (0.94 - top) / rows);
                    if (random.chance(0.3)) {
                        glass.disc(random.pick(GLASS, 25), x0 + w / cols, y0 + (0.94 - top) / rows / 2, w / cols * 0.6);
                    }
                }
            }
            panes.copyTo(p.canvas(), mask);
            for (int r = 1; r < rows; r++) {
                double y = top + (0.94 - top) * r / rows;
                p.line(lead, 0.012, 0.5 - w, Math.max(y, spring - w), 0.5 + w, Math.max(y, spring - w));
            }
            for (int c = 1; c < cols; c++) {
                double x = 0.5 - w + 2 * w * c / cols;
                p.line(random.chance(0.5) ? lead : shade(stone, 1.1), 0.018, x, top + 0.1, x, 0.94);
            }
            p.stroke(shade(stone, 1.1), 0.03, true, arch);
        } else {
            double r = random.u(0.3, 0.42);
            shape.disc(on, 0.5, 0.5, r);
            int sectors = 8 + 2 * random.nextInt(5);
            for (int i = 0; i < sectors; i++) {
                double a0 = 360.0 * i / sectors;
                glass.ellipse(random.pick(GLASS, 25), -1, 0.5, 0.5, r, r, 0, a0, a0 + 360.0 / sectors);
            }
            glass.disc(random.pick(GLASS, 25), 0.5, 0.5, r * random.u(0.25, 0.45));
            panes.copyTo(p.canvas(), mask);
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
        Scalar web = shade(stone, random.u(0.85, 1.15));
        p.rect(web, -0.2, -0.2, 1.2, 1.2);
        double kx = 0.5 + random.u(-0.06, 0.06);
        double ky = 0.5 + random.u(-0.06, 0.06);
        double[][] corners = {{0.04, 0.04}, {0.96, 0.04}, {0.96, 0.96}, {0.04, 0.96}};
        for (int i = 0; i < 4; i++) {
            double[] a = corners[i];
            double[] b = corners[(i + 1) % 4];
            p.fill(shade(web, 0.8 + 0.1 * i), a[0], a[1], b[0], b[1], kx, ky);
        }
        Scalar rib = random.chance(0.5) ? shade(stone, 0.55) : shade(stone, 1.3);
        double width = random.u(0.018, 0.035);
        double bow = random.u(0.05, 0.15);
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
            if (random.chance(0.4)) {
                p.line(rib, width * 0.6, kx, ky, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
            }
        }
        p.disc(random.chance(0.5) ? scalar(200, 170, 80) : shade(stone, 1.2), kx, ky, random.u(0.03, 0.05));
    }

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
}
