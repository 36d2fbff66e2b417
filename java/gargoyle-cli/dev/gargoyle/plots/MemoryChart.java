package dev.gargoyle.plots;

import dev.gargoyle.bench.MemoryTrace;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** {@code bench memory}'s picture: each memory measure against optimizer updates, warm-up marked in the title. */
public final class MemoryChart {
    private MemoryChart() {
    }

    public static void write(Path file, List<MemoryTrace.Sample> samples, long warmup) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(500)
                .title("Memory over a training run (slopes measured after update " + warmup + ")")
                .xAxisTitle("optimizer updates").yAxisTitle("MiB").build();
        XYStyler style = chart.getStyler();
        style.setChartBackgroundColor(Color.WHITE);
        style.setPlotBackgroundColor(Color.WHITE);
        style.setPlotGridLinesColor(new Color(0xe0e0e0));
        style.setLegendPosition(Styler.LegendPosition.InsideSE);
        style.setXAxisDecimalPattern("#");
        style.setYAxisMin(0.0);
        add(chart, "resident (RSS)", new Color(0x1f77b4), samples, MemoryTrace.Sample::resident);
        add(chart, "JavaCPP native", new Color(0xff7f0e), samples, MemoryTrace.Sample::javacpp);
        add(chart, "backend", new Color(0x2ca02c), samples, MemoryTrace.Sample::backend);
        Plots.writePng(file, BitmapEncoder.getBufferedImage(chart));
    }

    private static void add(XYChart chart, String name, Color color, List<MemoryTrace.Sample> samples,
                            ToLongFunction<MemoryTrace.Sample> bytes) {
        XYSeries s = chart.addSeries(name, samples.stream().map(MemoryTrace.Sample::updates).toList(),
                samples.stream().map(x -> MemoryTrace.mib(bytes.applyAsLong(x))).toList());
        s.setLineColor(color);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(new BasicStroke(2f));
    }
}
