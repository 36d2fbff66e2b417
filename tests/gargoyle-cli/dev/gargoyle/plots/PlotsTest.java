package dev.gargoyle.plots;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.train.ConfusionMatrix;
import dev.gargoyle.train.EpochRecord;
import dev.gargoyle.train.FakeRuns;
import dev.gargoyle.train.Metrics;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    private static BufferedImage readPng(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8), "PNG signature of " + file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertTrue(image != null, "decodable: " + file);
        return image;
    }

    /** Pixels of exactly {@code color} inside one grid panel of the curves image. */
    private static int countInPanel(BufferedImage image, int panel, Color color) {
        int x0 = (panel % Plots.COLUMNS) * Plots.PANEL_WIDTH;
        int y0 = (panel / Plots.COLUMNS) * Plots.PANEL_HEIGHT;
        int n = 0;
        for (int y = y0; y < y0 + Plots.PANEL_HEIGHT; y++) {
            for (int x = x0; x < x0 + Plots.PANEL_WIDTH; x++) {
                n += (image.getRGB(x, y) & 0xffffff) == (color.getRGB() & 0xffffff) ? 1 : 0;
            }
        }
        return n;
    }

    @Test
    void curvesAreAGridOfPanelsWithTrainAndTestLines() throws IOException {
        Path file = dir.resolve(Plots.CURVES);
        Files.writeString(file, "an older plot");
        Plots.writeCurves(file, FakeRuns.records(6, 3, 8));

        BufferedImage image = readPng(file);
        assertEquals(Plots.COLUMNS * Plots.PANEL_WIDTH, image.getWidth());
        assertEquals(Plots.ROWS * Plots.PANEL_HEIGHT, image.getHeight());
        for (int panel = 0; panel < 5; panel++) {
            assertTrue(countInPanel(image, panel, Plots.TRAIN) > 100, "train line in panel " + panel);
            assertTrue(countInPanel(image, panel, Plots.TEST) > 100, "test line in panel " + panel);
        }
        assertEquals(0, countInPanel(image, 5, Plots.TEST), "the learning-rate panel has no test line");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "replaced in place, no temporary file left");
        }
    }

    @Test
    void curvesWithoutTestSplitOrLossStillRender() throws IOException {
        List<EpochRecord> records = new ArrayList<>();
        for (EpochRecord r : FakeRuns.records(2, 2, 9)) {
            Metrics noLoss = new Metrics(2);
            noLoss.confusion().addAll(ConfusionMatrix.of(r.train().confusion()));
            records.add(new EpochRecord(r.epoch(), r.step(), r.lr(), noLoss.summary(), null, 1, 1));
        }
        Path file = dir.resolve("single.png");
        Plots.writeCurves(file, records);
        BufferedImage image = readPng(file);
        assertEquals(0, countInPanel(image, 0, Plots.TRAIN), "no loss recorded, no loss line");
        assertTrue(countInPanel(image, 1, Plots.TRAIN) > 50);
        for (int panel = 0; panel < 6; panel++) {
            assertEquals(0, countInPanel(image, panel, Plots.TEST));
        }
        assertThrows(IllegalArgumentException.class, () -> Plots.writeCurves(file, List.of()));
    }

    @Test
    void confusionPutsTheFirstActualClassOnTopAndPredictionsLeftToRight() throws IOException {
        // One dominant cell: actual class 0 predicted as the last class, i.e. the top-right cell.
        int k = 5;
        long[][] counts = new long[k][k];
        for (int a = 0; a < k; a++) {
            counts[a][a] = 3;
        }
        counts[0][k - 1] = 40;
        Path file = dir.resolve(Plots.CONFUSION);
        Plots.writeConfusion(file, counts, List.of("alpha", "beta", "gamma", "delta", "epsilon"), "Test, epoch 3");
        BufferedImage image = readPng(file);
        assertTrue(image.getWidth() >= Plots.MIN_CONFUSION_SIZE && image.getHeight() >= Plots.MIN_CONFUSION_SIZE);

        long sumX = 0;
        long sumY = 0;
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == (Plots.CONFUSION_MAX.getRGB() & 0xffffff)) {
                    sumX += x;
                    sumY += y;
                    n++;
                }
            }
        }
        assertTrue(n > 500, "the largest count is drawn as a filled cell, got " + n + " pixels");
        assertTrue(sumX / n > image.getWidth() * 0.6, "dominant cell is on the right");
        assertTrue(sumY / n < image.getHeight() * 0.35, "dominant cell is on top");
    }

    @Test
    void confusionRejectsMismatchedNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plots.writeConfusion(dir.resolve("c.png"), new long[2][2], List.of("a", "b", "c"), "t"));
        assertEquals("confusion plot: 3 class names for a 2 x 2 matrix", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Plots.writeConfusion(dir.resolve("c.png"), new long[][] {{1, 2}, {3}}, List.of("a", "b"), "t"));
    }
}
