package dev.gargoyle.cli;

import static dev.gargoyle.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.cli.sample.SampleData;
import dev.gargoyle.models.AheNet;
import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.train.Checkpoint;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code visualize}, {@code dream} and {@code probe} end to end on an untrained 16x16 AHE model and tiny sample data. */
class VizCommandsTest {
    @TempDir
    static Path dir;
    static Path weights;
    static Path data;
    static Path image;

    @BeforeAll
    static void checkpointAndData() throws Exception {
        data = dir.resolve("data");
        SampleData.write(data, new SampleData.Spec(2, 16, 1), () -> { });
        try (Stream<Path> files = Files.list(data.resolve("test/gargoyle"))) {
            image = files.sorted().findFirst().orElseThrow();
        }
        AheNet net = AheNet.of(SampleData.CLASSES, 16, 0.25);
        weights = dir.resolve("w.safetensors");
        try (Backend b = Backends.create(Device.cpu()); Model m = net.build(b, 3)) {
            Checkpoint.save(weights, m, net.metadata());
        }
    }


    private static String[] visualize(String out, String... more) {
        List<String> args = new ArrayList<>(List.of("visualize", "--weights", weights.toString(), "--image",
                image.toString(), "--out", dir.resolve(out).toString(), "--device", "cpu"));
        args.addAll(List.of(more));
        return run(args.toArray(new String[0]));
    }

    private static BufferedImage png(String name) throws Exception {
        BufferedImage im = ImageIO.read(dir.resolve(name).toFile());
        assertTrue(im != null, name + " is a PNG");
        return im;
    }

    @Test
    void visualizeWritesTheImageTheMapAndTheOverlay() throws Exception {
        String[] r = visualize("filter.png", "--layer", "2", "--filter", "7");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("conv 2 (features.4), filter 7"), r[1]);
        assertTrue(png("filter.png").getWidth() > 3 * 256, "three panels side by side");

        r = visualize("cam.png", "--class", "apse");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("conv 5 (features.16), class apse"), r[1]);
        png("cam.png");

        r = visualize("grid.png", "--layer", "features.0", "--filter", "all");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("all 32 filters of conv 1 (features.0)"), r[1]);
        png("grid.png");

        r = visualize("predicted.png");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("conv 5 (features.16), class "), r[1]);
    }

    @Test
    void badVisualizeOptionsAreUsageErrorsThatSayWhatIsValid() {
        String[] r = visualize("x.png", "--layer", "7", "--filter", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("no feature-map layer '7'") && r[2].contains("1-5 (the conv layers features.0")
                && r[2].contains("features.18"), r[2]);
        r = visualize("x.png", "--layer", "1", "--filter", "32");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--filter 32 is out of range: features.0 has 32 filters (0..31)"), r[2]);
        r = visualize("x.png", "--filter", "first");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--filter must be a filter index or all"), r[2]);
        r = visualize("x.png", "--class", "pagoda");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("class 'pagoda' is not in the model; classes are: altar, apse"), r[2]);
        r = visualize("x.png", "--class", "apse", "--filter", "1");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("cannot be combined"), r[2]);
        assertFalse(Files.exists(dir.resolve("x.png")));
    }

    @Test
    void anUnreadableImageIsAFailureNamingTheFile() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.jpg"), "not a jpeg");
        String[] r = run("visualize", "--weights", weights.toString(), "--image", broken.toString(), "--out",
                dir.resolve("b.png").toString(), "--device", "cpu");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains(broken.toString()), r[2]);
    }

    @Test
    void aMissingWeightsFileIsAFailureNamingIt() {
        String none = dir.resolve("none.safetensors").toString();
        String png = dir.resolve("none.png").toString();
        List<String[]> commands = List.of(
                new String[] {"visualize", "--weights", none, "--image", image.toString(), "--out", png},
                new String[] {"dream", "--weights", none, "--out", png},
                new String[] {"probe", "--weights", none, "--data", data.toString(), "--out", png});
        for (String[] args : commands) {
            String[] r = run(args);
            assertEquals("1", r[0], args[0] + ": " + r[2]);
            assertTrue(r[2].contains("--weights: no such file: " + none), r[2]);
        }
    }

    @Test
    void dreamWritesALabelledGridAndPrintsEachProbability() throws Exception {
        String[] r = run("dream", "--weights", weights.toString(), "--steps", "3", "--out",
                dir.resolve("dream.png").toString(), "--device", "cpu", "--quiet");
        assertEquals("0", r[0], r[2]);
        for (String c : SampleData.CLASSES) {
            assertTrue(r[1].matches("(?s).*\\n?" + c + " +p = [01]\\.\\d{4} .*"), c + " in\n" + r[1]);
        }
        png("dream.png");

        r = run("dream", "--weights", weights.toString(), "--class", "vault", "--steps", "2", "--init",
                image.toString(), "--jitter", "1", "--blur-every", "1", "--l2", "0.1", "--out",
                dir.resolve("vault.png").toString(), "--device", "cpu");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].startsWith("vault "), r[1]);

        r = run("dream", "--weights", weights.toString(), "--steps", "0", "--out", dir.resolve("n.png").toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--steps must be at least 1, got 0"), r[2]);
        r = run("dream", "--weights", weights.toString(), "--class", "nave", "--out", dir.resolve("n.png").toString(),
                "--device", "cpu");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("class 'nave' is not in the model"), r[2]);
    }

    @Test
    void probeWritesItsTablesAndPictures() throws Exception {
        Path out = dir.resolve("probe");
        String[] r = run("probe", "--weights", weights.toString(), "--data", data.toString(), "--top-k", "5",
                "--out", out.toString(), "--device", "cpu", "--units", "3", "--per-unit", "4");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("| conv1 (`features.2`) | 32 |") && r[1].contains("| fc2 (`classifier.6`) | 512 |"),
                r[1]);
        long units = 32 + 64 + 128 + 256 + 512 + 1024 + 512;
        assertEquals(1 + units, Files.readAllLines(out.resolve("probe.csv")).size());
        assertEquals(1 + 7, Files.readAllLines(out.resolve("layers.csv")).size());
        assertTrue(ImageIO.read(out.resolve("layers.png").toFile()) != null);
        assertTrue(ImageIO.read(out.resolve("units.png").toFile()) != null);

        r = run("probe", "--weights", weights.toString(), "--data", data.toString(), "--top-k", "31", "--out",
                out.toString(), "--device", "cpu");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--top-k 31 is more than the 30 images probed"), r[2]);
        r = run("probe", "--weights", weights.toString(), "--data", data.toString(), "--split", "val", "--out",
                out.toString());
        assertEquals("2", r[0]);
    }
}
