package dev.gargoyle.plots;

import dev.gargoyle.train.AtomicFiles;
import dev.gargoyle.train.EpochRecord;
import dev.gargoyle.train.MetricsSummary;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The run's pictures, drawn headless with XChart and written atomically as PNG: {@value #CURVES}, the
 * learning curves (train against test per epoch) and {@value #CONFUSION}, a confusion-matrix heat map.
 */
public final class Plots {
    public static final String CURVES = "curves.png";
    public static final String CONFUSION = "confusion.png";
    static final int PANEL_WIDTH = 520;
    static final int PANEL_HEIGHT = 360;
    static final int COLUMNS = 3;
    static final int ROWS = 2;
    static final int MIN_CONFUSION_SIZE = 480;
    /** The colour of the largest count in the confusion heat map. */
    static final Color CONFUSION_MAX = new Color(0x6baed6);
    static final Color TRAIN = new Color(0x1f77b4);
    static final Color TEST = new Color(0xff7f0e);
    private static final Color LR = new Color(0x2ca02c);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font AXIS_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    static {
        // Charts are drawn into images; never try to reach a display (training runs on servers).
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private record Curve(String title, String yAxis, ToDoubleFunction<MetricsSummary> value) {
    }

    private static final List<Curve> CURVE_PANELS = List.of(
            new Curve("Loss", "mean cross-entropy", MetricsSummary::loss),
            new Curve("Accuracy", "accuracy", MetricsSummary::accuracy),
            new Curve("Precision (macro)", "precision", MetricsSummary::precision),
            new Curve("Recall (macro)", "recall", MetricsSummary::recall),
            new Curve("F1 (macro)", "F1", MetricsSummary::f1));

    private Plots() {
    }

    /**
     * Writes the learning curves of {@code records}: loss, accuracy, precision, recall and F1, train
     * against test, one panel each, plus the learning rate in the sixth panel of the 3 x 2 grid.
     */
    public static void writeCurves(Path file, List<EpochRecord> records) throws IOException {
        writePng(file, curves(records));
    }

    /**
     * Writes a heat map of {@code counts[actual][predicted]} with class names on both axes and the
     * count in every cell; {@code title} names the split and epoch, e.g. "Test confusion, epoch 12".
     */
    public static void writeConfusion(Path file, long[][] counts, List<String> classNames, String title)
            throws IOException {
        writePng(file, confusion(counts, classNames, title));
    }

    static BufferedImage curves(List<EpochRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("curves: no epochs to plot");
        }
        List<XYChart> panels = new ArrayList<>();
        for (Curve curve : CURVE_PANELS) {
            XYChart chart = panel(curve.title, curve.yAxis, records.size());
            addSeries(chart, "train", TRAIN, records, r -> curve.value.applyAsDouble(r.train()));
            if (records.stream().anyMatch(r -> r.test() != null)) {
                addSeries(chart, "test", TEST, records,
                        r -> r.test() == null ? Double.NaN : curve.value.applyAsDouble(r.test()));
            }
            if (curve.title.equals("Loss")) {
                chart.getStyler().setYAxisDecimalPattern("0.0##");
            } else {
                // Scores rise towards 1, leaving the lower right free for the legend.
                chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setYAxisDecimalPattern("0.0")
                        .setLegendPosition(Styler.LegendPosition.InsideSE);
            }
            panels.add(chart);
        }
        XYChart lr = panel("Learning rate", "learning rate", records.size());
        addSeries(lr, "lr", LR, records, EpochRecord::lr);
        lr.getStyler().setLegendVisible(false);
        lr.getStyler().setYAxisDecimalPattern("0.##E0");
        double minLr = records.stream().mapToDouble(EpochRecord::lr).min().orElse(0);
        double maxLr = records.stream().mapToDouble(EpochRecord::lr).max().orElse(0);
        // Decaying schedules span decades; on a linear axis their tail is indistinguishable from 0.
        lr.getStyler().setYAxisLogarithmic(minLr > 0 && maxLr / minLr >= 10);
        panels.add(lr);

        BufferedImage image = new BufferedImage(COLUMNS * PANEL_WIDTH, ROWS * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            for (int i = 0; i < panels.size(); i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(panels.get(i)), (i % COLUMNS) * PANEL_WIDTH,
                        (i / COLUMNS) * PANEL_HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static XYChart panel(String title, String yAxis, int epochs) {
        XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
                .xAxisTitle("epoch").yAxisTitle(yAxis).build();
        XYStyler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xe0e0e0));
        s.setPlotBorderVisible(false);
        s.setChartTitleFont(TITLE_FONT);
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(AXIS_FONT);
        s.setAxisTickLabelsFont(AXIS_FONT);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendBorderColor(new Color(0xcccccc));
        s.setLegendFont(AXIS_FONT);
        s.setXAxisDecimalPattern("#");
        s.setXAxisMin(1.0);
        s.setXAxisMax((double) Math.max(2, epochs));
        // Markers help read a short run; on a long one they only clutter the line.
        s.setMarkerSize(epochs <= 30 ? 6 : 0);
        return chart;
    }

    /** Adds one line; epochs without a value (NaN) are left out rather than drawn as gaps XChart rejects. */
    private static void addSeries(XYChart chart, String name, Color color, List<EpochRecord> records,
            ToDoubleFunction<EpochRecord> value) {
        List<Integer> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (EpochRecord r : records) {
            double v = value.applyAsDouble(r);
            if (Double.isFinite(v)) {
                x.add(r.epoch());
                y.add(v);
            }
        }
        if (x.isEmpty()) {
            return;
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setLineColor(color);
        series.setMarkerColor(color);
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setLineStyle(new BasicStroke(2f));
    }

    /**
     * Drawn with XChart's heat map, rows top-down as in scikit-learn. Its cell labels share one colour,
     * so the palette stops at a mid blue on which black counts stay readable.
     */
    static BufferedImage confusion(long[][] counts, List<String> classNames, String title) {
        int k = counts.length;
        if (k == 0 || classNames.size() != k) {
            throw new IllegalArgumentException("confusion plot: " + classNames.size() + " class names for a "
                    + k + " x " + k + " matrix");
        }
        int longestName = classNames.stream().mapToInt(String::length).max().orElse(0);
        int cell = Math.max(28, Math.min(90, 720 / k));
        int width = Math.max(MIN_CONFUSION_SIZE, 120 + 7 * longestName + cell * k);
        int height = Math.max(MIN_CONFUSION_SIZE, 160 + 5 * longestName + cell * k);
        HeatMapChart chart = new HeatMapChartBuilder().width(width).height(height).title(title)
                .xAxisTitle("predicted").yAxisTitle("actual").build();
        HeatMapStyler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setChartTitleFont(TITLE_FONT);
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(AXIS_FONT);
        s.setAxisTickLabelsFont(AXIS_FONT);
        s.setPlotContentSize(1.0);
        s.setPlotBorderVisible(false);
        s.setXAxisLabelRotation(k > 4 || longestName > 8 ? 30 : 0);
        s.setRangeColors(new Color[] {Color.WHITE, new Color(0xc6dbef), CONFUSION_MAX});
        s.setMin(0);
        s.setShowValue(true);
        s.setValueFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.max(9, Math.min(16, cell / 4))));
        s.setValueFontColor(Color.BLACK);
        s.setHeatMapDecimalValueFormatter(v -> Long.toString(Math.round(v)));
        s.setChartTitlePadding(12);
        // The legend would print its range as doubles ("28.0"); every cell shows its count anyway.
        s.setLegendVisible(false);

        // XChart's y axis grows upwards; listing the rows in reverse puts the first class on top.
        List<String> rowNames = new ArrayList<>(classNames);
        Collections.reverse(rowNames);
        List<Number[]> cells = new ArrayList<>();
        long max = 0;
        for (int a = 0; a < k; a++) {
            if (counts[a].length != k) {
                throw new IllegalArgumentException("confusion plot: row " + a + " has " + counts[a].length
                        + " entries, expected " + k);
            }
            for (int p = 0; p < k; p++) {
                cells.add(new Number[] {p, k - 1 - a, counts[a][p]});
                max = Math.max(max, counts[a][p]);
            }
        }
        s.setMax(Math.max(1, max));
        chart.addSeries("count", classNames, rowNames, cells);
        return BitmapEncoder.getBufferedImage(chart);
    }

    static void writePng(Path file, BufferedImage image) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) {
            throw new IOException("no PNG writer available for " + file);
        }
        AtomicFiles.write(file, png.toByteArray());
    }
}
