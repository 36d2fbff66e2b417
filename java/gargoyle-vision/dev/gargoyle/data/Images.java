package dev.gargoyle.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;

/** Single images for prediction and visualisation: which files count as images, and decoding one to RGB. */
public final class Images {
    /**
     * The most pixels an image may declare before it is refused undecoded: PIL's limit
     * ({@code MAX_IMAGE_PIXELS}, a quarter GiB of 8-bit RGB), as a 1 MB PNG can decode to gigabytes.
     */
    public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

    /** File extensions (lower case, no dot) taken as images; any other file in a class folder is ignored. */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff");

    private Images() {
    }

    /** True for a regular, non-hidden file whose extension is in {@link #EXTENSIONS} (any case). */
    public static boolean isImageFile(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0
                && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))
                && Files.isRegularFile(file);
    }

    /** {@link #readRgb(Path, int, long)} with {@link #DEFAULT_MAX_PIXELS}. */
    public static byte[] readRgb(Path file, int size) {
        return readRgb(file, size, DEFAULT_MAX_PIXELS);
    }

    /**
     * Decodes {@code file} and resizes it to {@code size × size}, exactly as evaluation batches do;
     * returns {@code size·size·3} bytes of RGB in HWC order. Refuses an image of more than
     * {@code maxPixels} pixels before decoding it.
     *
     * @throws UnreadableImageException naming the file and why it cannot be used
     */
    @SuppressWarnings("try") // the PointerScope frees every Mat made in the body
    public static byte[] readRgb(Path file, int size, long maxPixels) {
        if (size < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + size);
        }
        byte[] out = new byte[size * size * 3];
        try (PointerScope scope = new PointerScope(); BytePointer pixels = new BytePointer(out.length)) {
            ImageOps.load(file, size, Augmentation.none(), 0, maxPixels, ImageOps.rgbView(pixels, 0, size));
            pixels.get(out);
        }
        return out;
    }
}
