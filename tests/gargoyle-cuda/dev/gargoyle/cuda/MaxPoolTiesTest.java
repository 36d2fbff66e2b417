package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.reference.Pool2dRef;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The tie check of the cuDNN tests, without a GPU: on hand-made gradients and the float64 reference's. */
class MaxPoolTiesTest {
    /** One plane of 2 x 4, two 2 x 2 windows: the left one tied at cells 0 and 4, the right one at 2 and 7. */
    private static final Shape XS = Shape.of(1, 1, 2, 4);
    private static final Pool2dSpec SPEC = Pool2dSpec.max(2, 2, 0);
    private static final double[] X = {1, 0, 2, 0, 1, 0, 0, 2};
    private static final double[] DY = {0.5, -1};

    private static MaxPoolTies.Tally verify(double... dx) {
        return MaxPoolTies.verify(X, XS, SPEC, 0, 0, DY, dx);
    }

    @Test
    void theWholeGradientOnAnyOneTiedMaximumPassesAndIsTallied() {
        assertEquals(new MaxPoolTies.Tally(2, 2), verify(0.5, 0, -1, 0, 0, 0, 0, 0));
        assertEquals(new MaxPoolTies.Tally(2, 0), verify(0, 0, 0, 0, 0.5, 0, 0, -1));
        assertEquals(new MaxPoolTies.Tally(2, 1), verify(0, 0, -1, 0, 0.5, 0, 0, 0));
    }

    @Test
    void aGradientSplitMisplacedAlteredOrStrayFails() {
        assertThrows(AssertionError.class, () -> verify(0.25, 0, -1, 0, 0.25, 0, 0, 0), "split between two maxima");
        assertThrows(AssertionError.class, () -> verify(0, 0.5, -1, 0, 0, 0, 0, 0), "on a cell that is no maximum");
        assertThrows(AssertionError.class, () -> verify(0.5, 0, -0.5, 0, 0, 0, 0, 0), "not the whole gradient");
        assertThrows(AssertionError.class, () -> verify(0, 0, -1, 0, 0, 0, 0, 0), "lost");
        assertThrows(AssertionError.class, () -> verify(0.5, 0, -1, 0, 0, 0, Double.NaN, 0), "NaN left in dx");
        // Stride 3 leaves column 3 out of every window: nothing may land there.
        Pool2dSpec gaps = new Pool2dSpec(Pool2dSpec.Kind.MAX, 2, 2, 2, 3, 0, 0, true);
        assertThrows(AssertionError.class, () -> MaxPoolTies.verify(X, XS, gaps, 0, 0, new double[] {0.5},
                new double[] {0.5, 0, 0, 0.5, 0, 0, 0, 0}), "outside every window");
    }

    /** The float64 reference follows PyTorch: every tied window's gradient goes to its first maximum. */
    @Test
    void onTheReferenceEveryTieGoesToTheFirstMaximum() {
        Shape xs = Shape.of(2, 3, 8, 9);
        Random rng = new Random(17);
        double[] x = new double[Math.toIntExact(xs.numel())];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(3);
        }
        for (Pool2dSpec spec : new Pool2dSpec[] {Pool2dSpec.max(3, 2, 0), Pool2dSpec.max(3, 1, 1),
            Pool2dSpec.max(2, 2, 0)}) {
            MaxPoolTies.Tally t = MaxPoolTies.check(x, xs, spec, rng, dy -> Pool2dRef.backward(x, xs, spec, dy));
            assertTrue(t.tiedWindows() > 20, spec + ": too few ties to tell, " + t);
            assertEquals(t.tiedWindows(), t.toFirst(), spec.toString());
        }
    }

    /** The last maximum is as good to the check; only the tally differs. */
    @Test
    void aBackwardThatPicksTheLastMaximumPassesWithNoTieToTheFirst() {
        Shape xs = Shape.of(1, 2, 6, 6);
        Pool2dSpec spec = Pool2dSpec.max(3, 1, 1);
        Random rng = new Random(5);
        double[] x = new double[Math.toIntExact(xs.numel())];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(2);
        }
        // Reversing each plane makes the reference's first maximum the last one of the original.
        double[] reversed = reversePlanes(x, 36);
        MaxPoolTies.Tally t = MaxPoolTies.check(x, xs, spec, rng,
                dy -> reversePlanes(Pool2dRef.backward(reversed, xs, spec, reversePlanes(dy, 36)), 36));
        assertTrue(t.tiedWindows() > 20, "too few ties to tell, " + t);
        assertEquals(0, t.toFirst());
    }

    private static double[] reversePlanes(double[] a, int plane) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i / plane * plane + plane - 1 - i % plane];
        }
        return out;
    }
}
