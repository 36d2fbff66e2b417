package dev.gargoyle.parity;

import static dev.gargoyle.parity.Close.EXACT;
import static dev.gargoyle.parity.Close.GRADIENT;
import static dev.gargoyle.parity.Close.OUTPUT;
import static dev.gargoyle.parity.Close.assertClose;
import static dev.gargoyle.parity.Scope.doubles;
import static dev.gargoyle.parity.Scope.floats;
import static dev.gargoyle.parity.Scope.read;
import static dev.gargoyle.parity.Scope.uniform;

import dev.gargoyle.reference.Conv2dRef;
import dev.gargoyle.reference.ElementwiseRef;
import dev.gargoyle.reference.InputRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.HostBuffer;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;

/** Elementwise ops, copies, ops on views, and the uint8 image input, against the reference. */
final class ElementwiseParity {
    private static final Shape SHAPE = Shape.of(3, 1001);

    private ElementwiseParity() {
    }

    static void elementwise(Backend b, long seed) {
        Random rng = new Random(seed);
        double[] x = uniform(rng, SHAPE.numel()), y = uniform(rng, SHAPE.numel());
        try (Scope s = new Scope(b)) {
            Tensor t = s.tensor(SHAPE, x);
            b.fill(t, 0.75f);
            double[] filled = new double[x.length];
            Arrays.fill(filled, 0.75);
            assertClose("fill", "0.75", filled, read(t), EXACT);

            t.copyFrom(floats(x));
            b.scale(t, -1.5f);
            assertClose("scale", "-1.5", ElementwiseRef.scale(x, -1.5f), read(t), OUTPUT);

            Tensor tx = s.tensor(SHAPE, x), ty = s.tensor(SHAPE, y);
            b.axpy(0.3f, tx, ty);
            assertClose("axpy", "alpha 0.3", ElementwiseRef.axpy(0.3f, x, y), read(ty), OUTPUT);

            Tensor ta = s.tensor(SHAPE, x), tb = s.tensor(SHAPE, y), out = s.garbage(SHAPE);
            double[] sum = ElementwiseRef.add(x, y);
            b.add(ta, tb, out);
            assertClose("add", "out of place", sum, read(out), OUTPUT);
            b.add(ta, tb, ta);
            assertClose("add", "out = a", sum, read(ta), OUTPUT);
            Tensor tc = s.tensor(SHAPE, x);
            b.add(tc, tb, tb);
            assertClose("add", "out = b", sum, read(tb), OUTPUT);

            assertClose("sumOfSquares", "3x1001", ElementwiseRef.sumOfSquares(x), b.sumOfSquares(s.tensor(SHAPE, x)),
                    new Close.Tolerance(1e-6, 0));
        }
    }

    /** Host copies with offsets, device copies, and ops that read and write views into larger tensors. */
    static void copiesAndViews(Backend b, long seed) {
        Random rng = new Random(seed);
        double[] x = uniform(rng, 20);
        try (Scope s = new Scope(b)) {
            Tensor t = s.zeros(Shape.of(5));
            b.copyFromHost(floats(x), 7, t);
            assertClose("copyFromHost", "source offset 7", Arrays.copyOfRange(x, 7, 12), read(t), EXACT);
            float[] host = new float[9];
            Arrays.fill(host, -9);
            b.copyToHost(t, host, 3);
            double[] expectedHost = {-9, -9, -9, x[7], x[8], x[9], x[10], x[11], -9};
            assertClose("copyToHost", "destination offset 3", expectedHost, doubles(host), EXACT);
            Tensor other = s.garbage(Shape.of(5));
            b.copy(t, other);
            assertClose("copy", "5 elements", Arrays.copyOfRange(x, 7, 12), read(other), EXACT);

            // Ops on slices touch only their elements.
            Tensor whole = s.tensor(Shape.of(20), x);
            try (Tensor middle = whole.slice(5, Shape.of(10)); Tensor tail = whole.slice(15, Shape.of(5))) {
                b.fill(middle, 2);
                b.axpy(10, t, tail);
                double[] expected = x.clone();
                Arrays.fill(expected, 5, 15, 2);
                for (int i = 0; i < 5; i++) {
                    expected[15 + i] = x[15 + i] + 10 * x[7 + i];
                }
                double[] all = read(whole);
                assertClose("fill and axpy on slices", "slices [5,15) and [15,20) of 20", expected, all, OUTPUT);
                assertClose("toArray of a slice", "[15,20) of 20", Arrays.copyOfRange(all, 15, 20), read(tail), EXACT);
            }
        }
    }

    /** A convolution whose input, weights and output are views at non-zero offsets into larger tensors. */
    static void convOnViews(Backend b, long seed) {
        Random rng = new Random(seed);
        Shape xs = Shape.of(2, 3, 6, 7), ws = Shape.of(4, 3, 3, 3);
        Conv2dSpec spec = Conv2dSpec.of(1, 1);
        Shape ys = spec.outputShape("test", xs, ws);
        double[] big = uniform(rng, 3 * xs.numel()), w = uniform(rng, ws.numel() + 16);
        try (Scope s = new Scope(b)) {
            Tensor bigX = s.tensor(Shape.of(3 * (int) xs.numel()), big), bigW = s.tensor(Shape.of(w.length), w);
            Tensor bigY = s.zeros(Shape.of(2 * (int) ys.numel() + 8));
            try (Tensor x = bigX.slice(xs.numel(), xs); Tensor wv = bigW.slice(16, ws);
                 Tensor y = bigY.slice(8, ys)) {
                b.conv2dForward(x, wv, null, spec, y);
                double[] expected = Conv2dRef.forward(Arrays.copyOfRange(big, (int) xs.numel(), 2 * (int) xs.numel()),
                        xs, Arrays.copyOfRange(w, 16, w.length), ws, null, spec);
                assertClose("conv2dForward on views", "x, w, y at offsets", expected, read(y), OUTPUT);
                double[] rest = read(bigY);
                assertClose("conv2dForward on views", "elements outside y untouched", new double[8 + (int) ys.numel()],
                        concat(Arrays.copyOfRange(rest, 0, 8), Arrays.copyOfRange(rest, 8 + (int) ys.numel(), rest.length)),
                        EXACT);
            }
            // A smaller batch through narrow(): the first image of x.
            Tensor full = s.tensor(xs, Arrays.copyOfRange(big, 0, (int) xs.numel()));
            Tensor wt = s.tensor(ws, Arrays.copyOfRange(w, 16, w.length)), y1 = s.garbage(ys.withDim(0, 1));
            try (Tensor first = full.narrow(1)) {
                b.conv2dForward(first, wt, null, spec, y1);
            }
            assertClose("conv2dForward on narrow(1)", "first image of 2",
                    Conv2dRef.forward(Arrays.copyOfRange(big, 0, (int) xs.sampleSize()), xs.withDim(0, 1),
                            Arrays.copyOfRange(w, 16, w.length), ws, null, spec), read(y1), GRADIENT);
        }
    }

    static void imagesToTensor(Backend b, long seed) {
        Random rng = new Random(seed);
        int n = 3, h = 5, w = 7;
        byte[] pixels = new byte[n * h * w * 3];
        rng.nextBytes(pixels);
        pixels[0] = (byte) 255;
        pixels[1] = 0;
        float[] mean = {0.485f, 0.456f, 0.406f}, std = {0.229f, 0.224f, 0.225f};
        try (Scope s = new Scope(b); HostBuffer buffer = b.allocateHostBuffer(pixels.length + 64)) {
            buffer.buffer().duplicate().put(pixels);
            Tensor dst = s.garbage(Shape.of(n, 3, h, w));
            b.imagesToTensor(buffer, n, h, w, mean, std, dst);
            assertClose("imagesToTensor", n + "x" + h + "x" + w + " RGB, ImageNet mean/std",
                    InputRef.imagesToTensor(pixels, n, h, w, mean, std), read(dst), OUTPUT);
        }
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
