package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Compare.assertNormClose;
import static dev.gargoyle.parity.Scope.read;
import static dev.gargoyle.parity.Scope.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.gargoyle.parity.Scope;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.testing.GpuTest;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The CUDA and the CPU backend on the AHE model's layer shapes (64x64 inputs, batch 4): the same
 * inputs must give the same outputs and gradients up to float32 summation order, and the same
 * optimizer steps bit for bit. The parity suite checks each backend against float64 on small cases;
 * this checks them against each other at size.
 */
@GpuTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaVsCpuTest {
    private static final double FORWARD = 2e-4;
    private static final double GRADIENT = 1e-3;

    private Backend cuda;
    private Backend cpu;

    @BeforeAll
    void open() {
        // The GPU test bundle leaves oneDNN out (it would not fit in 60 MB): there this class is skipped, saying so.
        Optional<String> noCpu = Backends.unavailableReason(Device.cpu());
        Assumptions.assumeTrue(noCpu.isEmpty(), () -> "the CPU backend is not available here: " + noCpu.orElse(""));
        cuda = Backends.create(Device.cuda(0));
        cpu = Backends.create(Device.cpu());
    }

    @AfterAll
    void close() {
        if (cuda != null) {
            cuda.close();
        }
        if (cpu != null) {
            cpu.close();
        }
    }

    /** Runs {@code op} on both backends with the same inputs and returns {cuda result, cpu result}. */
    private double[][] both(BiFunction<Backend, Scope, Tensor> op) {
        try (Scope g = new Scope(cuda); Scope c = new Scope(cpu)) {
            return new double[][] {read(op.apply(cuda, g)), read(op.apply(cpu, c))};
        }
    }

    @Test
    void convolutionsOfEveryAheBlock() {
        record Layer(Shape x, Shape w) {
        }
        Conv2dSpec spec = Conv2dSpec.of(1, 1);
        for (Layer l : List.of(new Layer(Shape.of(4, 3, 64, 64), Shape.of(32, 3, 3, 3)),
                new Layer(Shape.of(4, 32, 32, 32), Shape.of(64, 32, 3, 3)),
                new Layer(Shape.of(4, 64, 16, 16), Shape.of(128, 64, 3, 3)),
                new Layer(Shape.of(4, 128, 8, 8), Shape.of(256, 128, 3, 3)),
                new Layer(Shape.of(4, 256, 4, 4), Shape.of(512, 256, 3, 3)))) {
            Random rng = new Random(l.w().dim(0));
            Shape ys = spec.outputShape("test", l.x(), l.w());
            double[] x = uniform(rng, l.x().numel());
            double[] w = uniform(rng, l.w().numel());
            double[] bias = uniform(rng, l.w().dim(0));
            double[] dy = uniform(rng, ys.numel());
            String name = "conv x" + l.x() + " w" + l.w();
            double[][] y = both((b, t) -> {
                Tensor out = t.zeros(ys);
                b.conv2dForward(t.tensor(l.x(), x), t.tensor(l.w(), w), t.tensor(Shape.of(l.w().dim(0)), bias), spec, out);
                return out;
            });
            assertNormClose(name + " forward", y[1], y[0], FORWARD);
            double[][] dx = both((b, t) -> {
                Tensor out = t.zeros(l.x());
                b.conv2dBackwardData(t.tensor(ys, dy), t.tensor(l.w(), w), spec, out);
                return out;
            });
            assertNormClose(name + " backward data", dx[1], dx[0], GRADIENT);
            double[][] dw = both((b, t) -> {
                Tensor out = t.zeros(l.w());
                b.conv2dBackwardWeights(t.tensor(l.x(), x), t.tensor(ys, dy), spec, out, null);
                return out;
            });
            assertNormClose(name + " backward weights", dw[1], dw[0], GRADIENT);
            double[][] db = both((b, t) -> {
                Tensor dwOut = t.zeros(l.w());
                Tensor out = t.zeros(Shape.of(l.w().dim(0)));
                b.conv2dBackwardWeights(t.tensor(l.x(), x), t.tensor(ys, dy), spec, dwOut, out);
                return out;
            });
            assertNormClose(name + " backward bias", db[1], db[0], GRADIENT);
        }
    }

    @Test
    void batchNormReluAndPoolingOfTheFirstBlock() {
        Random rng = new Random(77);
        Shape xs = Shape.of(4, 32, 64, 64);
        Shape cs = Shape.of(32);
        Pool2dSpec pool = Pool2dSpec.max(2, 2, 0);
        Shape ps = pool.outputShape("test", xs);
        double[] x = uniform(rng, xs.numel());
        double[] gamma = uniform(rng, 32);
        double[] beta = uniform(rng, 32);
        double[] dp = uniform(rng, ps.numel());
        double[][] bn = both((b, t) -> {
            Tensor y = t.zeros(xs);
            b.batchNormForwardTraining(t.tensor(xs, x), t.tensor(cs, gamma), t.tensor(cs, beta), t.zeros(cs), t.tensor(cs, ones(32)),
                    0.1f, 1e-5f, y, t.zeros(cs), t.zeros(cs));
            return y;
        });
        assertNormClose("batch-norm forward", bn[1], bn[0], FORWARD);
        double[][] dx = both((b, t) -> {
            Tensor in = t.tensor(xs, x);
            Tensor g = t.tensor(cs, gamma);
            Tensor y = t.zeros(xs);
            Tensor mean = t.zeros(cs);
            Tensor invStd = t.zeros(cs);
            b.batchNormForwardTraining(in, g, t.tensor(cs, beta), t.zeros(cs), t.tensor(cs, ones(32)), 0.1f, 1e-5f, y, mean,
                    invStd);
            b.reluForward(y, y);
            Tensor p = t.zeros(ps);
            Tensor ws = t.zeros(b.pool2dWorkspaceShape(pool, xs));
            b.pool2dForward(y, pool, p, ws);
            Tensor dy = t.zeros(xs);
            b.pool2dBackward(y, p, t.tensor(ps, dp), pool, ws, dy);
            b.reluBackward(y, dy, dy);
            Tensor out = t.zeros(xs);
            b.batchNormBackward(in, dy, g, mean, invStd, 1e-5f, out, t.zeros(cs), t.zeros(cs));
            return out;
        });
        assertNormClose("pool, relu and batch-norm backward", dx[1], dx[0], GRADIENT);
    }

    @Test
    void theClassifierHead() {
        Random rng = new Random(99);
        int n = 4;
        for (int[] io : new int[][] {{512 * 4 * 4, 1024}, {1024, 512}, {512, 10}}) {
            int in = io[0];
            int out = io[1];
            double[] x = uniform(rng, (long) n * in);
            double[] w = uniform(rng, (long) out * in);
            double[] bias = uniform(rng, out);
            double[] dy = uniform(rng, (long) n * out);
            String name = "linear " + in + " -> " + out;
            double[][] y = both((b, t) -> {
                Tensor o = t.zeros(Shape.of(n, out));
                b.linearForward(t.tensor(Shape.of(n, in), x), t.tensor(Shape.of(out, in), w), t.tensor(Shape.of(out), bias), o);
                return o;
            });
            assertNormClose(name + " forward", y[1], y[0], FORWARD);
            double[][] dx = both((b, t) -> {
                Tensor o = t.zeros(Shape.of(n, in));
                b.linearBackwardData(t.tensor(Shape.of(n, out), dy), t.tensor(Shape.of(out, in), w), o);
                return o;
            });
            assertNormClose(name + " backward data", dx[1], dx[0], GRADIENT);
            double[][] dw = both((b, t) -> {
                Tensor o = t.zeros(Shape.of(out, in));
                b.linearBackwardWeights(t.tensor(Shape.of(n, in), x), t.tensor(Shape.of(n, out), dy), o, null);
                return o;
            });
            assertNormClose(name + " backward weights", dw[1], dw[0], GRADIENT);
            double[][] db = both((b, t) -> {
                Tensor o = t.zeros(Shape.of(out));
                b.linearBackwardWeights(t.tensor(Shape.of(n, in), x), t.tensor(Shape.of(n, out), dy), t.zeros(Shape.of(out, in)),
                        o);
                return o;
            });
            assertNormClose(name + " backward bias", db[1], db[0], GRADIENT);
        }
    }

    /**
     * Both backends round each product and sum of an optimizer step on its own, as Java does, so
     * three steps give the same bits, not just close ones.
     */
    @Test
    void optimizerStepsGiveTheSameBits() {
        Random rng = new Random(11);
        Shape s = Shape.of(100_003);
        double[] w0 = uniform(rng, s.numel());
        double[][] grads = {uniform(rng, s.numel()), uniform(rng, s.numel()), uniform(rng, s.numel())};
        for (boolean nesterov : new boolean[] {false, true}) {
            double[][] w = both((b, t) -> {
                Tensor p = t.tensor(s, w0);
                Tensor velocity = t.zeros(s);
                for (double[] g : grads) {
                    b.sgdStep(p, t.tensor(s, g), velocity, 0.05f, 0.9f, 1e-3f, nesterov);
                }
                return p;
            });
            assertArrayEquals(w[1], w[0], "sgd, nesterov " + nesterov + ": CUDA's bits against the CPU's");
        }
        for (boolean decoupled : new boolean[] {false, true}) {
            double[][] w = both((b, t) -> {
                Tensor p = t.tensor(s, w0);
                Tensor m = t.zeros(s);
                Tensor v = t.zeros(s);
                for (int step = 1; step <= grads.length; step++) {
                    b.adamStep(p, t.tensor(s, grads[step - 1]), m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, decoupled, step);
                }
                return p;
            });
            assertArrayEquals(w[1], w[0], (decoupled ? "adamw" : "adam") + ": CUDA's bits against the CPU's");
        }
    }

    private static double[] ones(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }
}
