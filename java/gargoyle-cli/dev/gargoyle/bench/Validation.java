package dev.gargoyle.bench;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Checks, before anything is timed, that the backend computes what the bench measures: every
 * timed kind of pass on tiny shapes (a convolution with unequal strides, paddings and kernel
 * sides; overlapping padded max pooling; batch-norm) against {@link ReferenceLoops}. On CUDA this
 * checks the algorithms the backend picks for these shapes, not every algorithm of the timed layers.
 */
public final class Validation {
    /**
     * FP32 results agree with float64 to about 1e-6 here; TF32 (opt-in on CUDA) to about 1e-3. A
     * wrong index or a missing term is off by the order of the values themselves.
     */
    static final double TOLERANCE = 5e-3;
    private static final double EPS = 1e-5;

    private Validation() {
    }

    /** Runs every check on {@code backend}; the caller decides what a failure means. */
    public static List<Check> run(Backend backend) {
        List<Check> checks = new ArrayList<>();
        conv(backend, checks);
        maxPool(backend, checks);
        batchNorm(backend, checks);
        return checks;
    }

    private static void conv(Backend b, List<Check> checks) {
        int[] xs = {2, 3, 7, 6};
        int[] ws = {4, 3, 3, 2};
        Conv2dSpec spec = new Conv2dSpec(2, 1, 1, 0, 1, 1, 1);
        Shape ys = spec.outputShape("validation conv", Shape.of(xs), Shape.of(ws));
        float[] x = random(Shape.of(xs), 11);
        float[] w = random(Shape.of(ws), 12);
        float[] dy = random(ys, 13);
        ReferenceLoops.Conv ref = ReferenceLoops.conv(x, w, dy, xs, ws, spec, ys.dim(2), ys.dim(3));
        try (Tensor tx = upload(b, xs, x); Tensor tw = upload(b, ws, w); Tensor tdy = upload(b, ys.dims(), dy);
             Tensor ty = b.allocate(ys); Tensor tdx = b.allocate(Shape.of(xs)); Tensor tdw = b.allocate(Shape.of(ws))) {
            b.conv2dForward(tx, tw, null, spec, ty);
            b.conv2dBackwardData(tdy, tw, spec, tdx);
            b.conv2dBackwardWeights(tx, tdy, spec, tdw, null);
            String geometry = " (x 2x3x7x6, w 4x3x3x2, stride 2x1, pad 1x0)";
            checks.add(check("conv forward" + geometry, ty.toArray(), ref.y()));
            checks.add(check("conv backward-data" + geometry, tdx.toArray(), ref.dx()));
            checks.add(check("conv backward-filter" + geometry, tdw.toArray(), ref.dw()));
        }
    }

    private static void maxPool(Backend b, List<Check> checks) {
        int[] xs = {2, 3, 7, 6};
        Pool2dSpec spec = Pool2dSpec.max(3, 2, 1);
        Shape ys = spec.outputShape("validation pool", Shape.of(xs));
        float[] x = random(Shape.of(xs), 14);
        float[] dy = random(ys, 15);
        Shape wss = b.pool2dWorkspaceShape(spec, Shape.of(xs));
        try (Tensor tx = upload(b, xs, x); Tensor tdy = upload(b, ys.dims(), dy); Tensor ty = b.allocate(ys);
             Tensor tdx = b.allocate(Shape.of(xs)); Tensor ws = wss.numel() == 0 ? null : b.allocate(wss)) {
            b.pool2dForward(tx, spec, ty, ws);
            b.pool2dBackward(tx, ty, tdy, spec, ws, tdx);
            String geometry = " (x 2x3x7x6, 3x3 stride 2 pad 1)";
            checks.add(check("max-pool forward" + geometry, ty.toArray(),
                    ReferenceLoops.maxPool(x, xs, spec, ys.dim(2), ys.dim(3))));
            checks.add(check("max-pool backward" + geometry, tdx.toArray(),
                    ReferenceLoops.maxPoolBackward(x, dy, xs, spec, ys.dim(2), ys.dim(3))));
        }
    }

    private static void batchNorm(Backend b, List<Check> checks) {
        int[] xs = {3, 4, 3, 5};
        Shape c = Shape.of(xs[1]);
        float[] x = random(Shape.of(xs), 16);
        float[] dy = random(Shape.of(xs), 17);
        float[] gamma = random(c, 18);
        float[] beta = random(c, 19);
        ReferenceLoops.BatchNorm ref = ReferenceLoops.batchNorm(x, gamma, beta, dy, xs, EPS);
        try (Tensor tx = upload(b, xs, x); Tensor tdy = upload(b, xs, dy); Tensor tg = upload(b, c.dims(), gamma);
             Tensor tb = upload(b, c.dims(), beta); Tensor rm = b.allocate(c); Tensor rv = b.allocate(c);
             Tensor ty = b.allocate(Shape.of(xs)); Tensor sm = b.allocate(c); Tensor si = b.allocate(c);
             Tensor tdx = b.allocate(Shape.of(xs)); Tensor dg = b.allocate(c); Tensor db = b.allocate(c)) {
            Fill.constant(rv, 1f);
            b.batchNormForwardTraining(tx, tg, tb, rm, rv, 0.1f, (float) EPS, ty, sm, si);
            b.batchNormBackward(tx, tdy, tg, sm, si, (float) EPS, tdx, dg, db);
            String geometry = " (x 3x4x3x5)";
            checks.add(check("batch-norm forward" + geometry, ty.toArray(), ref.y()));
            checks.add(check("batch-norm backward dx" + geometry, tdx.toArray(), ref.dx()));
            checks.add(check("batch-norm backward dgamma, dbeta" + geometry, concat(dg.toArray(), db.toArray()),
                    concat(ref.dgamma(), ref.dbeta())));
        }
    }

    /** max |got - ref| over max(1, max |ref|). */
    static Check check(String what, float[] got, double[] ref) {
        if (got.length != ref.length) {
            throw new IllegalStateException(what + ": " + got.length + " values, reference has " + ref.length);
        }
        double worst = 0;
        double scale = 1;
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs(got[i] - ref[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return new Check(what, worst / scale, TOLERANCE);
    }

    private static float[] random(Shape s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(s.numel())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (2 * r.nextDouble() - 1);
        }
        return v;
    }

    private static Tensor upload(Backend b, int[] dims, float[] values) {
        return b.allocate(Shape.of(dims)).copyFrom(values);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
