package dev.gargoyle.parity;

import static dev.gargoyle.parity.Close.EXACT;
import static dev.gargoyle.parity.Close.GRADIENT;
import static dev.gargoyle.parity.Close.OUTPUT;
import static dev.gargoyle.parity.Close.TIGHT;
import static dev.gargoyle.parity.Close.assertClose;
import static dev.gargoyle.parity.Scope.plus;
import static dev.gargoyle.parity.Scope.read;
import static dev.gargoyle.parity.Scope.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gargoyle.reference.ActivationRef;
import dev.gargoyle.reference.LinearRef;
import dev.gargoyle.reference.SoftmaxCrossEntropyRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Random;

/** Linear, ReLU, dropout and softmax cross-entropy against the reference. */
final class DenseParity {
    private DenseParity() {
    }

    static void linear(Backend b, int n, int in, int out, boolean bias, long seed) {
        Random rng = new Random(seed);
        String name = "N" + n + " in" + in + " out" + out + (bias ? " bias" : " no-bias");
        double[] x = uniform(rng, (long) n * in), w = uniform(rng, (long) out * in), dy = uniform(rng, (long) n * out);
        double[] bv = bias ? uniform(rng, out) : null;
        double[] dw0 = uniform(rng, (long) out * in), db0 = uniform(rng, out);
        try (Scope s = new Scope(b)) {
            Tensor tx = s.tensor(Shape.of(n, in), x), tw = s.tensor(Shape.of(out, in), w);
            Tensor tb = bias ? s.tensor(Shape.of(out), bv) : null, ty = s.garbage(Shape.of(n, out));
            Tensor tdy = s.tensor(Shape.of(n, out), dy), tdx = s.garbage(Shape.of(n, in));
            Tensor tdw = s.tensor(Shape.of(out, in), dw0), tdb = bias ? s.tensor(Shape.of(out), db0) : null;

            b.linearForward(tx, tw, tb, ty);
            assertClose("linearForward y", name, LinearRef.forward(x, n, in, w, out, bv), read(ty), OUTPUT);
            b.linearBackwardData(tdy, tw, tdx);
            assertClose("linearBackwardData dx", name, LinearRef.backwardData(dy, n, w, out, in), read(tdx), GRADIENT);
            b.linearBackwardWeights(tx, tdy, tdw, tdb);
            assertClose("linearBackwardWeights dw (accumulated onto random values)", name,
                    plus(dw0, LinearRef.backwardWeights(x, n, in, dy, out)), read(tdw), GRADIENT);
            if (bias) {
                assertClose("linearBackwardWeights dbias (accumulated onto random values)", name,
                        plus(db0, LinearRef.backwardBias(dy, n, out)), read(tdb), GRADIENT);
            }
        }
    }

    /** Two backward passes into the same gradients: dw and dbias double, dx is the same both times. */
    static void linearTwice(Backend b, int n, int in, int out, long seed) {
        Random rng = new Random(seed);
        String name = "N" + n + " in" + in + " out" + out;
        try (Scope s = new Scope(b)) {
            Tensor tx = s.tensor(Shape.of(n, in), uniform(rng, (long) n * in));
            Tensor tw = s.tensor(Shape.of(out, in), uniform(rng, (long) out * in));
            Tensor tdy = s.tensor(Shape.of(n, out), uniform(rng, (long) n * out));
            Tensor tdx = s.garbage(Shape.of(n, in)), tdw = s.zeros(Shape.of(out, in)), tdb = s.zeros(Shape.of(out));
            b.linearBackwardData(tdy, tw, tdx);
            b.linearBackwardWeights(tx, tdy, tdw, tdb);
            double[] dx1 = read(tdx), dw1 = read(tdw), db1 = read(tdb);
            b.linearBackwardData(tdy, tw, tdx);
            b.linearBackwardWeights(tx, tdy, tdw, tdb);
            assertClose("linearBackwardData dx, second run (overwrites)", name, dx1, read(tdx), TIGHT);
            assertClose("linearBackwardWeights dw, second run (accumulates)", name, plus(dw1, dw1), read(tdw), TIGHT);
            assertClose("linearBackwardWeights dbias, second run (accumulates)", name, plus(db1, db1), read(tdb), TIGHT);
        }
    }

    /** Out of place, then in place ({@code y = x}, {@code dx = dy}); exact, as ReLU only selects. */
    static void relu(Backend b, long seed) {
        Random rng = new Random(seed);
        Shape shape = Shape.of(2, 3, 5, 7);
        double[] x = uniform(rng, shape.numel()), dy = uniform(rng, shape.numel());
        x[0] = 0;
        double[] y = ActivationRef.reluForward(x), dx = ActivationRef.reluBackward(y, dy);
        try (Scope s = new Scope(b)) {
            Tensor tx = s.tensor(shape, x), ty = s.garbage(shape), tdy = s.tensor(shape, dy), tdx = s.garbage(shape);
            b.reluForward(tx, ty);
            assertClose("reluForward y", "out of place", y, read(ty), EXACT);
            b.reluBackward(ty, tdy, tdx);
            assertClose("reluBackward dx", "out of place", dx, read(tdx), EXACT);
            b.reluForward(tx, tx);
            assertClose("reluForward y", "in place", y, read(tx), EXACT);
            b.reluBackward(tx, tdy, tdy);
            assertClose("reluBackward dx", "in place", dx, read(tdy), EXACT);
        }
    }

    /**
     * PyTorch's rule on non-finite values: ReLU keeps NaN and +Inf, sends -Inf to 0, and passes the
     * gradient wherever y is NaN ({@code dx = y <= 0 ? 0 : dy}), so a NaN weight shows as a NaN loss.
     */
    static void reluNonFinite(Backend b, long seed) {
        Random rng = new Random(seed);
        Shape shape = Shape.of(2, 3, 5, 7);
        double[] x = Scope.withNonFinite(rng, uniform(rng, shape.numel())), dy = uniform(rng, shape.numel());
        dy[1] = Double.NaN;
        dy[2] = Double.POSITIVE_INFINITY;
        double[] y = ActivationRef.reluForward(x), dx = ActivationRef.reluBackward(y, dy);
        try (Scope s = new Scope(b)) {
            Tensor tx = s.tensor(shape, x), ty = s.garbage(shape), tdy = s.tensor(shape, dy), tdx = s.garbage(shape);
            b.reluForward(tx, ty);
            assertClose("reluForward y", "NaN, +Inf and -Inf in x", y, read(ty), EXACT);
            b.reluBackward(ty, tdy, tdx);
            assertClose("reluBackward dx", "NaN, +Inf and -Inf in x and dy", dx, read(tdx), EXACT);
        }
    }

    /** The mask is {@link dev.gargoyle.tensor.DropoutRandom}'s: the same zeros, the same scale. */
    static void dropout(Backend b, float p, long seed) {
        Random rng = new Random(seed);
        Shape shape = Shape.of(4, 3, 9, 11);
        String name = "p=" + p + " seed=" + seed;
        double[] x = uniform(rng, shape.numel()), dy = uniform(rng, shape.numel());
        double[] mask = ActivationRef.dropoutMask((int) shape.numel(), p, seed);
        try (Scope s = new Scope(b)) {
            Tensor tx = s.tensor(shape, x), tmask = s.garbage(shape), ty = s.garbage(shape);
            Tensor tdy = s.tensor(shape, dy), tdx = s.garbage(shape);
            b.dropoutForward(tx, p, seed, tmask, ty);
            double[] actualMask = read(tmask);
            for (int i = 0; i < mask.length; i++) {
                assertEquals(mask[i] == 0, actualMask[i] == 0, "dropoutForward [" + name + "]: mask[" + i
                        + "] expected " + mask[i] + ", actual " + actualMask[i]);
            }
            // 1/(1-p) is one float32 rounding away from the float64 scale.
            assertClose("dropoutForward mask", name, mask, actualMask, new Close.Tolerance(1e-6, 0));
            assertClose("dropoutForward y", name, ActivationRef.dropoutForward(x, mask), read(ty), OUTPUT);
            b.dropoutBackward(tdy, tmask, tdx);
            assertClose("dropoutBackward dx", name, ActivationRef.dropoutBackward(dy, mask), read(tdx), OUTPUT);
        }
    }

    /** Logits up to ±scale, so that a softmax without the max shift overflows. */
    static void softmaxCrossEntropy(Backend b, int n, int k, double scale, float gradScale, long seed) {
        Random rng = new Random(seed);
        String name = "N" + n + " K" + k + " logits ±" + scale + " gradScale " + gradScale;
        double[] logits = uniform(rng, (long) n * k);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (logits[i] * scale);
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(k);
        }
        labels[0] = k - 1;
        try (Scope s = new Scope(b)) {
            Tensor tl = s.tensor(Shape.of(n, k), logits), td = s.garbage(Shape.of(n, k));
            double expected = SoftmaxCrossEntropyRef.loss(logits, n, k, labels);
            assertClose("softmaxCrossEntropy loss (no gradient)", name, expected,
                    b.softmaxCrossEntropy(tl, labels, gradScale, null), OUTPUT);
            assertClose("softmaxCrossEntropy loss", name, expected, b.softmaxCrossEntropy(tl, labels, gradScale, td),
                    OUTPUT);
            // Entries are gradScale/N times a probability difference whose float32 error is ~1e-7.
            Close.Tolerance tol = new Close.Tolerance(GRADIENT.rel(), 1e-5 * Math.abs(gradScale) / n);
            assertClose("softmaxCrossEntropy dlogits", name,
                    SoftmaxCrossEntropyRef.gradient(logits, n, k, labels, gradScale), read(td), tol);
        }
    }

    /** PyTorch's {@code CrossEntropyLoss(weight=...)}: random class weights, one of them 0. */
    static void weightedSoftmaxCrossEntropy(Backend b, int n, int k, float gradScale, long seed) {
        Random rng = new Random(seed);
        String name = "N" + n + " K" + k + " class-weighted, gradScale " + gradScale;
        double[] logits = uniform(rng, (long) n * k);
        float[] weights = new float[k];
        double[] exact = new double[k];
        for (int c = 0; c < k; c++) {
            weights[c] = c == 1 ? 0f : 0.25f + 2 * rng.nextFloat();
            exact[c] = weights[c];
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(k);
        }
        labels[0] = 0;
        labels[n - 1] = 1;
        try (Scope s = new Scope(b)) {
            Tensor tl = s.tensor(Shape.of(n, k), logits), td = s.garbage(Shape.of(n, k));
            assertClose("weighted softmaxCrossEntropy loss", name,
                    SoftmaxCrossEntropyRef.loss(logits, n, k, labels, exact),
                    b.softmaxCrossEntropy(tl, labels, weights, gradScale, td), OUTPUT);
            Close.Tolerance tol = new Close.Tolerance(GRADIENT.rel(), 1e-5 * Math.abs(gradScale) / n);
            assertClose("weighted softmaxCrossEntropy dlogits", name,
                    SoftmaxCrossEntropyRef.gradient(logits, n, k, labels, exact, gradScale), read(td), tol);
        }
    }
}
