package dev.gargoyle.data;

import dev.gargoyle.train.DataException;
import dev.gargoyle.train.Seeds;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A list of labelled image files: classes are the sorted names of the class folders, samples are
 * listed class by class and, within a class, in lexicographic order of their paths relative to the
 * class folder (the order a loader without shuffling visits them).
 */
public final class ImageFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);

    private final Path root;
    private final String part;
    private final List<String> classes;
    private final List<Sample> samples;

    ImageFolder(Path root, String part, List<String> classes, List<Sample> samples) {
        this.root = root;
        this.part = part;
        this.classes = List.copyOf(classes);
        this.samples = List.copyOf(samples);
    }

    /** Opens {@code root} with {@link OpenOptions#defaults()}. */
    public static DataSplits open(Path root) {
        return open(root, OpenOptions.defaults());
    }

    /**
     * Opens a data set: {@code root/train/<class>/*} and {@code root/test/<class>/*} (or
     * {@code root/val}) when both exist, else {@code root/<class>/*} split per class into train and
     * test with a shuffle seeded by {@code options.seed()} ({@code round(n·valSplit)} test images
     * per class, at least one when the split is positive and the class has two or more). Files are
     * found recursively; only image extensions ({@link Images#EXTENSIONS}) count and hidden files
     * are ignored. With {@code options.verify()} every image is decoded once, in parallel; one that
     * fails is left out with a warning (listed in {@link DataSplits#skipped()}) or, when strict,
     * is an error naming it. The split is drawn after that, so batch plans are exact.
     *
     * @throws DataException naming the path when the root is missing, has no class folders, a class
     *                       has no images, or train and test have different classes
     */
    public static DataSplits open(Path root, OpenOptions options) {
        long start = System.nanoTime();
        requireFolder(root, "data folder");
        Path trainDir = root.resolve("train");
        Path testDir = Files.isDirectory(root.resolve("test")) ? root.resolve("test") : root.resolve("val");
        boolean trainTest = Files.isDirectory(trainDir) && Files.isDirectory(testDir);
        if (!trainTest && Files.isDirectory(trainDir)) {
            throw new DataException("data folder " + root + " has a train folder but no test (or val) folder"
                    + " next to it: expected " + root + "/train/<class> and " + root + "/test/<class>");
        }

        DataSplits splits;
        if (trainTest) {
            Map<String, List<Path>> train = scan(trainDir);
            Map<String, List<Path>> test = scan(testDir);
            requireSameClasses(trainDir, train, testDir, test);
            List<SkippedFile> skipped = check(options, train, test);
            dropSkipped(trainDir, train, skipped);
            dropSkipped(testDir, test, skipped);
            List<String> classes = List.copyOf(train.keySet());
            splits = new DataSplits(new ImageFolder(trainDir, "train", classes, samples(train)),
                    new ImageFolder(testDir, "test", classes, samples(test)), DataSplits.Layout.TRAIN_TEST, skipped);
        } else {
            Map<String, List<Path>> all = scan(root);
            List<SkippedFile> skipped = check(options, all);
            dropSkipped(root, all, skipped);
            splits = split(root, all, options, skipped);
        }
        LOG.info("data {}: {} ({} ms)", root, splits.summary(), (System.nanoTime() - start) / 1_000_000);
        return splits;
    }

    /** The folder this part was read from ({@code root} for a seeded split). */
    public Path root() {
        return root;
    }

    /** {@code "train"} or {@code "test"}. */
    public String part() {
        return part;
    }

    /** Class names in label order. */
    public List<String> classes() {
        return classes;
    }

    public List<Sample> samples() {
        return samples;
    }

    public Sample sample(int index) {
        return samples.get(index);
    }

    public int size() {
        return samples.size();
    }

    /** Images per class, indexed by label. */
    public int[] classCounts() {
        int[] counts = new int[classes.size()];
        for (Sample s : samples) {
            counts[s.label()]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return part + " " + root + " (" + samples.size() + " images, " + classes.size() + " classes)";
    }

    // ---- scanning -----------------------------------------------------------------------------

    private static void requireFolder(Path dir, String what) {
        if (!Files.exists(dir)) {
            throw new DataException(what + " not found: " + dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new DataException(what + " " + dir + " is a file, expected a folder");
        }
    }

    /** Class name to its image files, both in sorted order; every class has at least one image. */
    private static Map<String, List<Path>> scan(Path dir) {
        List<String> classes;
        try (Stream<Path> entries = Files.list(dir)) {
            classes = entries.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DataException("cannot list data folder " + dir + ": " + e.getMessage(), e);
        }
        if (classes.isEmpty()) {
            throw new DataException("no class folders in " + dir + ": expected " + dir + "/<class>/<image>, or "
                    + dir + "/train/<class> and " + dir + "/test/<class>");
        }
        Map<String, List<Path>> files = new LinkedHashMap<>();
        for (String name : classes) {
            Path classDir = dir.resolve(name);
            List<Path> images = images(classDir);
            if (images.isEmpty()) {
                throw new DataException("class folder " + classDir + " has no images (expected files ending in "
                        + String.join(", ", new TreeSet<>(Images.EXTENSIONS)) + ")");
            }
            files.put(name, images);
        }
        return files;
    }

    /**
     * The image files below {@code classDir}, following links; hidden folders are left out, and an
     * entry that cannot be visited (a link that loops, a folder that cannot be read) is skipped with
     * a warning naming it, as an unreadable image is.
     */
    private static List<Path> images(Path classDir) {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(classDir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                            boolean hidden = !d.equals(classDir) && d.getFileName().toString().startsWith(".");
                            return hidden ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                            if (Images.isImageFile(f)) {
                                found.add(f);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path f, IOException e) {
                            LOG.warn("skipped {}: {}", f, e instanceof FileSystemLoopException
                                    ? "a link that loops back to a folder above it" : e.toString());
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new DataException("cannot list class folder " + classDir + ": " + e.getMessage(), e);
        }
        found.sort(Comparator.comparing(p -> classDir.relativize(p).toString()));
        return found;
    }

    private static void requireSameClasses(Path trainDir, Map<String, List<Path>> train,
                                           Path testDir, Map<String, List<Path>> test) {
        if (train.keySet().equals(test.keySet())) {
            return;
        }
        TreeSet<String> onlyTrain = new TreeSet<>(train.keySet());
        onlyTrain.removeAll(test.keySet());
        TreeSet<String> onlyTest = new TreeSet<>(test.keySet());
        onlyTest.removeAll(train.keySet());
        throw new DataException("train and test have different classes: only in " + trainDir + ": " + onlyTrain
                + "; only in " + testDir + ": " + onlyTest);
    }

    @SafeVarargs
    private static List<SkippedFile> check(OpenOptions options, Map<String, List<Path>>... parts) {
        if (!options.verify()) {
            return List.of();
        }
        List<Path> all = new ArrayList<>();
        for (Map<String, List<Path>> part : parts) {
            part.values().forEach(all::addAll);
        }
        List<SkippedFile> bad = ImageCheck.findUnreadable(all, options.threads(), options.maxPixels());
        if (!bad.isEmpty() && options.strict()) {
            SkippedFile first = bad.get(0);
            throw new DataException("unreadable image " + first.path() + " (strict mode): " + first.reason()
                    + (bad.size() > 1 ? " (and " + (bad.size() - 1) + " more)" : ""));
        }
        for (SkippedFile s : bad) {
            LOG.warn("skipping unreadable image {}: {}", s.path(), s.reason());
        }
        return bad;
    }

    private static void dropSkipped(Path dir, Map<String, List<Path>> files, List<SkippedFile> skipped) {
        if (skipped.isEmpty()) {
            return;
        }
        TreeSet<Path> bad = new TreeSet<>();
        skipped.forEach(s -> bad.add(s.path()));
        files.replaceAll((name, list) -> list.stream().filter(p -> !bad.contains(p)).toList());
        files.forEach((name, list) -> {
            if (list.isEmpty()) {
                throw new DataException("class folder " + dir.resolve(name) + " has no readable images");
            }
        });
    }

    private static List<Sample> samples(Map<String, List<Path>> files) {
        List<Sample> samples = new ArrayList<>();
        int label = 0;
        for (List<Path> paths : files.values()) {
            for (Path p : paths) {
                samples.add(new Sample(p, label));
            }
            label++;
        }
        return samples;
    }

    private static DataSplits split(Path root, Map<String, List<Path>> files, OpenOptions options,
                                    List<SkippedFile> skipped) {
        List<String> classes = List.copyOf(files.keySet());
        List<Sample> train = new ArrayList<>();
        List<Sample> test = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            List<Path> paths = files.get(classes.get(label));
            BitSet held = heldOut(paths.size(), options.valSplit(), Seeds.mix(options.seed(), Seeds.SPLIT, label));
            for (int i = 0; i < paths.size(); i++) {
                (held.get(i) ? test : train).add(new Sample(paths.get(i), label));
            }
        }
        return new DataSplits(new ImageFolder(root, "train", classes, train),
                new ImageFolder(root, "test", classes, test), DataSplits.Layout.SPLIT, skipped);
    }

    /** Which of {@code n} files go to test: the first {@code round(n·fraction)} of a seeded permutation. */
    static BitSet heldOut(int n, double fraction, long seed) {
        int count = (int) Math.round(n * fraction);
        if (fraction > 0 && n >= 2) {
            count = Math.max(1, Math.min(n - 1, count));
        } else if (n < 2) {
            count = 0;
        }
        int[] order = Seeds.permutation(n, seed);
        BitSet held = new BitSet(n);
        for (int i = 0; i < count; i++) {
            held.set(order[i]);
        }
        return held;
    }
}
