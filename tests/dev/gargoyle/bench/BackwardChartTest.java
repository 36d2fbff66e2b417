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
        assertEquals(List.of("backward-data", "backward-filter", "backward"),
                List.copyOf(BackwardChart.chart(ReportWritersTest.cpu()).getSeriesMap().keySet()));
    }
}
