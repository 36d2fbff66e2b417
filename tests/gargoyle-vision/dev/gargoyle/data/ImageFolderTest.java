package dev.gargoyle.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.train.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir
    Path dir;

    private static final OpenOptions NO_SPLIT = OpenOptions.defaults().withValSplit(0).withThreads(2);

    private Path image(String relative) throws IOException {
        return TestImages.solid(dir.resolve(relative), 4, 4, 10, 20, 30);
    }

    private static List<String> names(ImageFolder f, Path base) {
        List<String> out = new ArrayList<>();
        for (Sample s : f.samples()) {
            out.add(base.relativize(s.path()).toString().replace('\\', '/') + "#" + s.label());
        }
        return out;
    }

    @Test
    void flatFolderListsClassesSortedAndFilesInLexicographicOrder() throws IOException {
        image("zebra/b.png");
        image("apse/2.png");
        image("apse/10.png");
        image("apse/a.PNG");
        image("apse/nested/x.jpg");
        image("Bell/only.bmp");
        Files.writeString(dir.resolve("apse/readme.txt"), "not an image");
        Files.writeString(dir.resolve("apse/.hidden.png"), "hidden");
        Files.createDirectories(dir.resolve(".cache"));
        image(".cache/ignored.png");

        DataSplits splits = ImageFolder.open(dir, NO_SPLIT);

        assertEquals(List.of("Bell", "apse", "zebra"), splits.classes(), "String order: upper case first");
        assertEquals(List.of("Bell/only.bmp#0", "apse/10.png#1", "apse/2.png#1", "apse/a.PNG#1",
                "apse/nested/x.jpg#1", "zebra/b.png#2"), names(splits.train(), dir));
        assertEquals(0, splits.test().size());
        assertEquals(DataSplits.Layout.SPLIT, splits.layout());
    }

    @Test
    void trainTestFoldersAreUsedAsTheyAre() throws IOException {
        image("train/b/1.png");
        image("train/a/1.png");
        image("train/a/2.png");
        image("test/a/9.png");
        image("test/b/8.png");

        DataSplits splits = ImageFolder.open(dir, OpenOptions.defaults());

        assertEquals(DataSplits.Layout.TRAIN_TEST, splits.layout());
        assertEquals(List.of("a", "b"), splits.classes());
        assertEquals(List.of("a/1.png#0", "a/2.png#0", "b/1.png#1"), names(splits.train(), dir.resolve("train")));
        assertEquals(List.of("a/9.png#0", "b/8.png#1"), names(splits.test(), dir.resolve("test")));
        assertEquals(splits.train().classes(), splits.test().classes());
    }

    @Test
    void valFolderServesAsTestFolder() throws IOException {
        image("train/a/1.png");
        image("val/a/2.png");
        DataSplits splits = ImageFolder.open(dir, OpenOptions.defaults());
        assertEquals(DataSplits.Layout.TRAIN_TEST, splits.layout());
        assertEquals(1, splits.test().size());
    }

    @Test
    void stratifiedSplitHoldsOutAFifthOfEachClassReproducibly() throws IOException {
        int[] counts = {10, 5, 1, 23};
        for (int c = 0; c < counts.length; c++) {
            for (int i = 0; i < counts[c]; i++) {
                image("c" + c + "/" + i + ".png");
            }
        }
        OpenOptions options = OpenOptions.defaults().withSeed(7);
        DataSplits a = ImageFolder.open(dir, options);
        DataSplits b = ImageFolder.open(dir, options);
        DataSplits other = ImageFolder.open(dir, options.withSeed(8));

        // round(n * 0.2), at least one for classes of two or more: 10 -> 2, 5 -> 1, 1 -> 0, 23 -> 5
        assertEquals(List.of(2, 1, 0, 5), toList(a.test().classCounts()));
        assertEquals(List.of(8, 4, 1, 18), toList(a.train().classCounts()));
        Set<Path> train = paths(a.train());
        Set<Path> test = paths(a.test());
        assertEquals(39, train.size() + test.size());
        train.retainAll(test);
        assertTrue(train.isEmpty(), "train and test overlap: " + train);

        assertEquals(a.train().samples(), b.train().samples(), "same seed, same split");
        assertEquals(a.test().samples(), b.test().samples());
        assertNotEquals(a.test().samples(), other.test().samples(), "another seed, another split");
        assertEquals(List.of(2, 1, 0, 5), toList(other.test().classCounts()));

        List<Sample> sorted = new ArrayList<>(a.test().samples());
        sorted.sort((x, y) -> x.label() != y.label() ? Integer.compare(x.label(), y.label())
                : x.path().getFileName().toString().compareTo(y.path().getFileName().toString()));
        assertEquals(sorted, a.test().samples(), "held-out samples stay in class then file order");
    }

    /** A link that loops back above itself is skipped, with a warning, like an unreadable file. */
    @Test
    void aSymlinkLoopInAClassFolderIsSkipped() throws IOException {
        image("apse/1.png");
        image("vault/2.png");
        Files.createSymbolicLink(dir.resolve("apse/loop"), dir.resolve("apse"));
        Files.createSymbolicLink(dir.resolve("vault/again"), dir.resolve("vault"));
        DataSplits splits = ImageFolder.open(dir, NO_SPLIT);
        assertEquals(List.of("apse", "vault"), splits.classes());
        assertEquals(List.of("apse/1.png#0", "vault/2.png#1"), names(splits.train(), dir));
    }

    @Test
    void missingRootIsAnErrorNamingIt() {
        Path missing = dir.resolve("nowhere");
        DataException e = assertThrows(DataException.class, () -> ImageFolder.open(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void rootWithoutClassFoldersIsAnErrorNamingIt() throws IOException {
        image("loose.png");
        DataException e = assertThrows(DataException.class, () -> ImageFolder.open(dir));
        assertTrue(e.getMessage().contains("no class folders in " + dir), e.getMessage());
    }

    @Test
    void classWithoutImagesIsAnErrorNamingIt() throws IOException {
        image("a/1.png");
        Files.createDirectories(dir.resolve("empty"));
        Files.writeString(dir.resolve("empty/notes.txt"), "no images here");
        DataException e = assertThrows(DataException.class, () -> ImageFolder.open(dir));
        assertTrue(e.getMessage().contains(dir.resolve("empty").toString()), e.getMessage());
    }

    @Test
    void trainAndTestWithDifferentClassesIsAnErrorNamingTheDifference() throws IOException {
        image("train/a/1.png");
        image("train/b/1.png");
        image("test/a/1.png");
        image("test/c/1.png");
        DataException e = assertThrows(DataException.class, () -> ImageFolder.open(dir));
        assertTrue(e.getMessage().contains("only in " + dir.resolve("train") + ": [b]"), e.getMessage());
        assertTrue(e.getMessage().contains("only in " + dir.resolve("test") + ": [c]"), e.getMessage());
    }

    @Test
    void trainWithoutTestIsAnError() throws IOException {
        image("train/a/1.png");
        image("other/1.png");
        DataException e = assertThrows(DataException.class, () -> ImageFolder.open(dir));
        assertTrue(e.getMessage().contains(dir + " has a train folder but no test"), e.getMessage());
    }

    @Test
    void corruptAndEmptyFilesAreSkippedAndCounted() throws IOException {
        image("a/good.png");
        image("b/good.png");
        Path corrupt = Files.write(dir.resolve("a/corrupt.jpg"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Path empty = Files.write(dir.resolve("b/empty.png"), new byte[0]);
        byte[] png = Files.readAllBytes(dir.resolve("a/good.png"));
        Path truncated = Files.write(dir.resolve("b/truncated.png"), java.util.Arrays.copyOf(png, png.length / 3));

        DataSplits splits = ImageFolder.open(dir, NO_SPLIT);

        assertEquals(2, splits.train().size());
        assertEquals(List.of(corrupt, empty, truncated), splits.skipped().stream().map(SkippedFile::path).toList());
        assertTrue(splits.summary().endsWith("3 unreadable files skipped"), splits.summary());
        assertTrue(splits.skipped().get(1).reason().contains("empty"), splits.skipped().get(1).reason());
    }

    @Test
    void strictModeMakesACorruptFileAnErrorNamingIt() throws IOException {
        image("a/good.png");
        Path corrupt = Files.write(dir.resolve("a/corrupt.webp"), "RIFF....WEBPnonsense".getBytes());
        DataException e = assertThrows(DataException.class,
                () -> ImageFolder.open(dir, NO_SPLIT.withStrict(true)));
        assertTrue(e.getMessage().contains(corrupt.toString()), e.getMessage());
    }

    @Test
    void classLeftWithoutReadableImagesIsAnError() throws IOException {
        image("a/good.png");
        Files.createDirectories(dir.resolve("b"));
        Files.write(dir.resolve("b/bad.png"), new byte[] {9, 9, 9});
        DataException e = assertThrows(DataException.class, () -> ImageFolder.open(dir, NO_SPLIT));
        assertTrue(e.getMessage().contains(dir.resolve("b") + " has no readable images"), e.getMessage());
    }

    @Test
    void withoutVerificationBadFilesStayInTheList() throws IOException {
        image("a/good.png");
        Files.write(dir.resolve("a/bad.png"), new byte[] {9, 9, 9});
        DataSplits splits = ImageFolder.open(dir, NO_SPLIT.withVerify(false));
        assertEquals(2, splits.train().size());
        assertTrue(splits.skipped().isEmpty());
    }

    private static Set<Path> paths(ImageFolder f) {
        Set<Path> out = new HashSet<>();
        f.samples().forEach(s -> out.add(s.path()));
        return out;
    }

    private static List<Integer> toList(int[] a) {
        List<Integer> out = new ArrayList<>();
        for (int v : a) {
            out.add(v);
        }
        return out;
    }
}
