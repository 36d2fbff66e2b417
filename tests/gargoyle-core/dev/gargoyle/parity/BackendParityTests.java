package dev.gargoyle.parity;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The parity suite every backend passes: each op against the float64 reference in
 * {@code dev.gargoyle.reference}, the gradient rule (activation gradients overwritten, parameter
 * gradients accumulated), flat native memory over many steps, and clear exceptions for bad input.
 * A subclass supplies the backend; it is made once per class and closed after the last test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendParityTests {
    private Backend backend;

    /** Makes the backend under test; called once, before the first test of the class. */
    protected abstract Backend createBackend();

    /** Which convolution cases run: every valid one, or a covering design of strength 2, 3 or 4. */
    public enum ConvGridDesign {
        FULL(0), ALL_PAIRS(2), ALL_TRIPLES(3), ALL_QUADRUPLES(4);

        private final int strength;

        ConvGridDesign(int strength) {
            this.strength = strength;
        }

        int strength() {
            return strength;
        }
    }

    /**
     * The convolution design of this backend: by default every combination of any four factor
     * values (115 cases; all 1,632 take 5 s on 2 idle cores on the CPU backend, more where a new
     * shape costs more, as with cuDNN's algorithm search). The system property
     * {@code gargoyle.parity.convGrid} ({@code FULL}, {@code ALL_PAIRS}, ...) overrides it for a run.
     */
    protected ConvGridDesign convGridDesign() {
        return ConvGridDesign.ALL_QUADRUPLES;
    }

    private ConvGridDesign chosenDesign() {
        String chosen = System.getProperty("gargoyle.parity.convGrid");
        if (chosen == null) {
            return convGridDesign();
        }
        try {
            return ConvGridDesign.valueOf(chosen);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gargoyle.parity.convGrid=" + chosen + ": expected one of "
                    + Arrays.toString(ConvGridDesign.values()), e);
        }
    }

    @BeforeAll
    final void openBackend() {
        backend = createBackend();
    }

    @AfterAll
    final void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }

    protected final Backend backend() {
        return backend;
    }

    // ---- convolution ---------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> conv2dGrid() {
        List<ConvGrid.Case> cases = ConvGrid.cases(chosenDesign());
        return IntStream.range(0, cases.size()).mapToObj(i -> {
            ConvGrid.Case c = cases.get(i);
            return DynamicTest.dynamicTest(c.toString(),
                    () -> ConvParity.check(backend, c.toString(), c.x(), c.w(), c.bias(), c.spec(), i));
        });
    }

    /** Unequal height and width in every parameter, so that no axis can stand in for the other. */
    @TestFactory
    Stream<DynamicTest> conv2dAsymmetric() {
        record Case(Shape x, Shape w, Conv2dSpec spec) {
        }
        return Stream.of(
                new Case(Shape.of(2, 4, 9, 7), Shape.of(6, 4, 3, 2), new Conv2dSpec(2, 1, 1, 0, 1, 2, 1)),
                new Case(Shape.of(1, 4, 8, 11), Shape.of(4, 2, 1, 3), new Conv2dSpec(1, 3, 0, 2, 2, 1, 2)),
                new Case(Shape.of(3, 3, 6, 10), Shape.of(3, 1, 5, 3), new Conv2dSpec(1, 2, 2, 1, 1, 1, 3)))
                .map(c -> DynamicTest.dynamicTest(c.x + " w" + c.w + " " + c.spec, () -> ConvParity.check(backend,
                        c.x + " w" + c.w + " " + c.spec, c.x, c.w, true, c.spec, 5)));
    }

    @Test
    void conv2dBackwardOverwritesDxAndAccumulatesDwAndDbias() {
        ConvParity.checkTwice(backend, "N3 C8 13x14 k3 s1 p1 g2", Shape.of(3, 8, 13, 14), Shape.of(6, 4, 3, 3),
                Conv2dSpec.of(1, 1).withGroups(2), 3);
        ConvParity.checkTwice(backend, "N1 C3 8x9 k5 s2 p2 d2", Shape.of(1, 3, 8, 9), Shape.of(6, 3, 5, 5),
                Conv2dSpec.of(2, 2).withDilation(2), 4);
    }

    // ---- pooling -------------------------------------------------------------------------------

    private static List<Pool2dSpec> poolSpecs() {
        List<Pool2dSpec> specs = new ArrayList<>();
        for (int[] ksp : new int[][] {{3, 2, 0}, {3, 1, 1}, {2, 2, 0}, {3, 2, 1}}) {
            specs.add(Pool2dSpec.max(ksp[0], ksp[1], ksp[2]));
            specs.add(Pool2dSpec.avg(ksp[0], ksp[1], ksp[2]));
            specs.add(Pool2dSpec.avg(ksp[0], ksp[1], ksp[2]).excludingPadding());
        }
        return specs;
    }

    private static final Shape[] POOL_SHAPES = {
        Shape.of(1, 1, 5, 5), Shape.of(2, 3, 8, 8), Shape.of(2, 2, 7, 10), Shape.of(1, 4, 13, 12), Shape.of(3, 2, 6, 9),
    };

    @TestFactory
    Stream<DynamicTest> pool2d() {
        return poolSpecs().stream().flatMap(spec -> Stream.of(POOL_SHAPES).map(xs -> DynamicTest.dynamicTest(
                PoolParity.describe(spec) + " on " + xs, () -> PoolParity.check(backend, spec, xs, xs.numel()))));
    }

    /**
     * Whether this backend promises PyTorch's rule for tied maxima, the first one getting the
     * gradient. A backend whose library documents no rule (cuDNN) says no and checks ties its own way.
     */
    protected boolean maxPoolTiesFollowPyTorch() {
        return true;
    }

    @TestFactory
    Stream<DynamicTest> maxPoolTiesGoToTheFirstMaximum() {
        Assumptions.assumeTrue(maxPoolTiesFollowPyTorch(), "this backend promises no rule for tied maxima");
        return Stream.of(Pool2dSpec.max(3, 2, 0), Pool2dSpec.max(3, 1, 1), Pool2dSpec.max(2, 2, 0))
                .map(spec -> DynamicTest.dynamicTest(PoolParity.describe(spec),
                        () -> PoolParity.checkTies(backend, spec, Shape.of(2, 3, 8, 9), 17)));
    }

    @TestFactory
    Stream<DynamicTest> poolingPropagatesNaNAndInfinity() {
        return poolSpecs().stream().map(spec -> DynamicTest.dynamicTest(PoolParity.describe(spec),
                () -> PoolParity.checkNonFinite(backend, spec, Shape.of(2, 5, 9, 11), 19)));
    }

    // ---- batch normalisation -------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> batchNorm() {
        return Stream.of(Shape.of(1, 3, 4, 5), Shape.of(4, 3, 5, 5), Shape.of(8, 5, 1, 1), Shape.of(2, 16, 7, 7))
                .map(xs -> DynamicTest.dynamicTest(xs.toString(),
                        () -> BatchNormParity.check(backend, xs, 23, false)));
    }

    @TestFactory
    Stream<DynamicTest> batchNormWithRelu() {
        return Stream.of(Shape.of(4, 16, 6, 6), Shape.of(2, 8, 5, 5), Shape.of(3, 5, 4, 4), Shape.of(2, 32, 7, 7))
                .map(xs -> DynamicTest.dynamicTest(xs.toString(),
                        () -> BatchNormParity.check(backend, xs, 31, true)));
    }

    @TestFactory
    Stream<DynamicTest> batchNormWithReluKeepsNaN() {
        return Stream.of(Shape.of(2, 16, 5, 5), Shape.of(2, 3, 4, 4)).map(xs -> DynamicTest.dynamicTest(xs.toString(),
                () -> BatchNormParity.checkWithReluNonFinite(backend, xs, 37)));
    }

    @Test
    void batchNormBackwardOverwritesDxAndAccumulatesDgammaAndDbeta() {
        BatchNormParity.checkTwice(backend, Shape.of(4, 6, 5, 5), 29);
    }

    // ---- linear, activations, loss -------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> linear() {
        return Stream.of(new int[] {1, 1, 1, 1}, new int[] {5, 7, 10, 1}, new int[] {3, 64, 10, 0},
                        new int[] {8, 32, 3, 1})
                .map(c -> DynamicTest.dynamicTest("N" + c[0] + " in" + c[1] + " out" + c[2] + (c[3] == 1 ? " bias" : ""),
                        () -> DenseParity.linear(backend, c[0], c[1], c[2], c[3] == 1, 31)));
    }

    @Test
    void linearBackwardOverwritesDxAndAccumulatesDwAndDbias() {
        DenseParity.linearTwice(backend, 6, 20, 7, 37);
    }

    @Test
    void relu() {
        DenseParity.relu(backend, 41);
    }

    @Test
    void reluPropagatesNaNAndInfinity() {
        DenseParity.reluNonFinite(backend, 43);
    }

    @Test
    void dropout() {
        DenseParity.dropout(backend, 0f, 1);
        DenseParity.dropout(backend, 0.3f, 2);
        DenseParity.dropout(backend, 0.5f, 123456789L);
    }

    @Test
    void softmaxCrossEntropy() {
        DenseParity.softmaxCrossEntropy(backend, 4, 10, 2, 1f, 43);
        DenseParity.softmaxCrossEntropy(backend, 32, 7, 100, 0.25f, 47);
        DenseParity.softmaxCrossEntropy(backend, 1, 2, 1, 3f, 53);
        DenseParity.weightedSoftmaxCrossEntropy(backend, 16, 5, 0.5f, 57);
        DenseParity.weightedSoftmaxCrossEntropy(backend, 3, 10, 2f, 58);
    }

    // ---- optimizers, elementwise, input --------------------------------------------------------

    @Test
    void sgdStep() {
        OptimizerParity.sgd(backend, 0.1f, 0f, 0f, false, 59);
        OptimizerParity.sgd(backend, 0.05f, 0.9f, 1e-4f, false, 61);
        OptimizerParity.sgd(backend, 0.05f, 0.9f, 5e-4f, true, 67);
    }

    @Test
    void adamStep() {
        OptimizerParity.adam(backend, 1e-3f, 0f, false, 71);
        OptimizerParity.adam(backend, 1e-2f, 0.01f, false, 73);
        OptimizerParity.adam(backend, 1e-2f, 0.05f, true, 79);
        OptimizerParity.adam(backend, OptimizerParity.LONG, 1e-3f, 0.01f, false, 83);
    }

    @Test
    void elementwise() {
        ElementwiseParity.elementwise(backend, 83);
    }

    @Test
    void copiesAndViews() {
        ElementwiseParity.copiesAndViews(backend, 89);
        ElementwiseParity.convOnViews(backend, 97);
    }

    @Test
    void imagesToTensor() {
        ElementwiseParity.imagesToTensor(backend, 101);
    }

    // ---- resources and bad input ---------------------------------------------------------------

    @Test
    void nativeMemoryStaysFlatOverManySteps() {
        MemoryParity.check(backend);
    }

    /** After every bad call the backend still computes correctly. */
    @Test
    void badInputThrowsNamingTheOp() {
        BadInputParity.shapes(backend);
        BadInputParity.geometry(backend);
        BadInputParity.labels(backend);
        BadInputParity.closedTensors(backend);
        BadInputParity.emptyAndForeign(backend);
        ConvParity.check(backend, "after bad input", Shape.of(2, 3, 6, 6), Shape.of(4, 3, 3, 3), true,
                Conv2dSpec.of(1, 1), 103);
    }
}
