package dev.gargoyle.cli.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.data.DataSplits;
import dev.gargoyle.data.ImageFolder;
import dev.gargoyle.data.Images;
import dev.gargoyle.data.OpenOptions;
import dev.gargoyle.train.DataException;
import dev.gargoyle.train.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleDataTest {
    @TempDir
    Path dir;

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void writesTheTenClassesInTrainTestLayout() throws IOException {
        Path out = dir.resolve("sample");
        AtomicInteger written = new AtomicInteger();
        SampleData.Spec spec = new SampleData.Spec(6, 16, 3);
        SampleData.write(out, spec, written::incrementAndGet);

        assertEquals(10 * (6 + 2), written.get());
        DataSplits splits = ImageFolder.open(out, OpenOptions.defaults().withStrict(true));
        assertEquals(DataSplits.Layout.TRAIN_TEST, splits.layout());
        assertEquals(List.of("altar", "apse", "bell_tower", "column", "dome_inner", "dome_outer", "flying_buttress",
                "gargoyle", "stained_glass", "vault"), splits.classes());
        assertArrayEquals(new int[] {6, 6, 6, 6, 6, 6, 6, 6, 6, 6}, splits.train().classCounts());
        assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, splits.test().classCounts());
        List<Path> all = files(out);
        assertTrue(all.stream().anyMatch(p -> p.toString().endsWith(".png")), "some PNG");
        assertTrue(all.stream().anyMatch(p -> p.toString().endsWith(".jpg")), "some JPEG");
        assertEquals(16 * 16 * 3, Images.readRgb(all.get(0), 16).length);
        try (Stream<Path> siblings = Files.list(dir)) {
            assertEquals(List.of(out), siblings.toList(), "no temporary folder left behind");
        }
    }

    @Test
    void sameSeedSameFilesOtherSeedOtherImages() throws IOException {
        SampleData.write(dir.resolve("a"), new SampleData.Spec(2, 12, 5), () -> { });
        SampleData.write(dir.resolve("b"), new SampleData.Spec(2, 12, 5), () -> { });
        SampleData.write(dir.resolve("c"), new SampleData.Spec(2, 12, 6), () -> { });
        List<Path> a = files(dir.resolve("a"));
        List<Path> b = files(dir.resolve("b"));
        List<Path> c = files(dir.resolve("c"));
        assertEquals(a.size(), b.size());
        int differing = 0;
        for (int i = 0; i < a.size(); i++) {
            assertEquals(dir.resolve("a").relativize(a.get(i)), dir.resolve("b").relativize(b.get(i)));
            assertArrayEquals(Files.readAllBytes(a.get(i)), Files.readAllBytes(b.get(i)), a.get(i).toString());
            if (!java.util.Arrays.equals(Images.readRgb(a.get(i), 12), Images.readRgb(c.get(i), 12))) {
                differing++;
            }
        }
        assertEquals(a.size(), differing, "every image changes with the seed");
    }

    @Test
    void ensureMakesTheSetOnceAndReusesIt() throws IOException {
        SampleData.Spec spec = new SampleData.Spec(1, 8, 0);
        Path root = SampleData.ensure(dir, spec);
        assertTrue(root.startsWith(dir));
        Path first = files(root).get(0);
        FileTime written = Files.getLastModifiedTime(first);
        Files.setLastModifiedTime(first, FileTime.fromMillis(written.toMillis() - 60_000));
        assertEquals(root, SampleData.ensure(dir, spec));
        assertEquals(written.toMillis() - 60_000, Files.getLastModifiedTime(first).toMillis(), "not rewritten");
        assertEquals(20, files(root).size());
    }

    @Test
    void refusesToWriteIntoAFolderWithFiles() throws IOException {
        Path out = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        DataException e = assertThrows(DataException.class,
                () -> SampleData.write(out, new SampleData.Spec(1, 8, 0), () -> { }));
        assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains("not empty"), e.getMessage());
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
    }

    @Test
    void badSpecsAreRejectedWithTheirValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SampleData.Spec(0, 64, 0))
                .getMessage().contains("got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SampleData.Spec(5, 7, 0))
                .getMessage().contains("got 7"));
    }

    /**
     * Learnable from shape, not from colour: a nearest-centroid classifier on gradient-orientation
     * histograms (a small HOG) beats chance by far, one on the mean colour does not.
     */
    @Test
    void classesDifferInShapeNotInMeanColour() {
        int size = 32;
        List<double[]> hogTrain = new ArrayList<>();
        List<double[]> colourTrain = new ArrayList<>();
        List<double[]> hogTest = new ArrayList<>();
        List<double[]> colourTest = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>();
        List<Integer> testLabels = new ArrayList<>();
        for (int label = 0; label < 10; label++) {
            for (int i = 0; i < 30; i++) {
                byte[] rgb = SampleData.drawRgb(label, size, Seeds.mix(99, label, i));
                boolean test = i >= 20;
                (test ? hogTest : hogTrain).add(hog(rgb, size));
                (test ? colourTest : colourTrain).add(meanColour(rgb));
                (test ? testLabels : trainLabels).add(label);
            }
        }
        double shape = nearestCentroidAccuracy(hogTrain, trainLabels, hogTest, testLabels);
        double colour = nearestCentroidAccuracy(colourTrain, trainLabels, colourTest, testLabels);
        assertTrue(shape >= 0.5, "HOG nearest-centroid accuracy " + shape + " (chance 0.1)");
        assertTrue(colour <= 0.35, "mean-colour nearest-centroid accuracy " + colour + " should stay near chance");
        assertFalse(shape >= 0.99, "too easy: " + shape);
    }

    private static double[] meanColour(byte[] rgb) {
        double[] f = new double[3];
        for (int i = 0; i < rgb.length; i++) {
            f[i % 3] += (rgb[i] & 0xFF) / 255.0;
        }
        for (int c = 0; c < 3; c++) {
            f[c] /= rgb.length / 3.0;
        }
        return f;
    }

    /** Gradient magnitude summed into 8 orientation bins over 4×4 cells of the grey image, L2-normalised. */
    private static double[] hog(byte[] rgb, int size) {
        double[] grey = new double[size * size];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = 0.299 * (rgb[3 * i] & 0xFF) + 0.587 * (rgb[3 * i + 1] & 0xFF) + 0.114 * (rgb[3 * i + 2] & 0xFF);
        }
        int cells = 4;
        int bins = 8;
        int cell = size / cells;
        double[] f = new double[cells * cells * bins];
        for (int y = 1; y < size - 1; y++) {
            for (int x = 1; x < size - 1; x++) {
                double gx = grey[y * size + x + 1] - grey[y * size + x - 1];
                double gy = grey[(y + 1) * size + x] - grey[(y - 1) * size + x];
                double angle = (Math.atan2(gy, gx) + Math.PI) % Math.PI;
                int bin = Math.min(bins - 1, (int) (angle / Math.PI * bins));
                f[((y / cell) * cells + x / cell) * bins + bin] += Math.hypot(gx, gy);
            }
        }
        double norm = 1e-9;
        for (double v : f) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < f.length; i++) {
            f[i] /= norm;
        }
        return f;
    }

    private static double nearestCentroidAccuracy(List<double[]> train, List<Integer> trainLabels, List<double[]> test,
                                                  List<Integer> testLabels) {
        int d = train.get(0).length;
        double[][] centroid = new double[10][d];
        int[] count = new int[10];
        for (int i = 0; i < train.size(); i++) {
            count[trainLabels.get(i)]++;
            for (int j = 0; j < d; j++) {
                centroid[trainLabels.get(i)][j] += train.get(i)[j];
            }
        }
        for (int k = 0; k < 10; k++) {
            for (int j = 0; j < d; j++) {
                centroid[k][j] /= count[k];
            }
        }
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            int best = -1;
            double bestDistance = Double.MAX_VALUE;
            for (int k = 0; k < 10; k++) {
                double distance = 0;
                for (int j = 0; j < d; j++) {
                    double e = test.get(i)[j] - centroid[k][j];
                    distance += e * e;
                }
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = k;
                }
            }
            if (best == testLabels.get(i)) {
                correct++;
            }
        }
        return (double) correct / test.size();
    }
}
