package dev.gargoyle.parity;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.reference.ReferenceBackend;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Locale;
import org.junit.jupiter.api.function.Executable;

/** Bad calls end in a Java exception whose message names the op, never in a native crash. */
final class BadInputParity {
    private BadInputParity() {
    }

    /** Asserts that {@code call} throws {@code type} with a message that names {@code op}. */
    static void expect(Class<? extends RuntimeException> type, String op, String what, Executable call) {
        RuntimeException e = assertThrows(type, call, what + ": expected " + type.getSimpleName());
        String message = String.valueOf(e.getMessage());
        assertTrue(normalise(message).contains(normalise(op)),
                what + ": the message should name the op '" + op + "', got: " + message);
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    static void shapes(Backend b) {
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        try (Scope s = new Scope(b)) {
            Tensor x = s.zeros(Shape.of(1, 3, 8, 8)), w = s.zeros(Shape.of(4, 3, 3, 3));
            Conv2dSpec conv = Conv2dSpec.of(1, 0);
            expect(iae, "conv2d", "conv2dForward into y of the wrong shape",
                    () -> b.conv2dForward(x, w, null, conv, s.zeros(Shape.of(1, 4, 8, 8))));
            expect(iae, "conv2d", "conv2dForward with a bias of the wrong length",
                    () -> b.conv2dForward(x, w, s.zeros(Shape.of(3)), conv, s.zeros(Shape.of(1, 4, 6, 6))));
            expect(iae, "conv2d", "conv2dForward with weights for 2 input channels on 3",
                    () -> b.conv2dForward(x, s.zeros(Shape.of(4, 2, 3, 3)), null, conv, s.zeros(Shape.of(1, 4, 6, 6))));
            expect(iae, "conv2d", "conv2dForward with a rank-3 input",
                    () -> b.conv2dForward(s.zeros(Shape.of(3, 8, 8)), w, null, conv, s.zeros(Shape.of(1, 4, 6, 6))));
            expect(iae, "conv2d", "conv2dBackwardData into dx of the wrong shape",
                    () -> b.conv2dBackwardData(s.zeros(Shape.of(1, 4, 6, 6)), w, conv, s.zeros(Shape.of(1, 3, 7, 8))));
            expect(iae, "conv2d", "conv2dBackwardWeights into dw of the wrong shape",
                    () -> b.conv2dBackwardWeights(x, s.zeros(Shape.of(1, 4, 6, 6)), conv, s.zeros(Shape.of(4, 3, 2, 2)),
                            null));

            Pool2dSpec pool = Pool2dSpec.max(2, 2, 0);
            expect(iae, "pool2d", "pool2dForward into y of the wrong shape",
                    () -> b.pool2dForward(x, pool, s.zeros(Shape.of(1, 3, 3, 3)), null));
            expect(iae, "pool2d", "pool2dBackward into dx of the wrong shape",
                    () -> b.pool2dBackward(x, s.zeros(Shape.of(1, 3, 4, 4)), s.zeros(Shape.of(1, 3, 4, 4)), pool,
                            s.zeros(b.pool2dWorkspaceShape(pool, x.shape())), s.zeros(Shape.of(1, 3, 8, 7))));

            Shape cs = Shape.of(3);
            expect(iae, "batchNorm", "batchNormForwardTraining with gamma for 4 channels on 3",
                    () -> b.batchNormForwardTraining(x, s.zeros(Shape.of(4)), s.zeros(cs), s.zeros(cs), s.zeros(cs),
                            0.1f, 1e-5f, s.zeros(x.shape()), s.zeros(cs), s.zeros(cs)));
            expect(iae, "batchNorm", "batchNormForwardInference into y of the wrong shape",
                    () -> b.batchNormForwardInference(x, s.zeros(cs), s.zeros(cs), s.zeros(cs), s.zeros(cs), 1e-5f,
                            s.zeros(Shape.of(1, 3, 8, 9))));

            expect(iae, "linear", "linearForward with weights for 5 inputs on 4",
                    () -> b.linearForward(s.zeros(Shape.of(2, 4)), s.zeros(Shape.of(3, 5)), null,
                            s.zeros(Shape.of(2, 3))));
            expect(iae, "linear", "linearBackwardWeights into dw of the wrong shape",
                    () -> b.linearBackwardWeights(s.zeros(Shape.of(2, 4)), s.zeros(Shape.of(2, 3)),
                            s.zeros(Shape.of(4, 3)), null));

            expect(iae, "add", "add of unequal sizes",
                    () -> b.add(s.zeros(Shape.of(5)), s.zeros(Shape.of(6)), s.zeros(Shape.of(5))));
            expect(iae, "axpy", "axpy of unequal sizes", () -> b.axpy(1, s.zeros(Shape.of(5)), s.zeros(Shape.of(4))));
            expect(iae, "relu", "reluForward of unequal sizes",
                    () -> b.reluForward(s.zeros(Shape.of(5)), s.zeros(Shape.of(4))));
        }
    }

    static void geometry(Backend b) {
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        expect(iae, "conv2d", "a conv2d spec with negative padding", () -> new Conv2dSpec(1, 1, -1, 0, 1, 1, 1));
        expect(iae, "pool2d", "a pool2d spec with negative padding", () -> Pool2dSpec.avg(3, 1, -1));
        try (Scope s = new Scope(b)) {
            Tensor x = s.zeros(Shape.of(1, 3, 4, 4));
            expect(iae, "conv2d", "conv2dForward with groups=2 on 3 input channels",
                    () -> b.conv2dForward(x, s.zeros(Shape.of(4, 1, 3, 3)), null, Conv2dSpec.of(1, 1).withGroups(2),
                            s.zeros(Shape.of(1, 4, 4, 4))));
            expect(iae, "conv2d", "conv2dBackwardData with groups=2 on 3 input channels",
                    () -> b.conv2dBackwardData(s.zeros(Shape.of(1, 4, 4, 4)), s.zeros(Shape.of(4, 1, 3, 3)),
                            Conv2dSpec.of(1, 1).withGroups(2), x));
            expect(iae, "conv2d", "conv2dForward with a 5x5 kernel on a 4x4 input, no padding",
                    () -> b.conv2dForward(x, s.zeros(Shape.of(2, 3, 5, 5)), null, Conv2dSpec.of(1, 0),
                            s.zeros(Shape.of(1, 2, 1, 1))));
            expect(iae, "conv2d", "conv2dForward with a 3x3 kernel dilated to 7x7 on 4x4 padded to 6x6",
                    () -> b.conv2dForward(x, s.zeros(Shape.of(2, 3, 3, 3)), null, Conv2dSpec.of(1, 1).withDilation(3),
                            s.zeros(Shape.of(1, 2, 1, 1))));
            expect(iae, "pool2d", "pool2dForward with a 5x5 window on a 4x4 input",
                    () -> b.pool2dForward(x, Pool2dSpec.max(5, 1, 0), s.zeros(Shape.of(1, 3, 1, 1)), null));
        }
    }

    static void labels(Backend b) {
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        try (Scope s = new Scope(b)) {
            Tensor logits = s.zeros(Shape.of(2, 10)), d = s.zeros(Shape.of(2, 10));
            expect(iae, "softmax", "softmaxCrossEntropy with label 10 of 10 classes",
                    () -> b.softmaxCrossEntropy(logits, new int[] {0, 10}, 1, d));
            expect(iae, "softmax", "softmaxCrossEntropy with label -1",
                    () -> b.softmaxCrossEntropy(logits, new int[] {-1, 0}, 1, null));
            expect(iae, "softmax", "softmaxCrossEntropy with 3 labels for 2 rows",
                    () -> b.softmaxCrossEntropy(logits, new int[] {0, 1, 2}, 1, d));
            float[] nine = new float[9];
            java.util.Arrays.fill(nine, 1f);
            expect(iae, "softmax", "softmaxCrossEntropy with 9 class weights for 10 classes",
                    () -> b.softmaxCrossEntropy(logits, new int[] {0, 1}, nine, 1, d));
            float[] ten = new float[10];
            ten[5] = 1f;
            expect(iae, "softmax", "softmaxCrossEntropy whose rows all weigh 0",
                    () -> b.softmaxCrossEntropy(logits, new int[] {0, 1}, ten, 1, d));
            ten[5] = Float.NaN;
            expect(iae, "softmax", "softmaxCrossEntropy with a NaN class weight",
                    () -> b.softmaxCrossEntropy(logits, new int[] {5, 1}, ten, 1, d));
        }
    }

    static void closedTensors(Backend b) {
        Class<IllegalStateException> ise = IllegalStateException.class;
        try (Scope s = new Scope(b)) {
            Tensor x = s.zeros(Shape.of(1, 3, 6, 6)), w = s.zeros(Shape.of(2, 3, 3, 3)), y = s.zeros(Shape.of(1, 2, 4, 4));
            Tensor closed = b.allocate(Shape.of(1, 3, 6, 6));
            closed.close();
            expect(ise, "conv2d", "conv2dForward on a closed input",
                    () -> b.conv2dForward(closed, w, null, Conv2dSpec.of(1, 0), y));
            Tensor closedY = b.allocate(Shape.of(1, 2, 4, 4));
            closedY.close();
            expect(ise, "conv2d", "conv2dForward into a closed output",
                    () -> b.conv2dForward(x, w, null, Conv2dSpec.of(1, 0), closedY));
            expect(ise, "relu", "reluForward on a closed tensor", () -> b.reluForward(closed, closed));
            expect(ise, "pool2d", "pool2dForward on a closed input",
                    () -> b.pool2dForward(closed, Pool2dSpec.max(2, 2, 0), s.zeros(Shape.of(1, 3, 3, 3)), null));
            Tensor closedLogits = b.allocate(Shape.of(2, 4));
            closedLogits.close();
            expect(ise, "softmax", "softmaxCrossEntropy on closed logits",
                    () -> b.softmaxCrossEntropy(closedLogits, new int[] {0, 1}, 1, null));
            Tensor view = x.view(Shape.of(108));
            view.close();
            expect(ise, "fill", "fill of a closed view", () -> b.fill(view, 1));
        }
    }

    /**
     * Zero channels are refused by every backend alike (one divided by zero, another guarded, before
     * the checks were shared); a batch of zero samples does nothing; another backend's tensor is refused.
     */
    static void emptyAndForeign(Backend b) {
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        try (Scope s = new Scope(b)) {
            Shape none = Shape.of(0);
            expect(iae, "batchNorm", "batchNormForwardTraining on 0 channels",
                    () -> b.batchNormForwardTraining(s.zeros(Shape.of(2, 0, 3, 3)), s.zeros(none), s.zeros(none),
                            s.zeros(none), s.zeros(none), 0.1f, 1e-5f, s.zeros(Shape.of(2, 0, 3, 3)), s.zeros(none),
                            s.zeros(none)));
            expect(iae, "conv2d", "conv2dForward with 0 output channels",
                    () -> b.conv2dForward(s.zeros(Shape.of(1, 3, 4, 4)), s.zeros(Shape.of(0, 3, 3, 3)), null,
                            Conv2dSpec.of(1, 1), s.zeros(Shape.of(1, 0, 4, 4))));
            expect(iae, "pool2d", "pool2dForward on 0 channels",
                    () -> b.pool2dForward(s.zeros(Shape.of(1, 0, 4, 4)), Pool2dSpec.max(2, 2, 0),
                            s.zeros(Shape.of(1, 0, 2, 2)), null));

            Tensor y = s.tensor(Shape.of(0, 4, 4, 4), new double[0]);
            b.conv2dForward(s.zeros(Shape.of(0, 3, 4, 4)), s.zeros(Shape.of(4, 3, 3, 3)), null, Conv2dSpec.of(1, 1), y);
            Tensor dw = s.zeros(Shape.of(4, 3, 3, 3));
            b.conv2dBackwardWeights(s.zeros(Shape.of(0, 3, 4, 4)), y, Conv2dSpec.of(1, 1), dw, null);
            assertTrue(java.util.Arrays.equals(new float[108], dw.toArray()), "an empty batch adds nothing to dw");
            b.batchNormForwardInference(s.zeros(Shape.of(0, 3, 2, 2)), s.zeros(Shape.of(3)), s.zeros(Shape.of(3)),
                    s.zeros(Shape.of(3)), s.zeros(Shape.of(3)), 1e-5f, s.zeros(Shape.of(0, 3, 2, 2)));

            try (Backend other = ReferenceBackend.create(); Tensor foreign = other.allocate(Shape.of(4))) {
                expect(iae, "fill", "fill of another backend's tensor", () -> b.fill(foreign, 1f));
                expect(iae, "add", "add into another backend's tensor",
                        () -> b.add(s.zeros(Shape.of(4)), s.zeros(Shape.of(4)), foreign));
            }
        }
    }
}
