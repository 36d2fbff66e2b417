package dev.gargoyle.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gargoyle.reference.ReferenceBackend;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelTest {
    private static Backend backend;

    @BeforeAll
    static void open() {
        backend = ReferenceBackend.create();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static float[] randn(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** A net without kinks (no ReLU, no max), so central differences are accurate. */
    private static Sequential smoothNet() {
        return new Sequential(new Conv2d(3, 4, 3, 1, 1), new BatchNorm2d(4), new AvgPool2d(2, 2), new Flatten(),
                new Linear(4 * 4 * 4, 5));
    }

    private static double loss(Model m, Tensor x, int[] labels) {
        return backend.softmaxCrossEntropy(m.forward(x), labels, 1f, null);
    }

    @Test
    void backwardMatchesFiniteDifferencesOfTheLoss() {
        int[] labels = {1, 4, 0};
        try (Model m = new Model(smoothNet(), backend, 11, Shape.of(3, 8, 8));
             Tensor x = backend.allocate(Shape.of(3, 3, 8, 8));
             Tensor dl = backend.allocate(Shape.of(3, 5))) {
            x.copyFrom(randn(3 * 192, 5));
            m.zeroGrad();
            backend.softmaxCrossEntropy(m.forward(x), labels, 1f, dl);
            Tensor dx = m.backward(dl, true);
            float[] grads = m.flatGradients().toArray();
            float[] inputGrad = dx.toArray();
            float[] params = m.flatParameters().toArray();
            Random pick = new Random(3);
            for (Model.Slot s : m.slots()) {
                for (int t = 0; t < 4; t++) {
                    int i = (int) (s.offset() + pick.nextInt((int) s.length()));
                    double fd = centralDifference(m, x, labels, params, i);
                    assertEquals(fd, grads[i], 2e-3 + 3e-2 * Math.abs(fd), s.name() + "[" + (i - s.offset()) + "]");
                }
            }
            float[] xs = x.toArray();
            for (int t = 0; t < 6; t++) {
                int i = pick.nextInt(xs.length);
                float keep = xs[i];
                xs[i] = keep + 1e-2f;
                x.copyFrom(xs);
                double up = loss(m, x, labels);
                xs[i] = keep - 1e-2f;
                x.copyFrom(xs);
                double down = loss(m, x, labels);
                xs[i] = keep;
                x.copyFrom(xs);
                double fd = (up - down) / 2e-2;
                assertEquals(fd, inputGrad[i], 2e-3 + 3e-2 * Math.abs(fd), "input[" + i + "]");
            }
        }
    }

    private static double centralDifference(Model m, Tensor x, int[] labels, float[] params, int i) {
        float keep = params[i];
        float h = 1e-2f;
        params[i] = keep + h;
        m.flatParameters().copyFrom(params);
        double up = loss(m, x, labels);
        params[i] = keep - h;
        m.flatParameters().copyFrom(params);
        double down = loss(m, x, labels);
        params[i] = keep;
        m.flatParameters().copyFrom(params);
        return (up - down) / (2 * h);
    }

    @Test
    void hooksSeeOutputsAndOutputGradientsAndCanBeRemoved() throws Exception {
        try (Model m = new Model(smoothNet(), backend, 2, Shape.of(3, 8, 8));
             Tensor x = backend.allocate(Shape.of(2, 3, 8, 8));
             Tensor dl = backend.allocate(Shape.of(2, 5))) {
            x.copyFrom(randn(384, 9));
            Module conv = m.module("0");
            List<float[]> seen = new ArrayList<>();
            AutoCloseable f = conv.addForwardHook((mod, out) -> seen.add(out.toArray()));
            AutoCloseable b = m.module("2").addBackwardHook((mod, g) -> seen.add(g.toArray()));
            backend.softmaxCrossEntropy(m.forward(x), new int[] {0, 1}, 1f, dl);
            Tensor dx = m.backward(dl, false);
            assertNull(dx);
            assertEquals(2, seen.size());
            assertEquals(2 * 4 * 8 * 8, seen.get(0).length);
            assertEquals(2 * 4 * 4 * 4, seen.get(1).length, "gradient of the pooling output");
            f.close();
            b.close();
            m.forward(x);
            assertEquals(2, seen.size(), "removed hooks are not called");
        }
    }

}
