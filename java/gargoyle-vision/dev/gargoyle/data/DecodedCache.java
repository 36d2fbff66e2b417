package dev.gargoyle.data;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decoded images kept in native memory from one epoch to the next, up to a byte limit, so that
 * later epochs only augment and pack: decoding (inflating a PNG, a JPEG's IDCT) is most of a
 * loader's work, and on a machine whose cores all run the primitives every busy loader thread
 * slows them. The first images decoded are kept until the limit is reached; the rest are decoded
 * every time. The bytes are exactly the decoder's, so batches do not depend on the cache.
 * Thread-safe; its {@link BatchLoader} frees it after the last worker is done.
 */
final class DecodedCache implements AutoCloseable {
    /** One image: 8-bit BGR, {@code rows × cols × 3} bytes from {@code data}, malloc'd here. */
    private record Entry(Pointer data, int rows, int cols) {
    }

    private final AtomicReferenceArray<Entry> entries;
    private final AtomicLong used = new AtomicLong();
    private final long limit;

    /** Room for {@code samples} images, holding at most {@code limit} bytes (0: keeps nothing). */
    DecodedCache(int samples, long limit) {
        this.entries = new AtomicReferenceArray<>(samples);
        this.limit = limit;
    }

    /**
     * Sample {@code index} (stored in {@code file}) decoded as by {@link ImageOps#decodeBgr}: a Mat
     * over the kept bytes, which the caller must not write, or freshly decoded (and kept when it fits).
     */
    Mat decoded(int index, Path file, long maxPixels) {
        Entry e = entries.get(index);
        if (e != null) {
            return view(e);
        }
        Mat bgr = ImageOps.decodeBgr(file, maxPixels);
        long bytes = (long) bgr.rows() * bgr.cols() * 3;
        if (!bgr.isContinuous() || !reserve(bytes)) {
            return bgr;
        }
        // malloc'd, not a JavaCPP-owned pointer: the worker's PointerScope must not free it.
        Pointer data = Pointer.malloc(bytes);
        if (data == null || data.isNull()) {
            used.addAndGet(-bytes);
            return bgr;
        }
        Pointer.memcpy(data, bgr.data(), bytes);
        Entry mine = new Entry(data, bgr.rows(), bgr.cols());
        if (!entries.compareAndSet(index, null, mine)) {
            Pointer.free(data);
            used.addAndGet(-bytes);
        }
        return bgr;
    }

    private static Mat view(Entry e) {
        return new Mat(e.rows(), e.cols(), CV_8UC3, new BytePointer(e.data()));
    }

    private boolean reserve(long bytes) {
        for (long now = used.get(); now + bytes <= limit; now = used.get()) {
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
        return false;
    }

    /** Bytes held now. */
    long bytes() {
        return used.get();
    }

    @Override
    public void close() {
        for (int i = 0; i < entries.length(); i++) {
            Entry e = entries.getAndSet(i, null);
            if (e != null) {
                Pointer.free(e.data());
                used.addAndGet(-(long) e.rows() * e.cols() * 3);
            }
        }
    }
}
