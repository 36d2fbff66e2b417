package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Compare.assertClose;
import static dev.gargoyle.parity.Scope.read;
import static dev.gargoyle.parity.Scope.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.parity.Scope;
import dev.gargoyle.reference.Pool2dRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.testing.GpuTest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;

/**
 * Max pooling's gradient on tied maxima, where cuDNN documents no rule and PyTorch's (the first
 * maximum) cannot be asked of it. In a network the ties are the zeros a ReLU made, whose gradient
 * the ReLU's backward discards whichever zero got it: there the result must be PyTorch's. Elsewhere
 * the gradient must go whole to exactly one tied maximum; which one cuDNN picks is recorded in the
 * report, not asserted.
 */
@GpuTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaMaxPoolTiesTest {
    private static final Shape XS = Shape.of(2, 3, 8, 9);
    private static final List<Pool2dSpec> SPECS = List.of(Pool2dSpec.max(3, 2, 0), Pool2dSpec.max(3, 1, 1),
            Pool2dSpec.max(2, 2, 0));

    private Backend backend;

    @BeforeAll
    void open() {
        backend = Backends.create(Device.cuda(0));
    }

    @AfterAll
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void afterAReluTiedZerosGiveExactlyPyTorchsGradient() {
        Random rng = new Random(29);
        for (Pool2dSpec spec : SPECS) {
            Shape ys = spec.outputShape("test", XS);
            // Four in five below zero, so many windows hold nothing but the ReLU's zeros; float32
            // values, so the GPU ranks the same numbers.
            double[] x = uniform(rng, XS.numel());
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (x[i] * 0.5 - 0.3);
            }
            double[] dp = uniform(rng, ys.numel());
            double[] relu = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                relu[i] = Math.max(0, x[i]);
            }
            long zeroWindows = Arrays.stream(Pool2dRef.forward(relu, XS, spec)).filter(v -> v == 0).count();
            assertTrue(zeroWindows > 20, spec + ": only " + zeroWindows + " windows of tied zeros");
            double[] pooled = Pool2dRef.backward(relu, XS, spec, dp);
            double[] want = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                want[i] = relu[i] > 0 ? pooled[i] : 0;
            }
            try (Scope t = new Scope(backend)) {
                Tensor y = t.garbage(XS);
                backend.reluForward(t.tensor(XS, x), y);
                Tensor p = t.garbage(ys);
                Tensor workspace = t.zeros(backend.pool2dWorkspaceShape(spec, XS));
                backend.pool2dForward(y, spec, p, workspace);
                Tensor dy = t.garbage(XS);
                backend.pool2dBackward(y, p, t.tensor(ys, dp), spec, workspace, dy);
                Tensor dx = t.garbage(XS);
                backend.reluBackward(y, dy, dx);
                assertClose("ReLU then " + spec + ", backward", want, read(dx), 1e-6, 1e-6);
            }
        }
    }

    @Test
    void aTiedMaximumsGradientGoesWholeToOneOfThem(TestReporter report) {
        Random rng = new Random(17);
        double[] x = new double[Math.toIntExact(XS.numel())];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(3);
        }
        for (Pool2dSpec spec : SPECS) {
            Shape ys = spec.outputShape("test", XS);
            MaxPoolTies.Tally t;
            try (Scope s = new Scope(backend)) {
                Tensor tx = s.tensor(XS, x);
                Tensor ty = s.garbage(ys);
                Tensor workspace = s.zeros(backend.pool2dWorkspaceShape(spec, XS));
                backend.pool2dForward(tx, spec, ty, workspace);
                t = MaxPoolTies.check(x, XS, spec, rng, dy -> {
                    Tensor dx = s.garbage(XS);
                    backend.pool2dBackward(tx, ty, s.tensor(ys, dy), spec, workspace, dx);
                    return read(dx);
                });
            }
            assertTrue(t.tiedWindows() > 20, spec + ": too few ties to tell, " + t);
            report.publishEntry("cuDNN max-pool ties, " + spec, t.toFirst() + " of " + t.tiedWindows()
                    + " tied windows gave the gradient to the first maximum (PyTorch's rule), the rest to another");
        }
    }
}
