package dev.gargoyle.viz;

import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.gargoyle.train.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Image composition with OpenCV for this package's pictures: tiles from pixels and maps, captions,
 * rows, grids, PNG files. Every Mat made here belongs to the caller's
 * {@link org.bytedeco.javacpp.PointerScope}; nothing is left to the garbage collector.
 */
final class Canvas {
    static final int FONT = opencv_imgproc.FONT_HERSHEY_SIMPLEX;
    static final int GAP = 8;

    private Canvas() {
    }

    static Scalar white() {
        return new Scalar(255, 255, 255, 0);
    }

    static Scalar ink() {
        return new Scalar(40, 40, 40, 0);
    }

    /** A BGR Mat of its own from {@code size·size·3} RGB bytes (HWC). */
    static Mat fromRgb(byte[] rgb, int size) {
        Mat rgbMat = new Mat(size, size, CV_8UC3, new BytePointer(rgb));
        Mat bgr = new Mat();
        opencv_imgproc.cvtColor(rgbMat, bgr, opencv_imgproc.COLOR_RGB2BGR);
        return bgr;
    }

    /** {@code src} scaled to {@code px × px}; nearest keeps pixels as the model saw them. */
    static Mat enlarge(Mat src, int px, boolean nearest) {
        Mat out = new Mat();
        opencv_imgproc.resize(src, out, new Size(px, px), 0, 0,
                nearest ? opencv_imgproc.INTER_NEAREST : opencv_imgproc.INTER_CUBIC);
        return out;
    }

    /**
     * A map of values in [0, 1] ({@code h × w}, row-major) upsampled bilinearly to {@code px × px}
     * and coloured with the jet colour map (blue low, red high).
     */
    static Mat heat(double[] values, int h, int w, int px) {
        Mat map = new Mat(h, w, CV_64FC1, new DoublePointer(values));
        Mat big = new Mat();
        // Bilinear with aligned pixel centres: each map cell covers its receptive block of the image.
        opencv_imgproc.resize(map, big, new Size(px, px), 0, 0, opencv_imgproc.INTER_LINEAR);
        Mat bytes = new Mat();
        big.convertTo(bytes, CV_8U, 255, 0);
        Mat coloured = new Mat();
        opencv_imgproc.applyColorMap(bytes, coloured, opencv_imgproc.COLORMAP_JET);
        return coloured;
    }

    /** {@code alpha·a + (1 - alpha)·b}. */
    static Mat blend(Mat a, Mat b, double alpha) {
        Mat out = new Mat();
        opencv_core.addWeighted(a, alpha, b, 1 - alpha, 0, out);
        return out;
    }

    /** A horizontal colour bar of the jet map, {@code width × height}, low on the left. */
    static Mat colourBar(int width, int height) {
        double[] ramp = new double[width];
        for (int i = 0; i < width; i++) {
            ramp[i] = (double) i / Math.max(1, width - 1);
        }
        Mat line = new Mat(1, width, CV_64FC1, new DoublePointer(ramp));
        Mat bytes = new Mat();
        line.convertTo(bytes, CV_8U, 255, 0);
        Mat tall = new Mat();
        opencv_imgproc.resize(bytes, tall, new Size(width, height), 0, 0, opencv_imgproc.INTER_NEAREST);
        Mat coloured = new Mat();
        opencv_imgproc.applyColorMap(tall, coloured, opencv_imgproc.COLORMAP_JET);
        return coloured;
    }

    /** A white {@code width × height} BGR sheet. */
    static Mat sheet(int width, int height) {
        return new Mat(height, width, CV_8UC3, white());
    }

    /** Copies {@code src} into {@code dst} with its top-left corner at (x, y). */
    static void paste(Mat dst, Mat src, int x, int y) {
        Mat roi = new Mat(dst, new Rect(x, y, src.cols(), src.rows()));
        src.copyTo(roi);
    }

    /** The pixel height of a line of text at {@code scale}, with room for descenders. */
    static int lineHeight(double scale) {
        int[] baseline = new int[1];
        Size s = opencv_imgproc.getTextSize("Ag", FONT, scale, thickness(scale), baseline);
        return s.height() + baseline[0] + (int) Math.ceil(8 * scale) + 2;
    }

    static int textWidth(String text, double scale) {
        int[] baseline = new int[1];
        return opencv_imgproc.getTextSize(text, FONT, scale, thickness(scale), baseline).width();
    }

    private static int thickness(double scale) {
        return scale >= 0.7 ? 2 : 1;
    }

    /** {@code text} shortened with "..." until it fits in {@code width} pixels. */
    static String fit(String text, double scale, int width) {
        if (textWidth(text, scale) <= width) {
            return text;
        }
        String t = text;
        while (t.length() > 1 && textWidth(t + "...", scale) > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "...";
    }

    /** Writes one line of text with its top-left corner near (x, y). */
    static void text(Mat on, String text, int x, int y, double scale, Scalar colour) {
        int[] baseline = new int[1];
        Size s = opencv_imgproc.getTextSize("Ag", FONT, scale, thickness(scale), baseline);
        opencv_imgproc.putText(on, text, new Point(x, y + s.height() + (int) Math.round(4 * scale)), FONT, scale,
                colour, thickness(scale), opencv_imgproc.LINE_AA, false);
    }

    /** {@code tile} with lines of text centred above it, shortened to its width. */
    static Mat captioned(Mat tile, double scale, String... lines) {
        int line = lineHeight(scale);
        Mat out = sheet(tile.cols(), tile.rows() + line * lines.length);
        for (int i = 0; i < lines.length; i++) {
            String t = fit(lines[i], scale, tile.cols());
            text(out, t, Math.max(0, (tile.cols() - textWidth(t, scale)) / 2), i * line, scale, ink());
        }
        paste(out, tile, 0, line * lines.length);
        return out;
    }

    /** {@code tiles} in rows of {@code columns}, each cell as large as the largest tile, {@link #GAP} apart. */
    static Mat grid(List<Mat> tiles, int columns) {
        int cellW = 0;
        int cellH = 0;
        for (Mat t : tiles) {
            cellW = Math.max(cellW, t.cols());
            cellH = Math.max(cellH, t.rows());
        }
        int cols = Math.max(1, Math.min(columns, tiles.size()));
        int rows = (tiles.size() + cols - 1) / cols;
        Mat out = sheet(cols * cellW + (cols - 1) * GAP, rows * cellH + (rows - 1) * GAP);
        for (int i = 0; i < tiles.size(); i++) {
            paste(out, tiles.get(i), (i % cols) * (cellW + GAP), (i / cols) * (cellH + GAP));
        }
        return out;
    }

    /**
     * {@code body} below a title line (left-aligned) and smaller subtitle lines, with a white margin.
     * The sheet is as wide as the body or the title; subtitles wrap at their {@code "  |  "} separators.
     */
    static Mat titled(Mat body, String title, String... subtitles) {
        double big = 0.7;
        double small = 0.5;
        int width = Math.max(Math.max(body.cols(), 360), textWidth(title, big));
        List<String> lines = new ArrayList<>();
        for (String s : subtitles) {
            lines.addAll(wrap(s, small, width));
        }
        int top = lineHeight(big) + lines.size() * lineHeight(small) + GAP / 2;
        Mat out = sheet(width + 2 * GAP * 2, top + body.rows() + 2 * GAP * 2);
        int x = 2 * GAP;
        int y = 2 * GAP;
        text(out, title, x, y, big, ink());
        y += lineHeight(big);
        for (String s : lines) {
            text(out, fit(s, small, width), x, y, small, new Scalar(90, 90, 90, 0));
            y += lineHeight(small);
        }
        paste(out, body, x, 2 * GAP + top);
        return out;
    }

    private static List<String> wrap(String text, double scale, int width) {
        String separator = "  |  ";
        List<String> lines = new ArrayList<>();
        String line = "";
        for (String piece : text.split(Pattern.quote(separator))) {
            String longer = line.isEmpty() ? piece : line + separator + piece;
            if (!line.isEmpty() && textWidth(longer, scale) > width) {
                lines.add(line);
                line = piece;
            } else {
                line = longer;
            }
        }
        lines.add(line);
        return lines;
    }

    /** Encodes {@code bgr} as PNG and writes it atomically ({@link AtomicFiles}). */
    static void writePng(Path file, Mat bgr) throws IOException {
        BytePointer encoded = new BytePointer();
        // Level 9 rather than OpenCV's fast default: these pictures are written once and kept.
        IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_PNG_COMPRESSION, 9);
        if (!opencv_imgcodecs.imencode(".png", bgr, encoded, params)) {
            throw new IOException("OpenCV could not encode " + file + " as PNG");
        }
        byte[] bytes = new byte[(int) encoded.limit()];
        encoded.get(bytes);
        AtomicFiles.write(file, bytes);
    }
}
