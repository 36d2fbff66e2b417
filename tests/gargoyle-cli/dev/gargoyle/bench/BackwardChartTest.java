package dev.gargoyle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backward-time chart on fixed, made-up results. Apart from {@link BackwardChart} itself, the
 * only bench class that needs {@code java.desktop} (the GPU bundle leaves both out of its runtime's check).
 */
class BackwardChartTest {
    @TempDir
    Path dir;

    @Test
    void chartIsAPngOfTheBackwardPasses() throws Exception {
        Path f = dir.resolve("b.png");
        BackwardChart.write(f, ReportWritersTest.cpu());
        BufferedImage image = ImageIO.read(f.toFile());
        assertEquals(BackwardChart.WIDTH, image.getWidth());
        assertEquals(BackwardChart.HEIGHT, image.getHeight());
        assertEquals(List.of("conv backward-data", "conv backward-filter", "pooling / batch-norm backward"),
                List.copyOf(BackwardChart.chart(ReportWritersTest.cpu()).getSeriesMap().keySet()));
        // Per layer: conv,1 has 5 ms of backward-data and 8 of backward-filter, pool1 2 ms of backward.
        var series = BackwardChart.chart(ReportWritersTest.cpu()).getSeriesMap();
        assertEquals(List.of("conv,1 conv", "pool1 pool"), List.copyOf(series.get("conv backward-data").getXData()));
        assertEquals(List.of(5.0, 0.0), List.copyOf(series.get("conv backward-data").getYData()));
        assertEquals(List.of(8.0, 0.0), List.copyOf(series.get("conv backward-filter").getYData()));
        assertEquals(List.of(0.0, 2.0), List.copyOf(series.get("pooling / batch-norm backward").getYData()));
    }
}
