package dev.gargoyle.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.tensor.DropoutRandom;
import dev.gargoyle.tensor.HostBuffer;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The host-loop ops, on sizes on both sides of the two-thread split. */
class CpuHostOpsTest extends CpuBackendCase {
    private static final int LONG = 3 * Parallel.SPLIT_AT + 5;

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (i % 1000) * 0.01f - 3;
        }
        return v;
    }

    @Test
    void elementwiseOpsOnLongTensors() {
        float[] a = ramp(LONG);
        try (Tensor x = t(Shape.of(LONG), a); Tensor y = cpu.allocate(Shape.of(LONG));
             Tensor z = cpu.allocate(Shape.of(LONG))) {
            cpu.fill(y, 2);
            cpu.axpy(0.5f, x, y);
            cpu.add(x, y, z);
            cpu.scale(z, 2);
            float[] out = z.toArray();
            double sum = 0;
            for (int i = 0; i < LONG; i++) {
                assertEquals(2 * (a[i] + 2 + 0.5f * a[i]), out[i], 1e-4f, "element " + i);
                sum += (double) a[i] * a[i];
            }
            assertEquals(sum, cpu.sumOfSquares(x), sum * 1e-12);
            cpu.copy(x, y);
            assertArrayEquals(a, y.toArray());
        }
    }

    @Test
    void shortFillAndSumOfSquares() {
        try (Tensor x = t(Shape.of(3), 1, 2, 3)) {
            assertEquals(14.0, cpu.sumOfSquares(x));
            cpu.fill(x, -1);
            assertArrayEquals(new float[] {-1, -1, -1}, x.toArray());
        }
    }

    @Test
    void viewsCopyAtTheirOffset() {
        try (Tensor x = t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6); Tensor row = x.slice(3, Shape.of(3))) {
            float[] out = new float[5];
            cpu.copyToHost(row, out, 2);
            assertArrayEquals(new float[] {0, 0, 4, 5, 6}, out);
            cpu.copyFromHost(new float[] {9, 8, 7, 6}, 1, row);
            assertArrayEquals(new float[] {1, 2, 3, 8, 7, 6}, x.toArray());
            cpu.reluForward(row, row);
            cpu.scale(row, -1);
            assertArrayEquals(new float[] {1, 2, 3, -8, -7, -6}, x.toArray());
        }
    }

    @Test
    void dropoutDrawsFromTheSharedCounterStream() {
        float p = 0.3f;
        long seed = 42;
        float[] a = ramp(LONG);
        try (Tensor x = t(Shape.of(LONG), a); Tensor mask = cpu.allocate(x.shape()); Tensor y = cpu.allocate(x.shape());
             Tensor dx = cpu.allocate(x.shape())) {
            cpu.dropoutForward(x, p, seed, mask, y);
            cpu.dropoutBackward(x, mask, dx);
            float[] m = mask.toArray();
            float[] out = y.toArray();
            float[] grad = dx.toArray();
            int kept = 0;
            for (int i = 0; i < LONG; i++) {
                float expected = DropoutRandom.uniform(seed, i) >= p ? 1 / (1 - p) : 0;
                assertEquals(expected, m[i], "mask " + i);
                assertEquals(a[i] * expected, out[i], "y " + i);
                assertEquals(a[i] * expected, grad[i], "dx " + i);
                kept += expected > 0 ? 1 : 0;
            }
            assertEquals(0.7, (double) kept / LONG, 0.01);
        }
    }

    @Test
    void softmaxCrossEntropyOfKnownLogits() {
        // row 0: logits (0, ln 3) -> p = (1/4, 3/4), label 1: loss ln(4/3)
        // row 1: logits (5, 5)    -> p = (1/2, 1/2), label 0: loss ln 2
        try (Tensor logits = t(Shape.of(2, 2), 0, (float) Math.log(3), 5, 5); Tensor d = cpu.allocate(Shape.of(2, 2))) {
            double loss = cpu.softmaxCrossEntropy(logits, new int[] {1, 0}, 2f, d);
            assertEquals((Math.log(4.0 / 3) + Math.log(2)) / 2, loss, 1e-6);
            // gradScale 2, N 2: d = (p - onehot)
            assertArrayEquals(new float[] {0.25f, -0.25f, -0.5f, 0.5f}, d.toArray(), 1e-6f);
            assertEquals(loss, cpu.softmaxCrossEntropy(logits, new int[] {1, 0}, 1f, null), 1e-12);
        }
    }

    @Test
    void sgdWithMomentumWeightDecayAndNesterov() {
        // p = 1, g = 0.5, wd = 0.1 -> g' = 0.6; v = 0.9·1 + 0.6 = 1.5
        // plain momentum: p = 1 - 0.1·1.5 = 0.85; Nesterov: g = 0.6 + 0.9·1.5 = 1.95 -> p = 0.805
        try (Tensor p = t(Shape.of(2), 1, 1); Tensor g = t(Shape.of(2), 0.5f, 0.5f); Tensor v = t(Shape.of(2), 1, 1)) {
            cpu.sgdStep(p.slice(0, Shape.of(1)), g.slice(0, Shape.of(1)), v.slice(0, Shape.of(1)), 0.1f, 0.9f, 0.1f, false);
            cpu.sgdStep(p.slice(1, Shape.of(1)), g.slice(1, Shape.of(1)), v.slice(1, Shape.of(1)), 0.1f, 0.9f, 0.1f, true);
            assertArrayEquals(new float[] {0.85f, 0.805f}, p.toArray(), 1e-6f);
            assertArrayEquals(new float[] {1.5f, 1.5f}, v.toArray(), 1e-6f);
        }
        try (Tensor p = t(Shape.of(1), 2); Tensor g = t(Shape.of(1), 1)) {
            cpu.sgdStep(p, g, null, 0.5f, 0f, 0f, false);
            assertArrayEquals(new float[] {1.5f}, p.toArray());
        }
    }

    @Test
    void adamFirstStepMovesByLearningRate() {
        // step 1: m̂ = g, v̂ = g², so the update is lr·g/(|g| + eps) ≈ lr·sign(g)
        try (Tensor p = t(Shape.of(2), 1, 1); Tensor g = t(Shape.of(2), 0.5f, -2); Tensor m = cpu.allocate(p.shape());
             Tensor v = cpu.allocate(p.shape())) {
            cpu.adamStep(p, g, m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 1);
            assertArrayEquals(new float[] {0.9f, 1.1f}, p.toArray(), 1e-6f);
            assertArrayEquals(new float[] {0.05f, -0.2f}, m.toArray(), 1e-7f);
            // 1 - 0.999f is 0.00099999 in float arithmetic, so v is within 2e-5 relative of (1 - β2)·g²
            assertArrayEquals(new float[] {0.00025f, 0.004f}, v.toArray(), 1e-7f);
        }
    }

    @Test
    void adamWDecaysParametersAndAdamAddsL2() {
        // AdamW: p = 1·(1 - 0.1·0.5) = 0.95, then -0.1·sign(g) with g = 1 -> 0.85
        // Adam L2: g = 1 + 0.5·1 = 1.5 -> p = 1 - 0.1 = 0.9
        try (Tensor p = t(Shape.of(1), 1); Tensor g = t(Shape.of(1), 1); Tensor m = cpu.allocate(p.shape());
             Tensor v = cpu.allocate(p.shape())) {
            cpu.adamStep(p, g, m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f, true, 1);
            assertArrayEquals(new float[] {0.85f}, p.toArray(), 1e-6f);
            cpu.fill(p, 1);
            cpu.fill(m, 0);
            cpu.fill(v, 0);
            cpu.adamStep(p, g, m, v, 0.1f, 0.9f, 0.999f, 1e-8f, 0.5f, false, 1);
            assertArrayEquals(new float[] {0.9f}, p.toArray(), 1e-6f);
            assertArrayEquals(new float[] {0.15f}, m.toArray(), 1e-7f);
        }
    }

    @Test
    void adamLaterStepUsesBiasCorrection() {
        // step 2 from m = 0.1, v = 0.001 with g = 1: m = 0.19, v = 0.001999,
        // m̂ = 0.19/0.19 = 1, v̂ = 0.001999/0.001999 = 1 -> p -= lr
        try (Tensor p = t(Shape.of(1), 0); Tensor g = t(Shape.of(1), 1); Tensor m = t(Shape.of(1), 0.1f);
             Tensor v = t(Shape.of(1), 0.001f)) {
            cpu.adamStep(p, g, m, v, 0.01f, 0.9f, 0.999f, 0f, 0f, false, 2);
            assertArrayEquals(new float[] {-0.01f}, p.toArray(), 1e-6f);
        }
    }

    @Test
    void imagesBecomeNormalisedPlanes() {
        // one 1x2 image, pixels (R,G,B) = (0, 51, 255), (255, 102, 0)
        try (HostBuffer pixels = cpu.allocateHostBuffer(6); Tensor dst = cpu.allocate(Shape.of(1, 3, 1, 2))) {
            byte[] raw = {0, 51, (byte) 255, (byte) 255, 102, 0};
            pixels.buffer().put(0, raw);
            cpu.imagesToTensor(pixels, 1, 1, 2, new float[] {0, 0.2f, 0.5f}, new float[] {1, 0.2f, 0.5f}, dst);
            assertArrayEquals(new float[] {0, 1, 0, 1, 1, -1}, dst.toArray(), 1e-6f);
        }
    }

    @Test
    void allocationsAreZeroedAndCounted() {
        long before = cpu.memoryInUse();
        try (Tensor x = cpu.allocate(Shape.of(1000))) {
            assertTrue(cpu.memoryInUse() >= before + 4000);
            for (float f : x.toArray()) {
                assertEquals(0f, f);
            }
        }
        assertEquals(before, cpu.memoryInUse());
    }
}
