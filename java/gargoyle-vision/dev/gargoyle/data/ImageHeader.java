package dev.gargoyle.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * What an encoded image's header says before anything is decoded, so that an image unsafe to decode
 * is refused first. Its width and height come from the JDK's ImageIO readers for PNG, JPEG, BMP and
 * TIFF (which read only the header for this), and by hand for WebP, which the JDK does not know
 * (three RIFF chunk layouts, a few bytes each).
 */
final class ImageHeader {
    private ImageHeader() {
    }

    /**
     * Why {@code bytes} must not be decoded, or null when they may: OpenCV allocates what a header
     * declares, so an image of unknown size (OpenCV would decode PNM, Sun raster and more), one above
     * {@code maxPixels} (a 1 MB PNG can decode to gigabytes) or a PNG chunk longer than the file is
     * refused.
     */
    static String refusal(byte[] bytes, long maxPixels) {
        long[] size = size(bytes);
        if (size == null) {
            return "not a PNG, JPEG, BMP, TIFF or WebP image (no size could be read from its header)";
        }
        if (size[0] * size[1] > maxPixels) {
            return String.format(Locale.ROOT, "%dx%d = %,d pixels, above the limit of %,d", size[0], size[1],
                    size[0] * size[1], maxPixels);
        }
        return pngProblem(bytes);
    }

    /** {@code {width, height}}, or null when the header is not one of those formats or is unreadable. */
    static long[] size(byte[] bytes) {
        long[] webp = webp(bytes);
        if (webp != null) {
            return webp;
        }
        // A memory-cached stream: ImageIO.createImageInputStream would spill to a temporary file by default.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new long[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;   // an unreadable header: the image is refused
        }
    }

    /**
     * What makes a PNG unsafe to hand to OpenCV, or null: a chunk declaring more bytes than the file
     * holds. OpenCV 4.13's PNG reader allocates a chunk's declared length before reading it, so 93
     * bytes declaring a 4 GB chunk cost 4 GB (found by ImageDecodeFuzzTest).
     */
    private static String pngProblem(byte[] b) {
        if (b.length < 8 || (b[0] & 0xff) != 0x89 || !ascii(b, 1, "PNG")) {
            return null;
        }
        for (long at = 8; at + 8 <= b.length; ) {
            long length = u32be(b, (int) at);
            String type = new String(b, (int) at + 4, 4, StandardCharsets.ISO_8859_1);
            long left = b.length - at - 12;
            if (length > left) {
                return String.format(Locale.ROOT, "PNG chunk '%s' at byte %d declares %,d bytes, but "
                        + "only %,d follow (corrupt or truncated)", type.replaceAll("[^ -~]", "?"), at, length,
                        Math.max(0, left));
            }
            if (type.equals("IEND")) {
                break;
            }
            at += 12 + length;
        }
        return null;
    }

    private static long[] webp(byte[] b) {
        if (b.length < 30 || !ascii(b, 0, "RIFF") || !ascii(b, 8, "WEBP")) {
            return null;
        }
        if (ascii(b, 12, "VP8X")) {   // extended: canvas width-1 and height-1, 24 bits each
            return new long[] {1 + u24(b, 24), 1 + u24(b, 27)};
        }
        if (ascii(b, 12, "VP8L") && (b[20] & 0xff) == 0x2f) {   // lossless: 14 bits each after the signature
            long bits = (b[21] & 0xffL) | (b[22] & 0xffL) << 8 | (b[23] & 0xffL) << 16 | (b[24] & 0xffL) << 24;
            return new long[] {1 + (bits & 0x3fff), 1 + (bits >> 14 & 0x3fff)};
        }
        if (ascii(b, 12, "VP8 ") && (b[23] & 0xff) == 0x9d && (b[24] & 0xff) == 0x01 && (b[25] & 0xff) == 0x2a) {
            return new long[] {u16(b, 26) & 0x3fff, u16(b, 28) & 0x3fff};   // lossy: a key frame's size
        }
        return null;
    }

    private static boolean ascii(byte[] b, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (b[at + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static long u32be(byte[] b, int at) {
        return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xffL) << 16 | (b[at + 2] & 0xffL) << 8 | (b[at + 3] & 0xffL);
    }

    private static long u16(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8;
    }

    private static long u24(byte[] b, int at) {
        return u16(b, at) | (b[at + 2] & 0xffL) << 16;
    }
}
