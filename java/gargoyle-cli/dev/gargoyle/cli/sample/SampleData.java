package dev.gargoyle.cli.sample;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;

import dev.gargoyle.data.Workers;
import dev.gargoyle.train.DataException;
import dev.gargoyle.train.Seeds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A synthetic stand-in for the Architectural Heritage Elements data set: AHE's ten classes drawn
 * procedurally with OpenCV ({@link SampleScenes}), written as PNG and JPEG files in the
 * {@code root/train/<class>}, {@code root/test/<class>} layout. The same spec always gives the
 * same files, whatever the number of threads.
 */
public final class SampleData {
    private static final Logger LOG = LoggerFactory.getLogger(SampleData.class);

    /** AHE's class names, in label order. */
    public static final List<String> CLASSES = List.of("altar", "apse", "bell_tower", "column", "dome_inner",
            "dome_outer", "flying_buttress", "gargoyle", "stained_glass", "vault");

    /** Bump when the drawing changes, so cached copies made by older code are not reused. */
    private static final int VERSION = 2;

    private SampleData() {
    }

    /**
     * Images of the real AHE data set per class (10,235 in all), in {@link #CLASSES} order: from 407
     * flying buttresses to 1,919 columns.
     */
    public static final List<Integer> AHE_COUNTS = List.of(829, 514, 1059, 1919, 616, 1177, 407, 1571, 1033, 1110);

    /** How the images are spread over the classes. */
    public enum Proportions {
        /** The same number per class. */
        EVEN,
        /** As in the real AHE data ({@link #AHE_COUNTS}), with the same total as {@code EVEN}. */
        AHE
    }

    /**
     * What to generate.
     *
     * @param perClass    training images per class on average; the test part gets a quarter as many
     *                    (at least 1 per class)
     * @param size        images are {@code size × size}
     * @param seed        seeds every image
     * @param proportions even classes, or AHE's imbalance
     */
    public record Spec(int perClass, int size, long seed, Proportions proportions) {
        public Spec {
            if (perClass < 1) {
                throw new IllegalArgumentException("images per class must be at least 1, got " + perClass);
            }
            if (size < 8) {
                throw new IllegalArgumentException("image size must be at least 8, got " + size);
            }
        }

        /** Even classes. */
        public Spec(int perClass, int size, long seed) {
            this(perClass, size, seed, Proportions.EVEN);
        }

        /** 100 training + 25 test images per class at 64×64, seed 0. */
        public static Spec defaults() {
            return new Spec(100, 64, 0);
        }

        /** Training images of class {@code label}. */
        public int trainCount(int label) {
            if (proportions == Proportions.EVEN) {
                return perClass;
            }
            long total = AHE_COUNTS.stream().mapToLong(Integer::longValue).sum();
            return (int) Math.max(1, Math.round((double) perClass * CLASSES.size() * AHE_COUNTS.get(label) / total));
        }

        /** Test images of class {@code label}: a quarter of its training images, at least 1. */
        public int testCount(int label) {
            return Math.max(1, (trainCount(label) + 3) / 4);
        }

        /** Images in both parts. */
        public int images() {
            int n = 0;
            for (int label = 0; label < CLASSES.size(); label++) {
                n += trainCount(label) + testCount(label);
            }
            return n;
        }
    }

    /** {@link #ensure(Path, Spec)} with {@link Spec#defaults()}. */
    public static Path ensure(Path cacheDir) {
        return ensure(cacheDir, Spec.defaults());
    }

    /**
     * The data set of {@code spec} in {@code cacheDir}, generated on first use (into a temporary
     * folder, then renamed, so a crash or a concurrent run never leaves a half-written set).
     *
     * @return its root folder, for {@link ImageFolder#open}
     */
    public static Path ensure(Path cacheDir, Spec spec) {
        Path root = cacheDir.resolve("ahe-sample-v" + VERSION + "-" + spec.perClass() + "x" + spec.size()
                + "-seed" + spec.seed() + (spec.proportions() == Proportions.AHE ? "-ahe" : ""));
        if (Files.isDirectory(root)) {
            return root;
        }
        try {
            write(root, spec, () -> { });
        } catch (DataException e) {
            if (!Files.isDirectory(root)) {
                throw e;
            }
            LOG.debug("another process wrote {} first", root);
        }
        return root;
    }

    /**
     * Writes the data set to {@code out}, which must not exist or be an empty folder; files appear
     * there all at once (written to a sibling temporary folder, then renamed).
     *
     * @param onImage called once per image written, from worker threads (e.g. a progress bar's step)
     */
    public static void write(Path out, Spec spec, Runnable onImage) {
        out = out.toAbsolutePath().normalize();
        requireEmpty(out);
        long start = System.nanoTime();
        Path temp;
        try {
            Files.createDirectories(out.getParent());
            temp = Files.createTempDirectory(out.getParent(), "." + out.getFileName() + ".tmp-");
        } catch (IOException e) {
            throw new DataException("cannot create a folder next to " + out + ": " + e, e);
        }
        try {
            generate(temp, spec, onImage);
            if (Files.isDirectory(out)) {
                Files.delete(out);
            }
            Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            deleteQuietly(temp);
            throw new DataException("sample data folder " + out + " appeared while writing it", e);
        } catch (IOException | RuntimeException | Error e) {
            deleteQuietly(temp);
            if (e instanceof DataException d) {
                throw d;
            }
            throw new DataException("cannot write sample data to " + out + ": " + e, e);
        }
        LOG.info("wrote {} sample images ({} classes, {}, {}x{}) to {} in {} ms", spec.images(), CLASSES.size(),
                spec.proportions() == Proportions.AHE ? "in AHE's proportions" : spec.perClass() + "+"
                        + spec.testCount(0) + " per class", spec.size(), spec.size(), out,
                (System.nanoTime() - start) / 1_000_000);
    }

    private static void requireEmpty(Path out) {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new DataException("cannot write sample data to " + out + ": it is a file");
        }
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                throw new DataException("cannot write sample data to " + out + ": the folder is not empty");
            }
        } catch (IOException e) {
            throw new DataException("cannot list " + out + ": " + e, e);
        }
    }

    private static void generate(Path root, Spec spec, Runnable onImage) throws IOException {
        record Job(Path file, int label, long seed, boolean jpeg, int quality) {
        }
        List<Job> jobs = new ArrayList<>();
        String[] parts = {"train", "test"};
        for (int part = 0; part < parts.length; part++) {
            for (int label = 0; label < CLASSES.size(); label++) {
                int count = part == 0 ? spec.trainCount(label) : spec.testCount(label);
                String name = CLASSES.get(label);
                Path dir = Files.createDirectories(root.resolve(parts[part]).resolve(name));
                for (int i = 0; i < count; i++) {
                    long seed = Seeds.mix(spec.seed(), Seeds.SAMPLE, part, label, i);
                    SplittableRandom format = new SplittableRandom(Seeds.mix(seed, 1));
                    boolean jpeg = format.nextBoolean();
                    String file = String.format("%s_%s_%04d.%s", name, parts[part], i, jpeg ? "jpg" : "png");
                    jobs.add(new Job(dir.resolve(file), label, seed, jpeg, 75 + format.nextInt(21)));
                }
            }
        }
        ExecutorService pool = Workers.pool("gargoyle-sample", Runtime.getRuntime().availableProcessors());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (Job job : jobs) {
                done.add(pool.submit(() -> {
                    Files.write(job.file(), render(job.label(), spec.size(), job.seed(), job.jpeg(), job.quality()));
                    onImage.run();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while writing sample data to " + root, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new DataException("drawing sample images failed: " + cause, cause);
        } finally {
            pool.shutdownNow();
        }
    }

    /** One image of class {@code label}, as packed RGB bytes (HWC); for tests and previews. */
    @SuppressWarnings("try") // the PointerScope frees every Mat made in the body
    static byte[] drawRgb(int label, int size, long seed) {
        try (BytePointer rgb = new BytePointer((long) size * size * 3); PointerScope scope = new PointerScope()) {
            Mat bgr = new SampleScenes(new SplittableRandom(seed), size).draw(label);
            opencv_imgproc.cvtColor(bgr, new Mat(size, size, CV_8UC3, rgb), opencv_imgproc.COLOR_BGR2RGB);
            byte[] out = new byte[size * size * 3];
            rgb.get(out);
            return out;
        }
    }

    /** One image of class {@code label}, encoded as JPEG (with the quality given) or PNG. */
    @SuppressWarnings("try") // the PointerScope frees every Mat made in the body
    private static byte[] render(int label, int size, long seed, boolean jpeg, int quality) {
        try (PointerScope scope = new PointerScope()) {
            Mat bgr = new SampleScenes(new SplittableRandom(seed), size).draw(label);
            BytePointer encoded = new BytePointer();
            boolean ok = jpeg
                    ? opencv_imgcodecs.imencode(".jpg", bgr, encoded, new IntPointer(IMWRITE_JPEG_QUALITY, quality))
                    : opencv_imgcodecs.imencode(".png", bgr, encoded);
            if (!ok) {
                throw new DataException("OpenCV could not encode a " + (jpeg ? "JPEG" : "PNG") + " image");
            }
            byte[] bytes = new byte[(int) encoded.limit()];
            encoded.get(bytes);
            return bytes;
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not remove temporary folder {}: {}", dir, e.getMessage());
        }
    }
}
