package dev.gargoyle.plots;

import dev.gargoyle.viz.UnitProbe;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

/**
 * {@code layers.png} of a probe, drawn headless with XChart: purity by layer (mean, maximum and the
 * shuffled-label chance level) beside the share of each layer's units that are class-selective,
 * stacked by the class they select.
 */
public final class ProbeChart {
    static final int WIDTH = 620;
    static final int HEIGHT = 420;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font AXIS = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    /** Tableau's ten colours, one per class (repeated beyond ten). */
    private static final int[] PALETTE = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1,
        0xff9da7, 0x9c755f, 0xbab0ac};

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ProbeChart() {
    }

    public static void write(Path file, UnitProbe.Result result) throws IOException {
        BufferedImage left = BitmapEncoder.getBufferedImage(purity(result));
        BufferedImage right = BitmapEncoder.getBufferedImage(selective(result));
        BufferedImage image = new BufferedImage(2 * WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.drawImage(left, 0, 0, null);
            g.drawImage(right, WIDTH, 0, null);
        } finally {
            g.dispose();
        }
        Plots.writePng(file, image);
    }

    private static List<String> labels(UnitProbe.Result r) {
        return r.layers().stream().map(l -> l.layer().label()).toList();
    }

    private static CategoryChart purity(UnitProbe.Result r) {
        CategoryChart c = chart("Purity of each unit's top " + r.topK() + " images (silent units left out)",
                "purity");
        c.addSeries("mean", labels(r), r.layers().stream().map(UnitProbe.LayerSummary::meanPurity).toList())
                .setFillColor(new Color(0x4e79a7));
        c.addSeries("max", labels(r), r.layers().stream().map(UnitProbe.LayerSummary::maxPurity).toList())
                .setFillColor(new Color(0xf28e2b));
        c.addSeries("chance (labels shuffled)", labels(r),
                r.layers().stream().map(UnitProbe.LayerSummary::chancePurity).toList())
                .setFillColor(new Color(0xbab0ac));
        c.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
        return c;
    }

    private static CategoryChart selective(UnitProbe.Result r) {
        CategoryChart c = chart("Units with purity >= " + UnitProbe.SELECTIVE + ", by class", "share of the layer's units");
        c.getStyler().setStacked(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        double top = 0;
        for (UnitProbe.LayerSummary l : r.layers()) {
            top = Math.max(top, l.selectiveShare());
        }
        for (int k = 0; k < r.classes().size(); k++) {
            List<Double> share = new ArrayList<>();
            for (UnitProbe.LayerSummary l : r.layers()) {
                share.add(l.units() == 0 ? 0.0 : (double) l.selectiveByClass()[k] / l.units());
            }
            c.addSeries(r.classes().get(k), labels(r), share).setFillColor(new Color(PALETTE[k % PALETTE.length]));
        }
        c.getStyler().setYAxisMin(0.0).setYAxisMax(top > 0 ? Math.min(1.0, top * 1.1) : 1.0);
        return c;
    }

    private static CategoryChart chart(String title, String yAxis) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("layer")
                .yAxisTitle(yAxis).build();
        CategoryStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xe0e0e0));
        s.setPlotBorderVisible(false);
        s.setChartTitleFont(TITLE);
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(AXIS);
        s.setAxisTickLabelsFont(AXIS);
        s.setLegendFont(AXIS);
        s.setLegendBorderColor(new Color(0xcccccc));
        s.setLegendPosition(Styler.LegendPosition.InsideNW);
        s.setYAxisDecimalPattern("0.0#");
        s.setAvailableSpaceFill(0.8);
        s.setOverlapped(false);
        return c;
    }
}
