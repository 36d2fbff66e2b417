package dev.gargoyle.viz;

import dev.gargoyle.data.Images;
import dev.gargoyle.data.Sample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** The PNG pictures of {@code visualize}, {@code dream} and {@code probe}, composed with OpenCV. */
@SuppressWarnings("try") // each PointerScope frees the Mats made in its body
public final class Pictures {
    /** Side of a large panel (the visualised image, its map and the overlay). */
    static final int PANEL = 256;
    /** Weight of the image in an overlay; the map gets the rest. */
    static final double OVERLAY_IMAGE = 0.55;

    private Pictures() {
    }

    /**
     * One map: "Initial Image", "Feature Map" (coloured, with its colour scale; {@code mapCaption}
     * lines below its name) and their overlay, side by side, under {@code title} and {@code subtitle}.
     */
    public static void writeFeatureMap(Path file, byte[] rgb, int size, FeatureMaps.FeatureMap map,
                                       List<String> mapCaption, String title, String subtitle) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            Mat image = Canvas.enlarge(Canvas.fromRgb(rgb, size), PANEL, true);
            Mat heat = Canvas.heat(map.normalised(), map.height(), map.width(), PANEL);
            Mat overlay = Canvas.blend(image, heat, OVERLAY_IMAGE);
            List<String> mapLines = new ArrayList<>(List.of("Feature Map"));
            mapLines.addAll(mapCaption);
            if (map.max() == 0) {
                mapLines.add("all zero: nothing positive");
            }
            String[] imageLines = lines(mapLines.size(), "Initial Image", size + "x" + size + " as the model sees it");
            String[] overlayLines = lines(mapLines.size(), "Overlay", map.height() + "x" + map.width()
                    + " map, upsampled");
            double s = 0.5;
            List<Mat> panels = List.of(
                    Canvas.captioned(withScale(image, "", ""), s, imageLines),
                    Canvas.captioned(withScale(heat, "0", String.format(Locale.ROOT, "max %.3g", map.max())), s,
                            mapLines.toArray(new String[0])),
                    Canvas.captioned(withScale(overlay, "", ""), s, overlayLines));
            Canvas.writePng(file, Canvas.titled(Canvas.grid(panels, 3), title, subtitle));
        }
    }

    /** {@code first} lines padded with empty ones to {@code count}, so the panels of a row line up. */
    private static String[] lines(int count, String... first) {
        String[] out = new String[Math.max(count, first.length)];
        Arrays.fill(out, "");
        System.arraycopy(first, 0, out, 0, first.length);
        return out;
    }

    /** A panel with, below it, the colour scale from {@code low} to {@code high} (or blank space when both are empty). */
    private static Mat withScale(Mat panel, String low, String high) {
        double s = 0.45;
        int line = Canvas.lineHeight(s);
        int bar = 10;
        Mat out = Canvas.sheet(panel.cols(), panel.rows() + Canvas.GAP / 2 + bar + line);
        Canvas.paste(out, panel, 0, 0);
        if (!low.isEmpty() || !high.isEmpty()) {
            int y = panel.rows() + Canvas.GAP / 2;
            Canvas.paste(out, Canvas.colourBar(panel.cols(), bar), 0, y);
            Canvas.text(out, low, 0, y + bar, s, Canvas.ink());
            Canvas.text(out, high, panel.cols() - Canvas.textWidth(high, s), y + bar, s, Canvas.ink());
        }
        return out;
    }

    /**
     * Every filter's map as an overlay tile after the image itself, in a grid; each map is scaled to
     * its own maximum, and labelled with its index and that maximum as a share of the strongest filter's.
     */
    public static void writeFilterGrid(Path file, byte[] rgb, int size, List<FeatureMaps.FeatureMap> maps,
                                       String title, String subtitle) throws IOException {
        int tile = maps.size() <= 64 ? 112 : 80;
        int columns = (int) Math.ceil(Math.sqrt(maps.size() + 1) * 1.4);
        double strongest = maps.stream().mapToDouble(FeatureMaps.FeatureMap::max).max().orElse(0);
        try (PointerScope scope = new PointerScope()) {
            Mat image = Canvas.enlarge(Canvas.fromRgb(rgb, size), tile, true);
            double s = 0.4;
            List<Mat> tiles = new ArrayList<>();
            tiles.add(Canvas.captioned(image, s, "image"));
            for (FeatureMaps.FeatureMap m : maps) {
                int f = ((FeatureMaps.Filter) m.target()).index();
                Mat heat = Canvas.heat(m.normalised(), m.height(), m.width(), tile);
                String label = m.max() > 0
                        ? String.format(Locale.ROOT, "#%d %.0f%%", f, Math.max(1, 100 * m.max() / strongest))
                        : "#" + f + " zero";
                tiles.add(Canvas.captioned(Canvas.blend(image, heat, OVERLAY_IMAGE), s, label));
            }
            Canvas.writePng(file, Canvas.titled(Canvas.grid(tiles, columns), title, subtitle));
        }
    }

    /** Dreamed images in a grid, each labelled with its class and its final probability. */
    public static void writeClassImages(Path file, List<ClassImages.ClassImage> images, String title,
                                        String... subtitles) throws IOException {
        try (PointerScope scope = new PointerScope()) {
            List<Mat> tiles = new ArrayList<>();
            for (ClassImages.ClassImage c : images) {
                int px = Math.max(c.size(), Math.min(4 * c.size(), 192));
                Mat tile = Canvas.enlarge(Canvas.fromRgb(c.rgb(), c.size()), px, true);
                tiles.add(Canvas.captioned(tile, 0.5, c.className(),
                        String.format(Locale.ROOT, "p = %.3f", c.probability())));
            }
            Canvas.writePng(file, Canvas.titled(Canvas.grid(tiles, Math.min(5, tiles.size())), title, subtitles));
        }
    }

    /**
     * One row per unit: a label (layer, unit, purity, class) and its first {@code perUnit} top
     * images, framed green when of the unit's majority class and grey otherwise.
     */
    public static void writeUnitMontage(Path file, UnitProbe.Result result, List<UnitProbe.Unit> units, int perUnit,
                                        int imageSize, String title, String subtitle) throws IOException {
        int px = Math.max(imageSize, 64);
        int frame = 3;
        double s = 0.45;
        try (PointerScope scope = new PointerScope()) {
            List<Mat> rows = new ArrayList<>();
            for (UnitProbe.Unit u : units) {
                int shown = Math.min(perUnit, u.top().length);
                int labelWidth = 190;
                Mat row = Canvas.sheet(labelWidth + shown * (px + 2 * frame + 4), px + 2 * frame);
                int line = Canvas.lineHeight(s);
                Canvas.text(row, u.layer().label() + " unit " + u.index(), 0, 0, s, Canvas.ink());
                Canvas.text(row, String.format(Locale.ROOT, "purity %.2f (%d/%d)", u.purity(), u.majorityCount(),
                        u.top().length), 0, line, s, Canvas.ink());
                Canvas.text(row, Canvas.fit(result.classes().get(u.majorityClass()), s, labelWidth - 4), 0,
                        2 * line, s, new Scalar(40, 120, 40, 0));
                for (int i = 0; i < shown; i++) {
                    Sample sample = result.images().get(u.top()[i]);
                    Mat img = Canvas.enlarge(Canvas.fromRgb(Images.readRgb(sample.path(), imageSize), imageSize), px,
                            true);
                    Scalar colour = sample.label() == u.majorityClass() ? new Scalar(60, 170, 60, 0)
                            : new Scalar(190, 190, 190, 0);
                    Mat framed = new Mat();
                    opencv_core.copyMakeBorder(img, framed, frame, frame, frame, frame, opencv_core.BORDER_CONSTANT,
                            colour);
                    Canvas.paste(row, framed, labelWidth + i * (px + 2 * frame + 4), 0);
                }
                rows.add(row);
            }
            Canvas.writePng(file, Canvas.titled(Canvas.grid(rows, 1), title, subtitle));
        }
    }
}
