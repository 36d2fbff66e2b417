package dev.gargoyle.parity;

import static dev.gargoyle.parity.Close.GRADIENT;
import static dev.gargoyle.parity.Close.OUTPUT;
import static dev.gargoyle.parity.Close.TIGHT;
import static dev.gargoyle.parity.Close.assertClose;
import static dev.gargoyle.parity.Scope.plus;
import static dev.gargoyle.parity.Scope.read;
import static dev.gargoyle.parity.Scope.uniform;

import dev.gargoyle.reference.Conv2dRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Random;

/** Convolution forward, backward data and backward weights/bias of a backend against the reference. */
final class ConvParity {
    private ConvParity() {
    }

    /**
     * Checks one convolution; the weight and bias gradients start from random values, so that
     * accumulation ({@code +=}) is checked too, and dx and y from NaN, so that overwriting is.
     */
    static void check(Backend b, String name, Shape xs, Shape ws, boolean bias, Conv2dSpec spec, long seed) {
        Random rng = new Random(seed);
        Shape ys = spec.outputShape("test", xs, ws);
        Shape bs = Shape.of(ws.dim(0));
        double[] x = uniform(rng, xs.numel()), w = uniform(rng, ws.numel()), dy = uniform(rng, ys.numel());
        double[] bv = bias ? uniform(rng, ws.dim(0)) : null;
        double[] dw0 = uniform(rng, ws.numel()), db0 = uniform(rng, ws.dim(0));
        try (Scope s = new Scope(b)) {
            Tensor tx = s.tensor(xs, x), tw = s.tensor(ws, w), tb = bias ? s.tensor(bs, bv) : null;
            Tensor tdy = s.tensor(ys, dy);
            Tensor ty = s.garbage(ys), tdx = s.garbage(xs);
            Tensor tdw = s.tensor(ws, dw0), tdb = bias ? s.tensor(bs, db0) : null;

            b.conv2dForward(tx, tw, tb, spec, ty);
            assertClose("conv2dForward y", name, Conv2dRef.forward(x, xs, w, ws, bv, spec), read(ty), OUTPUT);

            b.conv2dBackwardData(tdy, tw, spec, tdx);
            assertClose("conv2dBackwardData dx", name, Conv2dRef.backwardData(dy, w, ws, spec, xs), read(tdx), GRADIENT);

            b.conv2dBackwardWeights(tx, tdy, spec, tdw, tdb);
            assertClose("conv2dBackwardWeights dw (accumulated onto random values)", name,
                    plus(dw0, Conv2dRef.backwardWeights(x, xs, dy, spec, ws)), read(tdw), GRADIENT);
            if (bias) {
                assertClose("conv2dBackwardWeights dbias (accumulated onto random values)", name,
                        plus(db0, Conv2dRef.backwardBias(dy, ys)), read(tdb), GRADIENT);
            }
        }
    }

    /** Two backward passes into the same gradients: dw and dbias double, dx is the same both times. */
    static void checkTwice(Backend b, String name, Shape xs, Shape ws, Conv2dSpec spec, long seed) {
        Random rng = new Random(seed);
        Shape ys = spec.outputShape("test", xs, ws);
        try (Scope s = new Scope(b)) {
            Tensor tx = s.tensor(xs, uniform(rng, xs.numel())), tw = s.tensor(ws, uniform(rng, ws.numel()));
            Tensor tdy = s.tensor(ys, uniform(rng, ys.numel()));
            Tensor tdx = s.garbage(xs), tdw = s.zeros(ws), tdb = s.zeros(Shape.of(ws.dim(0)));
            b.conv2dBackwardData(tdy, tw, spec, tdx);
            b.conv2dBackwardWeights(tx, tdy, spec, tdw, tdb);
            double[] dx1 = read(tdx), dw1 = read(tdw), db1 = read(tdb);
            b.conv2dBackwardData(tdy, tw, spec, tdx);
            b.conv2dBackwardWeights(tx, tdy, spec, tdw, tdb);
            assertClose("conv2dBackwardData dx, second run (overwrites)", name, dx1, read(tdx), TIGHT);
            assertClose("conv2dBackwardWeights dw, second run (accumulates)", name, plus(dw1, dw1), read(tdw), TIGHT);
            assertClose("conv2dBackwardWeights dbias, second run (accumulates)", name, plus(db1, db1), read(tdb), TIGHT);
        }
    }
}
