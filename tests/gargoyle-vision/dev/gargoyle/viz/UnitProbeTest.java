package dev.gargoyle.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.data.DataSplits;
import dev.gargoyle.data.ImageFolder;
import dev.gargoyle.data.Images;
import dev.gargoyle.data.Sample;
import dev.gargoyle.models.AheNet;
import dev.gargoyle.nn.Model;
import dev.gargoyle.reference.InputRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe against float64 activations of the tiny network on a small image set of three tinted classes. */
class UnitProbeTest {
    private static final int K = 4;
    private static final ModelInput INPUT = new ModelInput(List.of("blue", "green", "red"), TinyNet.SIZE,
            new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
    private static final List<UnitProbe.ProbedLayer> LAYERS = List.of(new UnitProbe.ProbedLayer("relu1", "2"),
            new UnitProbe.ProbedLayer("relu2", "5"), new UnitProbe.ProbedLayer("logits", "7"));

    @TempDir
    static Path dir;
    private static Backend backend;
    private static Model model;
    private static DataSplits data;
    private static UnitProbe.Result result;

    @BeforeAll
    static void probe() throws Exception {
        SplittableRandom r = new SplittableRandom(4);
        for (String part : List.of("train", "test")) {
            for (int c = 0; c < 3; c++) {
                Path d = Files.createDirectories(dir.resolve(part).resolve(INPUT.classes().get(c)));
                for (int i = 0; i < (part.equals("train") ? 5 : 2); i++) {
                    ImageIO.write(tinted(2 - c, r), "png", d.resolve(i + ".png").toFile());
                }
            }
        }
        data = ImageFolder.open(dir);
        backend = Backends.create(Device.cpu());
        model = TinyNet.model(backend, 11);
        result = UnitProbe.run(model, INPUT, List.of(data.train(), data.test()), LAYERS,
                new UnitProbe.Options(K, 4, 2), n -> { });
    }

    @AfterAll
    static void close() {
        model.close();
        backend.close();
    }

    /** Noise with one channel (0 R, 1 G, 2 B) raised, so some units prefer a class. */
    private static BufferedImage tinted(int channel, SplittableRandom r) {
        BufferedImage im = new BufferedImage(TinyNet.SIZE, TinyNet.SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < TinyNet.SIZE; y++) {
            for (int x = 0; x < TinyNet.SIZE; x++) {
                int rgb = 0;
                for (int k = 0; k < 3; k++) {
                    rgb = rgb << 8 | (r.nextInt(0, 160) + (k == channel ? 90 : 0));
                }
                im.setRGB(x, y, rgb);
            }
        }
        return im;
    }

    /** Per image (train then test), per layer, the reference activation of every unit. */
    private static List<double[][]> referenceActivations(List<Sample> images) {
        List<double[][]> out = new ArrayList<>();
        for (Sample s : images) {
            byte[] rgb = Images.readRgb(s.path(), TinyNet.SIZE);
            TinyNet.Pass p = TinyNet.forward(model, InputRef.imagesToTensor(rgb, 1, TinyNet.SIZE, TinyNet.SIZE,
                    INPUT.mean(), INPUT.std()));
            out.add(new double[][] {channelMeans(p.r1(), 4), channelMeans(p.r2(), 5), p.logits()});
        }
        return out;
    }

    private static double[] channelMeans(double[] a, int channels) {
        int plane = a.length / channels;
        double[] m = new double[channels];
        for (int i = 0; i < a.length; i++) {
            m[i / plane] += a[i] / plane;
        }
        return m;
    }

    @Test
    void topImagesAndPurityMatchTheReference() {
        List<Sample> images = new ArrayList<>(data.train().samples());
        images.addAll(data.test().samples());
        assertEquals(images, result.images());
        List<double[][]> acts = referenceActivations(images);
        int[] tieRank = UnitProbe.tieRank(images.size());
        int checked = 0;
        for (int l = 0; l < LAYERS.size(); l++) {
            List<UnitProbe.Unit> units = result.units(LAYERS.get(l));
            assertEquals(acts.get(0)[l].length, units.size());
            double puritySum = 0;
            double max = 0;
            int silentUnits = 0;
            int[] selective = new int[3];
            for (UnitProbe.Unit u : units) {
                int layer = l;
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < images.size(); i++) {
                    order.add(i);
                }
                order.sort(Comparator.<Integer>comparingDouble(i -> -acts.get(i)[layer][u.index()])
                        .thenComparingInt(i -> tieRank[i]));
                int[] top = order.subList(0, K).stream().mapToInt(Integer::intValue).toArray();
                assertArrayEquals(top, u.top(), LAYERS.get(l).label() + " unit " + u.index());
                for (int i = 0; i < K; i++) {
                    assertEquals(acts.get(top[i])[l][u.index()], u.topActivations()[i], 1e-5);
                }
                int[] counts = new int[3];
                for (int i : top) {
                    counts[images.get(i).label()]++;
                }
                int best = 0;
                for (int c = 1; c < 3; c++) {
                    best = counts[c] > counts[best] ? c : best;
                }
                assertEquals(best, u.majorityClass());
                assertEquals((double) counts[best] / K, u.purity(), 1e-12);
                assertTrue(u.chancePurity() >= 1.0 / 3 && u.chancePurity() <= 1);
                boolean silent = acts.get(top[0])[l][u.index()] == acts.get(top[K - 1])[l][u.index()];
                assertEquals(silent, u.silent());
                if (silent) {
                    silentUnits++;
                    continue;
                }
                puritySum += u.purity();
                max = Math.max(max, u.purity());
                if (u.purity() >= 0.5) {
                    selective[best]++;
                }
                checked++;
            }
            UnitProbe.LayerSummary s = result.layers().get(l);
            assertEquals(silentUnits, s.silent());
            assertEquals(puritySum / Math.max(1, units.size() - silentUnits), s.meanPurity(), 1e-12);
            assertEquals(max, s.maxPurity(), 1e-12);
            assertArrayEquals(selective, s.selectiveByClass());
        }
        assertEquals(4 + 5 + 3, checked);
        assertTrue(result.layers().stream().anyMatch(s -> s.maxPurity() == 1.0),
                "some unit picks out a tint, so purity varies and the comparison means something");
    }

    @Test
    void reportsHaveARowPerUnitAndPerLayer() {
        String csv = ProbeReport.unitsCsv(result, dir);
        assertEquals(1 + 12, csv.lines().count());
        assertTrue(csv.lines().skip(1).allMatch(l -> l.matches("(relu1,2|relu2,5|logits,7),\\d+,(true|false),.*")),
                csv);
        assertTrue(csv.contains("train/"), "top images are named relative to the data root");
        String layers = ProbeReport.layersCsv(result);
        assertEquals(1 + 3, layers.lines().count());
        assertTrue(layers.lines().findFirst().orElseThrow().endsWith(",blue,green,red"));
        String md = ProbeReport.markdown(result);
        assertTrue(md.contains("| relu2 (`5`) | 5 | " + result.layers().get(1).silent() + " |"), md);
        List<UnitProbe.Unit> best = ProbeReport.mostSelective(result, 5);
        assertEquals(5, best.size());
        double top = result.units().stream().filter(u -> !u.silent()).mapToDouble(UnitProbe.Unit::purity).max()
                .orElseThrow();
        assertEquals(top, best.get(0).purity());
        for (int i = 1; i < best.size(); i++) {
            assertTrue(best.get(i - 1).purity() >= best.get(i).purity());
        }
        for (int c = 0; c < 3; c++) {
            int klass = c;
            boolean has = result.units().stream().anyMatch(u -> !u.silent() && u.majorityClass() == klass);
            assertEquals(has, best.stream().anyMatch(u -> u.majorityClass() == klass),
                    "every class that has a unit is shown, class " + c);
        }
    }

    @Test
    void theUnitMontageIsWritten() throws Exception {
        Path montage = dir.resolve("out/units.png");
        Pictures.writeUnitMontage(montage, result, ProbeReport.mostSelective(result, 3), 4, TinyNet.SIZE, "t", "s");
        BufferedImage m = ImageIO.read(montage.toFile());
        assertTrue(m.getWidth() > 4 * 64 && m.getHeight() > 3 * 64, m.getWidth() + "x" + m.getHeight());
    }

    @Test
    void theAheLayersAreTheReluOutputsOfEachConvAndHiddenLinear() {
        try (Model ahe = AheNet.of(AheNet.unnamedClasses(3), 16, 0.25).build(backend, 1)) {
            assertEquals(List.of(new UnitProbe.ProbedLayer("conv1", "features.2"),
                    new UnitProbe.ProbedLayer("conv2", "features.6"), new UnitProbe.ProbedLayer("conv3", "features.10"),
                    new UnitProbe.ProbedLayer("conv4", "features.14"), new UnitProbe.ProbedLayer("conv5", "features.18"),
                    new UnitProbe.ProbedLayer("fc1", "classifier.3"), new UnitProbe.ProbedLayer("fc2", "classifier.6")),
                    UnitProbe.aheLayers(ahe));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UnitProbe.aheLayers(model));
        assertTrue(e.getMessage().contains("not an AHE model"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new UnitProbe.Options(0, 1, 1));
        assertEquals("topK must be at least 1, got 0", e.getMessage());
    }

    @Test
    void topKKeepsTheLargestAndRanksEqualValuesByTheTieOrder() {
        int[] tieRank = {7, 6, 5, 4, 3, 2, 1, 0};
        TopK top = new TopK(1, 3, tieRank);
        float[] values = {1, 5, 2, 5, 7, 2, 5, 0};
        for (int i = 0; i < values.length; i++) {
            top.offer(0, values[i], i);
        }
        assertArrayEquals(new int[] {4, 6, 3}, top.ranked(0).images(), "of the three 5s, the two first in tie order");
        assertArrayEquals(new float[] {7, 5, 5}, top.ranked(0).values(), 0f);
        TopK zeros = new TopK(1, 2, new int[] {2, 0, 3, 1});
        for (int i = 0; i < 4; i++) {
            zeros.offer(0, 0f, i);
        }
        assertArrayEquals(new int[] {1, 3}, zeros.ranked(0).images(), "all equal: the tie order decides, not arrival");
        TopK few = new TopK(2, 5, tieRank);
        few.offer(1, 3, 0);
        few.offer(1, 3, 1);
        assertArrayEquals(new int[] {1, 0}, few.ranked(1).images());
        assertEquals(0, few.ranked(0).images().length);
    }

    @Test
    void theTieOrderIsASeededPermutation() {
        int[] a = UnitProbe.tieRank(50);
        assertArrayEquals(a, UnitProbe.tieRank(50));
        assertArrayEquals(IntStream.range(0, 50).toArray(), Arrays.stream(a).sorted().toArray());
    }
}
