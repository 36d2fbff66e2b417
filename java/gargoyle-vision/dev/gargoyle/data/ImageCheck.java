package dev.gargoyle.data;

import dev.gargoyle.train.DataException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.PointerScope;

/** Decodes every file of a data set once, in parallel, to find the ones that cannot be used. */
final class ImageCheck {
    private ImageCheck() {
    }

    /** The files that fail to decode, in the order given. */
    static List<SkippedFile> findUnreadable(List<Path> files, int threads, long maxPixels) {
        ExecutorService pool = Workers.pool("gargoyle-check", threads);
        try {
            List<Future<SkippedFile>> results = new ArrayList<>(files.size());
            for (Path file : files) {
                results.add(pool.submit(() -> check(file, maxPixels)));
            }
            List<SkippedFile> bad = new ArrayList<>();
            for (Future<SkippedFile> r : results) {
                SkippedFile s = r.get();
                if (s != null) {
                    bad.add(s);
                }
            }
            return bad;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while checking " + files.size() + " images", e);
        } catch (ExecutionException e) {
            throw new DataException("checking images failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    @SuppressWarnings("try") // the PointerScope frees every Mat made in the body
    private static SkippedFile check(Path file, long maxPixels) {
        try (PointerScope scope = new PointerScope()) {
            ImageOps.decodeBgr(file, maxPixels);
            return null;
        } catch (UnreadableImageException e) {
            return new SkippedFile(file, e.reason());
        }
    }
}
