package dev.gargoyle.bench;

import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.SplittableRandom;

/** Seeded random contents for benchmark tensors, uploaded in chunks so large tensors need no large heap arrays. */
final class Fill {
    private static final int CHUNK = 1 << 20;

    private Fill() {
    }

    /** Values uniform in {@code [lo, hi)}. */
    static Tensor uniform(Tensor t, long seed, float lo, float hi) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] chunk = new float[(int) Math.min(CHUNK, t.numel())];
        for (long done = 0; done < t.numel(); done += chunk.length) {
            int n = (int) Math.min(chunk.length, t.numel() - done);
            for (int i = 0; i < n; i++) {
                chunk[i] = lo + (hi - lo) * (float) random.nextDouble();
            }
            try (Tensor part = t.slice(done, Shape.of(n))) {
                t.backend().copyFromHost(chunk, 0, part);
            }
        }
        return t;
    }

    /**
     * Every element {@code value}, uploaded like the random values: {@code Backend.fill} with a
     * non-zero value needs our CUDA kernels, which the layer benchmark otherwise does without.
     */
    static Tensor constant(Tensor t, float value) {
        float[] chunk = new float[(int) Math.min(CHUNK, t.numel())];
        java.util.Arrays.fill(chunk, value);
        for (long done = 0; done < t.numel(); done += chunk.length) {
            int n = (int) Math.min(chunk.length, t.numel() - done);
            try (Tensor part = t.slice(done, Shape.of(n))) {
                t.backend().copyFromHost(chunk, 0, part);
            }
        }
        return t;
    }

    /** Values uniform in {@code [-1, 1)}. */
    static Tensor uniform(Tensor t, long seed) {
        return uniform(t, seed, -1f, 1f);
    }
}
