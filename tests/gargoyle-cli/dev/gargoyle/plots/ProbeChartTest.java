package dev.gargoyle.plots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.viz.UnitProbe;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe's layers.png on a made-up result: two panels side by side, each class's colour where it has units. */
class ProbeChartTest {
    @TempDir
    Path dir;

    @Test
    void twoPanelsAreDrawnSideBySide() throws Exception {
        UnitProbe.ProbedLayer conv = new UnitProbe.ProbedLayer("conv1", "features.2");
        UnitProbe.ProbedLayer fc = new UnitProbe.ProbedLayer("fc1", "classifier.3");
        UnitProbe.Result result = new UnitProbe.Result(List.of("a", "b"), List.of(), 5, List.of(), List.of(
                new UnitProbe.LayerSummary(conv, 8, 1, 0.4, 0.8, 0.5, new int[] {1, 0}),
                new UnitProbe.LayerSummary(fc, 4, 0, 0.7, 1.0, 0.5, new int[] {1, 2})));
        Path file = dir.resolve("out/layers.png");
        ProbeChart.write(file, result);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(2 * ProbeChart.WIDTH, image.getWidth());
        assertEquals(ProbeChart.HEIGHT, image.getHeight());
        assertTrue(hasColour(image, 0x4e79a7) && hasColour(image, 0xf28e2b), "both classes' bars are drawn");
    }

    private static boolean hasColour(BufferedImage image, int rgb) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = image.getWidth() / 2; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    return true;
                }
            }
        }
        return false;
    }
}
