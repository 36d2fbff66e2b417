package dev.gargoyle.parity;

import static dev.gargoyle.parity.Close.GRADIENT;
import static dev.gargoyle.parity.Close.OUTPUT;
import static dev.gargoyle.parity.Close.assertClose;
import static dev.gargoyle.parity.Scope.read;
import static dev.gargoyle.parity.Scope.uniform;

import dev.gargoyle.reference.Pool2dRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Random;

/** Max and average pooling, inference and training forward and backward, against the reference. */
final class PoolParity {
    private PoolParity() {
    }

    static void check(Backend b, Pool2dSpec spec, Shape xs, long seed) {
        check(b, spec, xs, uniform(new Random(seed), xs.numel()), new Random(seed + 1));
    }

    /**
     * Small integers in x, so most max windows hold a tie, which must go to the first maximum
     * (rows, then columns).
     */
    static void checkTies(Backend b, Pool2dSpec spec, Shape xs, long seed) {
        Random rng = new Random(seed);
        double[] x = new double[Math.toIntExact(xs.numel())];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(3);
        }
        check(b, spec, xs, x, rng);
    }

    /** NaN, +Inf and -Inf among the inputs: a NaN wins its max window, and reaches every average over it. */
    static void checkNonFinite(Backend b, Pool2dSpec spec, Shape xs, long seed) {
        Random rng = new Random(seed);
        check(b, spec, xs, Scope.withNonFinite(rng, uniform(rng, xs.numel())), rng);
    }

    private static void check(Backend b, Pool2dSpec spec, Shape xs, double[] x, Random rng) {
        String name = describe(spec) + " on " + xs;
        Shape ys = spec.outputShape("test", xs);
        double[] dy = uniform(rng, ys.numel());
        try (Scope s = new Scope(b)) {
            Tensor tx = s.tensor(xs, x), tdy = s.tensor(ys, dy);
            Tensor inference = s.garbage(ys), ty = s.garbage(ys), tdx = s.garbage(xs);
            Tensor workspace = s.zeros(b.pool2dWorkspaceShape(spec, xs));
            double[] expected = Pool2dRef.forward(x, xs, spec);

            b.pool2dForward(tx, spec, inference, null);
            assertClose("pool2dForward y (inference)", name, expected, read(inference), OUTPUT);
            b.pool2dForward(tx, spec, ty, workspace);
            assertClose("pool2dForward y (training)", name, expected, read(ty), OUTPUT);
            b.pool2dBackward(tx, ty, tdy, spec, workspace, tdx);
            assertClose("pool2dBackward dx", name, Pool2dRef.backward(x, xs, spec, dy), read(tdx), GRADIENT);
        }
    }

    static String describe(Pool2dSpec s) {
        return (s.kind() == Pool2dSpec.Kind.MAX ? "max" : s.countIncludePad() ? "avg" : "avg-exclude-pad")
                + " k" + s.kernelH() + " s" + s.strideH() + " p" + s.padH();
    }
}
