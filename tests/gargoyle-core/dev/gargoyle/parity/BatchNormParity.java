package dev.gargoyle.parity;

import static dev.gargoyle.parity.Close.GRADIENT;
import static dev.gargoyle.parity.Close.OUTPUT;
import static dev.gargoyle.parity.Close.TIGHT;
import static dev.gargoyle.parity.Close.assertClose;
import static dev.gargoyle.parity.Scope.plus;
import static dev.gargoyle.parity.Scope.read;
import static dev.gargoyle.parity.Scope.uniform;

import dev.gargoyle.reference.ActivationRef;
import dev.gargoyle.reference.BatchNormRef;
import dev.gargoyle.reference.Pool2dRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Random;

/** Batch normalisation: training forward, running statistics, inference and backward against the reference. */
final class BatchNormParity {
    static final float MOMENTUM = 0.1f;
    static final float EPS = 1e-5f;

    private BatchNormParity() {
    }

    /**
     * x is shifted and scaled away from mean 0, variance 1, so that the statistics matter. With
     * {@code relu}, batch-norm with ReLU against the reference's batch-norm and ReLU one after the
     * other; where the reference's pre-ReLU value is within 1e-3 of 0, float rounding may put it on
     * either side, so dy is 0 there.
     */
    static void check(Backend b, Shape xs, long seed, boolean relu) {
        Random rng = new Random(seed);
        String name = xs + (relu ? " with ReLU" : "");
        String op = relu ? "batchNormRelu" : "batchNorm";
        int c = xs.dim(1);
        Shape cs = Shape.of(c);
        double[] x = uniform(rng, xs.numel());
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (3 * x[i] + 0.5);
        }
        double[] gamma = uniform(rng, c), beta = uniform(rng, c), rm = uniform(rng, c), rv = positive(rng, c);
        double[] dy = uniform(rng, xs.numel()), dgamma0 = uniform(rng, c), dbeta0 = uniform(rng, c);
        BatchNormRef.Training t = BatchNormRef.forwardTraining(x, xs, gamma, beta, rm, rv, MOMENTUM, EPS);
        for (int i = 0; relu && i < dy.length; i++) {
            dy[i] = Math.abs(t.y()[i]) < 1e-3 ? 0 : dy[i];
        }
        double[] y = relu ? ActivationRef.reluForward(t.y()) : t.y();
        BatchNormRef.Grads g = BatchNormRef.backward(x, xs, relu ? ActivationRef.reluBackward(y, dy) : dy, gamma,
                t.saveMean(), t.saveInvStd());
        try (Scope s = new Scope(b)) {
            Tensor tx = s.tensor(xs, x), tg = s.tensor(cs, gamma), tb = s.tensor(cs, beta);
            Tensor trm = s.tensor(cs, rm), trv = s.tensor(cs, rv);
            Tensor ty = s.garbage(xs), mean = s.garbage(cs), invStd = s.garbage(cs);
            Tensor ws = relu ? s.garbage(b.batchNormReluWorkspaceShape(xs)) : null;

            if (relu) {
                b.batchNormReluForwardTraining(tx, tg, tb, trm, trv, MOMENTUM, EPS, ty, mean, invStd, ws);
            } else {
                b.batchNormForwardTraining(tx, tg, tb, trm, trv, MOMENTUM, EPS, ty, mean, invStd);
            }
            assertClose(op + "ForwardTraining y", name, y, read(ty), OUTPUT);
            assertClose(op + "ForwardTraining saveMean", name, t.saveMean(), read(mean), OUTPUT);
            assertClose(op + "ForwardTraining saveInvStd", name, t.saveInvStd(), read(invStd), OUTPUT);
            assertClose(op + "ForwardTraining runningMean", name, t.runningMean(), read(trm), OUTPUT);
            assertClose(op + "ForwardTraining runningVar (unbiased)", name, t.runningVar(), read(trv), OUTPUT);

            Tensor tdy = s.tensor(xs, dy), tdx = s.garbage(xs);
            Tensor tdg = s.tensor(cs, dgamma0), tdb = s.tensor(cs, dbeta0);
            if (relu) {
                b.batchNormReluBackward(tx, ty, tdy, tg, mean, invStd, EPS, ws, tdx, tdg, tdb);
            } else {
                b.batchNormBackward(tx, tdy, tg, mean, invStd, EPS, tdx, tdg, tdb);
            }
            assertClose(op + "Backward dx", name, g.dx(), read(tdx), GRADIENT);
            assertClose(op + "Backward dgamma (accumulated onto random values)", name, plus(dgamma0, g.dgamma()),
                    read(tdg), GRADIENT);
            assertClose(op + "Backward dbeta (accumulated onto random values)", name, plus(dbeta0, g.dbeta()),
                    read(tdb), GRADIENT);

            double[] stats = positive(rng, c);
            Tensor fixedVar = s.tensor(cs, stats), fixedMean = s.tensor(cs, rm), tyi = s.garbage(xs);
            if (relu) {
                b.batchNormReluForwardInference(tx, tg, tb, fixedMean, fixedVar, EPS, tyi);
            } else {
                b.batchNormForwardInference(tx, tg, tb, fixedMean, fixedVar, EPS, tyi);
            }
            double[] yi = BatchNormRef.forwardInference(x, xs, gamma, beta, rm, stats, EPS);
            assertClose(op + "ForwardInference y", name, relu ? ActivationRef.reluForward(yi) : yi, read(tyi), OUTPUT);
        }
    }

    /** Two backward passes into the same gradients: dgamma and dbeta double, dx is the same both times. */
    static void checkTwice(Backend b, Shape xs, long seed) {
        Random rng = new Random(seed);
        Shape cs = Shape.of(xs.dim(1));
        try (Scope s = new Scope(b)) {
            Tensor tx = s.tensor(xs, uniform(rng, xs.numel())), tg = s.tensor(cs, uniform(rng, xs.dim(1)));
            Tensor tb = s.tensor(cs, uniform(rng, xs.dim(1)));
            Tensor trm = s.zeros(cs), trv = s.zeros(cs), ty = s.zeros(xs), mean = s.zeros(cs), invStd = s.zeros(cs);
            b.batchNormForwardTraining(tx, tg, tb, trm, trv, MOMENTUM, EPS, ty, mean, invStd);
            Tensor tdy = s.tensor(xs, uniform(rng, xs.numel())), tdx = s.garbage(xs), tdg = s.zeros(cs), tdb = s.zeros(cs);
            b.batchNormBackward(tx, tdy, tg, mean, invStd, EPS, tdx, tdg, tdb);
            double[] dx1 = read(tdx), dg1 = read(tdg), db1 = read(tdb);
            b.batchNormBackward(tx, tdy, tg, mean, invStd, EPS, tdx, tdg, tdb);
            String name = xs.toString();
            assertClose("batchNormBackward dx, second run (overwrites)", name, dx1, read(tdx), TIGHT);
            assertClose("batchNormBackward dgamma, second run (accumulates)", name, plus(dg1, dg1), read(tdg), TIGHT);
            assertClose("batchNormBackward dbeta, second run (accumulates)", name, plus(db1, db1), read(tdb), TIGHT);
        }
    }

    /**
     * NaN and infinities keep ReLU's rule (NaN stays NaN, its gradient passes) where they reach
     * batch-norm with ReLU: in x (training and inference), and in a NaN gamma; channels without
     * them are unaffected, and max pooling of the output keeps the NaN.
     */
    static void checkWithReluNonFinite(Backend b, Shape xs, long seed) {
        Random rng = new Random(seed);
        int c = xs.dim(1);
        Shape cs = Shape.of(c);
        int perChannel = (int) (xs.numel() / xs.dim(0) / c);
        double[] clean = uniform(rng, xs.numel());
        double[] gamma = uniform(rng, c), beta = uniform(rng, c), rm = uniform(rng, c), rv = positive(rng, c);
        double[] dy = uniform(rng, xs.numel());
        double[] xNaN = clean.clone();
        xNaN[0] = Double.NaN;
        xNaN[perChannel + 1] = Double.POSITIVE_INFINITY;
        double[] nanGamma = gamma.clone();
        nanGamma[c - 1] = Double.NaN;
        double[][][] cases = {{xNaN, gamma}, {clean, nanGamma}};
        String[] names = {"NaN and +Inf in x", "NaN in gamma"};
        for (int k = 0; k < cases.length; k++) {
            double[] x = cases[k][0], gm = cases[k][1];
            String name = xs + " with ReLU, " + names[k];
            BatchNormRef.Training t = BatchNormRef.forwardTraining(x, xs, gm, beta, rm, rv, MOMENTUM, EPS);
            double[] y = ActivationRef.reluForward(t.y());
            BatchNormRef.Grads g = BatchNormRef.backward(x, xs, ActivationRef.reluBackward(y, dy), gm,
                    t.saveMean(), t.saveInvStd());
            try (Scope s = new Scope(b)) {
                Tensor tx = s.tensor(xs, x), tg = s.tensor(cs, gm), tb = s.tensor(cs, beta);
                Tensor trm = s.tensor(cs, rm), trv = s.tensor(cs, rv);
                Tensor ty = s.garbage(xs), mean = s.garbage(cs), invStd = s.garbage(cs);
                Tensor ws = s.garbage(b.batchNormReluWorkspaceShape(xs));
                b.batchNormReluForwardTraining(tx, tg, tb, trm, trv, MOMENTUM, EPS, ty, mean, invStd, ws);
                assertClose("batchNormReluForwardTraining y", name, y, read(ty), OUTPUT);
                Pool2dSpec pool = Pool2dSpec.max(2, 2, 0);
                Shape ps = pool.outputShape("pool2d", xs);
                Tensor pooled = s.garbage(ps), pws = s.garbage(b.pool2dWorkspaceShape(pool, xs));
                b.pool2dForward(ty, pool, pooled, pws);
                assertClose("pool2dForward of its y", name, Pool2dRef.forward(y, xs, pool), read(pooled), OUTPUT);
                Tensor tdy = s.tensor(xs, dy), tdx = s.garbage(xs), tdg = s.zeros(cs), tdb = s.zeros(cs);
                b.batchNormReluBackward(tx, ty, tdy, tg, mean, invStd, EPS, ws, tdx, tdg, tdb);
                assertClose("batchNormReluBackward dx", name, g.dx(), read(tdx), GRADIENT);
                assertClose("batchNormReluBackward dgamma", name, g.dgamma(), read(tdg), GRADIENT);
                assertClose("batchNormReluBackward dbeta", name, g.dbeta(), read(tdb), GRADIENT);
                Tensor tyi = s.garbage(xs);
                b.batchNormReluForwardInference(tx, tg, tb, trm, trv, EPS, tyi);
                double[] runningMean = read(trm), runningVar = read(trv);
                assertClose("batchNormReluForwardInference y", name, ActivationRef.reluForward(
                        BatchNormRef.forwardInference(x, xs, gm, beta, runningMean, runningVar, EPS)), read(tyi),
                        OUTPUT);
                Tensor finiteMean = s.tensor(cs, rm), finiteVar = s.tensor(cs, rv);
                b.batchNormReluForwardInference(tx, tg, tb, finiteMean, finiteVar, EPS, tyi);
                assertClose("batchNormReluForwardInference y, finite running statistics", name,
                        ActivationRef.reluForward(BatchNormRef.forwardInference(x, xs, gm, beta, rm, rv, EPS)),
                        read(tyi), OUTPUT);
            }
        }
    }

    /** Values in [0.5, 1.5), exact in float32: variances. */
    private static double[] positive(Random rng, int n) {
        double[] a = uniform(rng, n);
        for (int i = 0; i < n; i++) {
            a[i] = (float) (1 + a[i] / 2);
        }
        return a;
    }
}
