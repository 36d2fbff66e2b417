package dev.gargoyle.cli.sample;

import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;

import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Draws with OpenCV on a square canvas in unit coordinates (0..1, y down) through a similarity
 * transform (scale about the centre, rotation, shift), so a scene is drawn once and placed anywhere.
 * Coordinates go to OpenCV with 3 fractional bits. A pen reuses a few native Points and a Size for
 * all its calls (each JavaCPP allocation costs more than drawing a small shape); they belong to the
 * caller's scope. One pen is used by one thread.
 */
final class Pen {
    private static final int SHIFT = 3;
    private static final double ONE = 1 << SHIFT;

    private final Mat canvas;
    private final int size;
    private final double scale;
    private final double cos;
    private final double sin;
    private final double degrees;
    private final double dx;
    private final double dy;
    private final Point from = new Point();
    private final Point to = new Point();
    private final Point origin = new Point(0, 0);
    private final Size axes = new Size();
    private Point polygon = new Point(64);
    private int polygonCapacity = 64;

    Pen(Mat canvas, double scale, double degrees, double dx, double dy) {
        this.canvas = canvas;
        this.size = canvas.cols();
        this.scale = scale;
        this.degrees = degrees;
        this.cos = Math.cos(Math.toRadians(degrees));
        this.sin = Math.sin(Math.toRadians(degrees));
        this.dx = dx;
        this.dy = dy;
    }

    /** A pen without transform, for backgrounds and overlays. */
    static Pen plain(Mat canvas) {
        return new Pen(canvas, 1, 0, 0, 0);
    }

    /** The same transform on another canvas of the same size (for masks and layers). */
    Pen onto(Mat other) {
        return new Pen(other, scale, degrees, dx, dy);
    }

    Mat canvas() {
        return canvas;
    }

    /** Sets {@code into} to the canvas position of (x, y), in OpenCV's fixed point; returns it. */
    private Point point(double x, double y, Point into) {
        double u = (x - 0.5) * scale;
        double v = (y - 0.5) * scale;
        double px = (u * cos - v * sin + 0.5 + dx) * size;
        double py = (u * sin + v * cos + 0.5 + dy) * size;
        return into.x((int) Math.round(px * ONE)).y((int) Math.round(py * ONE));
    }

    /** A length in unit coordinates as canvas pixels. */
    private double pixels(double length) {
        return length * scale * size;
    }

    private int thickness(double width) {
        return Math.max(1, (int) Math.round(pixels(width)));
    }

    /** A filled polygon through the points {@code x0, y0, x1, y1, ...}. */
    void fill(Scalar color, double... xy) {
        opencv_imgproc.fillPoly(canvas, points(xy), new int[] {xy.length / 2}, 1, color, LINE_AA, SHIFT, origin);
    }

    /** An open or closed polyline of the given width. */
    void stroke(Scalar color, double width, boolean closed, double... xy) {
        opencv_imgproc.polylines(canvas, points(xy), new int[] {xy.length / 2}, 1, closed, color, thickness(width),
                LINE_AA, SHIFT);
    }

    void rect(Scalar color, double x0, double y0, double x1, double y1) {
        fill(color, x0, y0, x1, y0, x1, y1, x0, y1);
    }

    void line(Scalar color, double width, double x0, double y0, double x1, double y1) {
        opencv_imgproc.line(canvas, point(x0, y0, from), point(x1, y1, to), color, thickness(width), LINE_AA, SHIFT);
    }

    /** An ellipse arc (angles in degrees, clockwise from +x); {@code width < 0} fills the sector. */
    void ellipse(Scalar color, double width, double cx, double cy, double ax, double ay, double angle,
                 double start, double end) {
        axes.width((int) Math.round(pixels(ax) * ONE)).height((int) Math.round(pixels(ay) * ONE));
        opencv_imgproc.ellipse(canvas, point(cx, cy, from), axes, angle + degrees, start, end, color,
                width < 0 ? -1 : thickness(width), LINE_AA, SHIFT);
    }

    void disc(Scalar color, double cx, double cy, double r) {
        ellipse(color, -1, cx, cy, r, r, 0, 0, 360);
    }

    void ring(Scalar color, double width, double cx, double cy, double r) {
        ellipse(color, width, cx, cy, r, r, 0, 0, 360);
    }

    /** A quadratic Bézier curve from (x0, y0) to (x2, y2) pulled towards (x1, y1). */
    void curve(Scalar color, double width, double x0, double y0, double x1, double y1, double x2, double y2) {
        stroke(color, width, false, bezier(x0, y0, x1, y1, x2, y2, 16));
    }

    /** Points of a quadratic Bézier curve, {@code n + 1} of them, as {@code x0, y0, ...}. */
    static double[] bezier(double x0, double y0, double x1, double y1, double x2, double y2, int n) {
        double[] xy = new double[2 * (n + 1)];
        for (int i = 0; i <= n; i++) {
            double t = (double) i / n;
            double a = (1 - t) * (1 - t);
            double b = 2 * (1 - t) * t;
            double c = t * t;
            xy[2 * i] = a * x0 + b * x1 + c * x2;
            xy[2 * i + 1] = a * y0 + b * y1 + c * y2;
        }
        return xy;
    }

    private Point points(double[] xy) {
        int n = xy.length / 2;
        if (n > polygonCapacity) {
            polygonCapacity = Math.max(n, 2 * polygonCapacity);
            polygon = new Point(polygonCapacity);
        }
        for (int i = 0; i < n; i++) {
            point(xy[2 * i], xy[2 * i + 1], polygon.position(i));
        }
        return polygon.position(0);
    }
}
