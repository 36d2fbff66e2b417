package dev.gargoyle.bench;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * A PNG bar chart of each layer's backward time with the algorithms the backend runs: for
 * convolutions backward-data and backward-filter stacked, for pooling and batch-norm their one
 * backward pass. Drawn headless with XChart. The only class of the bench that needs
 * {@code java.desktop}: nothing else refers to it, so a runtime without that module (the GPU
 * bundle) runs every other part of the bench.
 */
public final class BackwardChart {
    static final int WIDTH = 1100;
    static final int HEIGHT = 620;
    private static final Map<Pass, Color> COLORS = Map.of(Pass.BACKWARD_DATA, new Color(0x1f77b4),
            Pass.BACKWARD_FILTER, new Color(0xff7f0e), Pass.BACKWARD, new Color(0x2ca02c));
    private static final Map<Pass, String> SERIES = Map.of(Pass.BACKWARD_DATA, "conv backward-data",
            Pass.BACKWARD_FILTER, "conv backward-filter", Pass.BACKWARD, "pooling / batch-norm backward");

    static {
        // Charts are drawn into images; never try to reach a display (benchmarks run on servers).
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private BackwardChart() {
    }

    /**
     * Writes the chart of {@code report} to {@code file}.
     *
     * @throws IllegalArgumentException when the report has no timed backward pass
     */
    public static void write(Path file, BenchReport report) throws IOException {
        Files.write(file, BitmapEncoder.getBitmapBytes(chart(report), BitmapEncoder.BitmapFormat.PNG));
    }

    static CategoryChart chart(BenchReport report) {
        Map<String, Map<Pass, Double>> byLayer = new LinkedHashMap<>();
        for (OpResult o : report.chosen()) {
            if (o.ok() && o.pass().isBackward()) {
                byLayer.computeIfAbsent(o.layer() + " " + o.kind(), k -> new LinkedHashMap<>())
                        .merge(o.pass(), o.timing().medianMs(), Double::sum);
            }
        }
        if (byLayer.isEmpty()) {
            throw new IllegalArgumentException("--chart: the report has no timed backward pass to draw");
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Backward time per layer: " + report.shapes() + " on " + report.device()
                        + " (median of " + report.repeats() + ")")
                .xAxisTitle("layer").yAxisTitle("milliseconds").build();
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setXAxisLabelRotation(byLayer.size() > 8 ? 45 : 0);
        chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        List<String> layers = new ArrayList<>(byLayer.keySet());
        for (Pass p : List.of(Pass.BACKWARD_DATA, Pass.BACKWARD_FILTER, Pass.BACKWARD)) {
            if (byLayer.values().stream().noneMatch(m -> m.containsKey(p))) {
                continue;
            }
            List<Double> ms = new ArrayList<>();
            for (String layer : layers) {
                ms.add(byLayer.get(layer).getOrDefault(p, 0.0));
            }
            chart.addSeries(SERIES.get(p), layers, ms).setFillColor(COLORS.get(p));
        }
        return chart;
    }
}
