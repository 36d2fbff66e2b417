package dev.gargoyle.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;

/** Single images for prediction and visualisation: which files count as images, and decoding one to RGB. */
public final class Images {
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

    /**
     * Decodes {@code file} and resizes it to {@code size × size}, exactly as evaluation batches do;
     * returns {@code size·size·3} bytes of RGB in HWC order.
     */
    @SuppressWarnings("try") // the PointerScope frees every Mat made in the body
    public static byte[] readRgb(Path file, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + size);
        }
        byte[] out = new byte[size * size * 3];
        try (PointerScope scope = new PointerScope(); BytePointer pixels = new BytePointer(out.length)) {
            ImageOps.load(file, size, Augmentation.none(), 0, ImageOps.rgbView(pixels, 0, size));
            pixels.get(out);
        }
        return out;
    }
}
