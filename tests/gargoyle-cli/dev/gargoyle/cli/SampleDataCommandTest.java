package dev.gargoyle.cli;

import static dev.gargoyle.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleDataCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesTheDataSet() throws IOException {
        Path out = dir.resolve("ahe");
        String[] r = run("sample-data", out.toString(), "--per-class", "3", "--size", "12", "--seed", "4");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("wrote 40 images (10 classes, 3 train + 1 test each, 12x12)"), r[1]);
        try (Stream<Path> train = Files.list(out.resolve("train"));
             Stream<Path> gargoyles = Files.list(out.resolve("train/gargoyle"))) {
            assertEquals(10, train.count());
            assertEquals(3, gargoyles.count());
        }
    }

    /** AHE's imbalance: from 407 flying buttresses to 1,919 columns in 10,235 images, the same total as even. */
    @Test
    void aheProportionsSpreadTheTotalAsTheRealDataDoes() throws IOException {
        Path out = dir.resolve("imbalanced");
        String[] r = run("sample-data", out.toString(), "--per-class", "20", "--size", "8", "--proportions", "ahe");
        assertEquals("0", r[0], r[2]);
        String[] classes = {"altar", "apse", "bell_tower", "column", "dome_inner", "dome_outer", "flying_buttress",
            "gargoyle", "stained_glass", "vault"};
        int[] real = {829, 514, 1059, 1919, 616, 1177, 407, 1571, 1033, 1110};
        int total = 0;
        for (int c = 0; c < classes.length; c++) {
            long train = count(out.resolve("train").resolve(classes[c]));
            assertEquals(200.0 * real[c] / 10235, train, 0.5, classes[c]);
            assertEquals(Math.max(1, (train + 3) / 4), count(out.resolve("test").resolve(classes[c])), classes[c]);
            total += train;
        }
        assertEquals(200, total, 2, "about the same total as 20 per class");
        r = run("sample-data", dir.resolve("c").toString(), "--proportions", "zipf");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--proportions must be even or ahe, got zipf"), r[2]);
    }

    private static long count(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }

    @Test
    void badValuesAreUsageErrors() {
        String[] r = run("sample-data", dir.resolve("a").toString(), "--per-class", "0");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--per-class must be at least 1, got 0"), r[2]);
        r = run("sample-data", dir.resolve("b").toString(), "--size", "7");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--size must be at least 8, got 7"), r[2]);
        assertFalse(Files.exists(dir.resolve("a")) || Files.exists(dir.resolve("b")));
    }

    @Test
    void aFolderWithFilesIsAFailureNamingIt() throws IOException {
        Path busy = Files.createDirectories(dir.resolve("busy"));
        Files.writeString(busy.resolve("x.txt"), "x");
        String[] r = run("sample-data", busy.toString(), "--per-class", "1", "--size", "8");
        assertEquals("1", r[0]);
        assertTrue(r[2].contains(busy.toString()) && r[2].contains("not empty"), r[2]);
    }
}
