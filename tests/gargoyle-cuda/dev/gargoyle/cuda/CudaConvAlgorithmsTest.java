package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Compare.assertClose;
import static dev.gargoyle.cuda.Compare.assertNormClose;
import static dev.gargoyle.parity.Scope.plus;
import static dev.gargoyle.parity.Scope.read;
import static dev.gargoyle.parity.Scope.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.cuda.ConvAlgorithm.Direction;
import dev.gargoyle.parity.Scope;
import dev.gargoyle.reference.Conv2dRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
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

/**
 * Every convolution algorithm cuDNN offers, each forced in turn, against the float64 reference on
 * one small case; the algorithm cache (a shape is searched once per direction); determinism; and
 * the error a failing cuDNN call makes.
 */
@GpuTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CudaConvAlgorithmsTest {
    /** 3x3, stride 1, padding 1: the geometry for which cuDNN has the most algorithms (FFT, Winograd too). */
    private static final Shape X = Shape.of(2, 4, 9, 9);
    private static final Shape W = Shape.of(6, 4, 3, 3);
    private static final Conv2dSpec SPEC = Conv2dSpec.of(1, 1);
    /** FFT and Winograd round differently from direct summation; a wrong result misses by O(1). */
    private static final double REL = 1e-3;
    private static final double ABS = 1e-4;

    private CudaBackend ops;
    private Backend backend;

    @BeforeAll
    void open() {
        ops = new CudaBackend(Device.cuda(0), CudaOptions.defaults());
        backend = Backend.of(ops);
    }

    @AfterAll
    void close() {
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void everyAlgorithmCudnnOffersMatchesTheReference() {
        Random rng = new Random(5);
        double[] x = uniform(rng, X.numel());
        double[] w = uniform(rng, W.numel());
        double[] bias = uniform(rng, 6);
        Shape ys = SPEC.outputShape("test", X, W);
        double[] dy = uniform(rng, ys.numel());
        double[] dw0 = uniform(rng, W.numel());
        double[] db0 = uniform(rng, 6);
        double[] wantY = Conv2dRef.forward(x, X, w, W, bias, SPEC);
        double[] wantDx = Conv2dRef.backwardData(dy, w, W, SPEC, X);
        double[] wantFresh = Conv2dRef.backwardWeights(x, X, dy, SPEC, W);
        double[] wantDw = plus(dw0, wantFresh);
        double[] wantDb = plus(db0, Conv2dRef.backwardBias(dy, ys));
        try (Scope t = new Scope(backend)) {
            Tensor tx = t.tensor(X, x);
            Tensor tw = t.tensor(W, w);
            Tensor tb = t.tensor(Shape.of(6), bias);
            Tensor tdy = t.tensor(ys, dy);
            // The cached choices first, which also fills the algorithm lists.
            Tensor y = t.garbage(ys);
            backend.conv2dForward(tx, tw, tb, SPEC, y);
            assertClose("forward, chosen algorithm", wantY, read(y), REL, ABS);
            Tensor dx = t.garbage(X);
            backend.conv2dBackwardData(tdy, tw, SPEC, dx);
            assertClose("backward data, chosen algorithm", wantDx, read(dx), REL, ABS);
            Tensor dw = t.tensor(W, dw0);
            Tensor db = t.tensor(Shape.of(6), db0);
            backend.conv2dBackwardWeights(tx, tdy, SPEC, dw, db);
            assertClose("backward filter, chosen algorithm", wantDw, read(dw), REL, ABS);
            assertClose("backward bias", wantDb, read(db), REL, ABS);

            List<ConvAlgorithm> algorithms = backend.extension(CudnnTuning.class).orElseThrow().convAlgorithms(X, W, SPEC);
            int[] ran = new int[Direction.values().length];
            for (Direction d : Direction.values()) {
                assertEquals(1, algorithms.stream().filter(a -> a.direction() == d && a.chosen()).count(),
                        "exactly one chosen " + d + " algorithm in " + algorithms);
            }
            for (ConvAlgorithm a : algorithms) {
                if (!a.status().equals("CUDNN_STATUS_SUCCESS")) {
                    continue;
                }
                String what = a.direction() + " " + a.name() + " (" + a.mathType() + ")";
                ops.convolution().force(a.direction(), a.id());
                try {
                    switch (a.direction()) {
                        case FORWARD -> {
                            Tensor fy = t.garbage(ys);
                            backend.conv2dForward(tx, tw, tb, SPEC, fy);
                            assertClose(what, wantY, read(fy), REL, ABS);
                        }
                        case BACKWARD_DATA -> {
                            Tensor fdx = t.garbage(X);
                            backend.conv2dBackwardData(tdy, tw, SPEC, fdx);
                            assertClose(what, wantDx, read(fdx), REL, ABS);
                        }
                        case BACKWARD_FILTER -> {
                            // cuDNN does not say every algorithm honours beta = 1: the accumulated
                            // result must be the old dw plus what the same algorithm computes alone.
                            Tensor fresh = t.zeros(W);
                            backend.conv2dBackwardWeights(tx, tdy, SPEC, fresh, null);
                            assertClose(what, wantFresh, read(fresh), REL, ABS);
                            Tensor fdw = t.tensor(W, dw0);
                            backend.conv2dBackwardWeights(tx, tdy, SPEC, fdw, null);
                            assertNormClose(what + ", accumulated into dw", plus(dw0, read(fresh)), read(fdw), 1e-5);
                        }
                    }
                } finally {
                    ops.convolution().force(a.direction(), null);
                }
                ran[a.direction().ordinal()]++;
            }
            for (Direction d : Direction.values()) {
                assertTrue(ran[d.ordinal()] >= 1, "no " + d + " algorithm ran: " + algorithms);
            }
        }
    }

    @Test
    void aShapeIsSearchedOncePerDirection() {
        Shape xs = Shape.of(3, 5, 11, 7);
        Shape ws = Shape.of(4, 5, 3, 1);
        Conv2dSpec spec = new Conv2dSpec(2, 1, 1, 0, 1, 1, 1);
        Shape ys = spec.outputShape("test", xs, ws);
        try (Scope t = new Scope(backend)) {
            Tensor x = t.zeros(xs);
            Tensor w = t.zeros(ws);
            Tensor y = t.zeros(ys);
            Tensor dx = t.zeros(xs);
            Tensor dw = t.zeros(ws);
            long before = backend.extension(CudnnTuning.class).orElseThrow().convAlgorithmSearches();
            backend.conv2dForward(x, w, null, spec, y);
            assertEquals(before + 1, backend.extension(CudnnTuning.class).orElseThrow().convAlgorithmSearches(), "the first forward searches");
            backend.conv2dForward(x, w, null, spec, y);
            assertEquals(before + 1, backend.extension(CudnnTuning.class).orElseThrow().convAlgorithmSearches(), "the second forward reuses the choice");
            backend.conv2dBackwardData(y, w, spec, dx);
            backend.conv2dBackwardWeights(x, y, spec, dw, null);
            assertEquals(before + 3, backend.extension(CudnnTuning.class).orElseThrow().convAlgorithmSearches(), "each backward direction searches once");
            for (int i = 0; i < 3; i++) {
                backend.conv2dForward(x, w, null, spec, y);
                backend.conv2dBackwardData(y, w, spec, dx);
                backend.conv2dBackwardWeights(x, y, spec, dw, null);
            }
            assertEquals(before + 3, backend.extension(CudnnTuning.class).orElseThrow().convAlgorithmSearches(), "repeated steps search no more");
            Tensor smaller = x.narrow(2);
            backend.conv2dForward(smaller, w, null, spec, y.narrow(2));
            assertEquals(before + 4, backend.extension(CudnnTuning.class).orElseThrow().convAlgorithmSearches(), "another batch size is another shape");
        }
    }

    /**
     * A weight gradient one float into its block (4-byte aligned, as a view of the flat gradient
     * buffer may be) gets a search of its own at that alignment, and what it picks accumulates right.
     */
    @Test
    void aWeightGradientOneFloatIntoItsBlockIsSearchedAtThatAlignment() {
        Random rng = new Random(13);
        double[] x = uniform(rng, X.numel());
        Shape ys = SPEC.outputShape("test", X, W);
        double[] dy = uniform(rng, ys.numel());
        double[] flat = uniform(rng, W.numel() + 1);
        double[] dw0 = Arrays.copyOfRange(flat, 1, flat.length);
        double[] want = plus(dw0, Conv2dRef.backwardWeights(x, X, dy, SPEC, W));
        CudnnTuning tuning = backend.extension(CudnnTuning.class).orElseThrow();
        try (Scope t = new Scope(backend)) {
            Tensor tx = t.tensor(X, x);
            Tensor tdy = t.tensor(ys, dy);
            backend.conv2dBackwardWeights(tx, tdy, SPEC, t.zeros(W), null);
            long searches = tuning.convAlgorithmSearches();
            Tensor dw = t.tensor(Shape.of(flat.length), flat).slice(1, W);
            backend.conv2dBackwardWeights(tx, tdy, SPEC, dw, null);
            assertEquals(searches + 1, tuning.convAlgorithmSearches(), "a 4-byte aligned dw is another key");
            assertClose("backward filter into a dw 4 bytes into its block", want, read(dw), REL, ABS);
        }
    }

    @Test
    void deterministicModeRunsOnlyDeterministicAlgorithmsAndRepeatsExactly() {
        Random rng = new Random(9);
        CudaBackend detOps = new CudaBackend(Device.cuda(0), CudaOptions.defaults().withDeterministic(true));
        try (Backend det = Backend.of(detOps); Scope t = new Scope(det)) {
            Shape xs = Shape.of(8, 16, 20, 20);
            Shape ws = Shape.of(16, 16, 3, 3);
            Shape ys = SPEC.outputShape("test", xs, ws);
            Tensor x = t.tensor(xs, uniform(rng, xs.numel()));
            Tensor dy = t.tensor(ys, uniform(rng, ys.numel()));
            Tensor dw1 = t.zeros(ws);
            Tensor dw2 = t.zeros(ws);
            det.conv2dBackwardWeights(x, dy, SPEC, dw1, null);
            det.conv2dBackwardWeights(x, dy, SPEC, dw2, null);
            assertArrayEquals(read(dw1), read(dw2), 0.0, "a deterministic algorithm gives the same bits twice");
            for (ConvAlgorithm a : det.extension(CudnnTuning.class).orElseThrow().convAlgorithms(xs, ws, SPEC)) {
                if (a.chosen()) {
                    assertTrue(a.deterministic(), "chosen but not deterministic: " + a);
                }
            }
        }
    }

    @Test
    void aFailingCudnnCallNamesTheCallTheStatusAndTheShapes() {
        try (Scope t = new Scope(backend)) {
            Tensor x = t.zeros(X);
            Tensor w = t.zeros(W);
            Tensor y = t.zeros(SPEC.outputShape("test", X, W));
            ops.convolution().force(Direction.FORWARD, 99);
            CudnnException e;
            try {
                e = assertThrows(CudnnException.class, () -> backend.conv2dForward(x, w, null, SPEC, y));
            } finally {
                ops.convolution().force(Direction.FORWARD, null);
            }
            String m = e.getMessage();
            assertTrue(m.startsWith("cudnnConvolutionForward workspace size failed: CUDNN_STATUS_"), m);
            assertTrue(m.contains("x [2, 4, 9, 9], w [6, 4, 3, 3], stride 1x1, padding 1x1"), m);
            assertTrue(m.contains("forced algorithm ALGO_99"), m);
            backend.conv2dForward(x, w, null, SPEC, y); // and the backend still works
        }
    }
}
