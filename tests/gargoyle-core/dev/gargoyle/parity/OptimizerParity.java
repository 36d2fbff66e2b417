package dev.gargoyle.parity;

import static dev.gargoyle.parity.Close.OUTPUT;
import static dev.gargoyle.parity.Close.assertClose;
import static dev.gargoyle.parity.Scope.floats;
import static dev.gargoyle.parity.Scope.read;
import static dev.gargoyle.parity.Scope.uniform;

import dev.gargoyle.reference.OptimizerRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Random;

/**
 * SGD and Adam steps against the reference, three steps with fresh gradients each, the state
 * carried over; the reference is fed the backend's float32 state after each step so that
 * rounding does not compound. The second step also zeroes the gradient; the others leave it.
 */
final class OptimizerParity {
    private static final int STEPS = 3;
    private static final Shape SHAPE = Shape.of(1000);
    /** Long enough for a backend to split the pass between threads, and no multiple of any block. */
    static final Shape LONG = Shape.of(70_001);

    private OptimizerParity() {
    }

    static void sgd(Backend b, float lr, float momentum, float weightDecay, boolean nesterov, long seed) {
        Random rng = new Random(seed);
        String name = "lr " + lr + " momentum " + momentum + " wd " + weightDecay + (nesterov ? " nesterov" : "");
        double[] param = uniform(rng, SHAPE.numel()), velocity = new double[(int) SHAPE.numel()];
        try (Scope s = new Scope(b)) {
            Tensor tp = s.tensor(SHAPE, param), tg = s.zeros(SHAPE), tv = momentum == 0 ? null : s.zeros(SHAPE);
            for (int step = 1; step <= STEPS; step++) {
                double[] grad = uniform(rng, SHAPE.numel());
                tg.copyFrom(floats(grad));
                b.sgdStep(tp, tg, tv, lr, momentum, weightDecay, nesterov, step == 2);
                OptimizerRef.sgdStep(param, grad, velocity, lr, momentum, weightDecay, nesterov);
                assertClose("sgdStep param", name + ", step " + step, param, read(tp), OUTPUT);
                assertGradient("sgdStep", name, step, grad, read(tg));
                param = read(tp);
                if (tv != null) {
                    assertClose("sgdStep velocity", name + ", step " + step, velocity, read(tv), OUTPUT);
                    velocity = read(tv);
                }
            }
        }
    }

    static void adam(Backend b, float lr, float weightDecay, boolean decoupled, long seed) {
        adam(b, SHAPE, lr, weightDecay, decoupled, seed);
    }

    static void adam(Backend b, Shape shape, float lr, float weightDecay, boolean decoupled, long seed) {
        Random rng = new Random(seed);
        String name = (decoupled ? "AdamW" : "Adam") + " lr " + lr + " wd " + weightDecay + " on " + shape;
        float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
        int n = (int) shape.numel();
        double[] param = uniform(rng, n), m = new double[n], v = new double[n];
        try (Scope s = new Scope(b)) {
            Tensor tp = s.tensor(shape, param), tg = s.zeros(shape), tm = s.zeros(shape), tv = s.zeros(shape);
            for (int step = 1; step <= STEPS; step++) {
                double[] grad = uniform(rng, n);
                tg.copyFrom(floats(grad));
                b.adamStep(tp, tg, tm, tv, lr, beta1, beta2, eps, weightDecay, decoupled, step, step == 2);
                OptimizerRef.adamStep(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
                String at = name + ", step " + step;
                assertGradient("adamStep", name, step, grad, read(tg));
                assertClose("adamStep param", at, param, read(tp), OUTPUT);
                assertClose("adamStep m", at, m, read(tm), OUTPUT);
                assertClose("adamStep v", at, v, read(tv), new Close.Tolerance(OUTPUT.rel(), 1e-9));
                param = read(tp);
                m = read(tm);
                v = read(tv);
            }
        }
    }

    /** Step 2 zeroed the gradient; steps 1 and 3 left it as it was (float32 of the double values). */
    private static void assertGradient(String op, String name, int step, double[] grad, double[] actual) {
        double[] expected = new double[grad.length];
        if (step != 2) {
            for (int i = 0; i < grad.length; i++) {
                expected[i] = (float) grad[i];
            }
        }
        assertClose(op + (step == 2 ? " grad (zeroed)" : " grad (left as it was)"), name + ", step " + step, expected,
                actual, Close.EXACT);
    }
}
