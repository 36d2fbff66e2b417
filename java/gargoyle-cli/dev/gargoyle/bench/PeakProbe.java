package dev.gargoyle.bench;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;

/**
 * Measures the ceilings the layers are compared with, through the same backend ops a model uses:
 * a square SGEMM through {@link Backend#linearForward} (oneDNN's matmul on the CPU, cuBLAS on
 * CUDA) and a large {@link Backend#copy}. At least one warm-up and three timed runs each.
 */
final class PeakProbe {
    private PeakProbe() {
    }

    static Peaks measure(Backend b, OpTimer timer, BenchSettings s, Progress progress) {
        int warmup = Math.max(1, s.warmup());
        int repeats = Math.max(3, s.repeats());
        int n = s.gemmSize();
        Timing gemm;
        try (Tensor x = b.allocate(Shape.of(n, n)); Tensor w = b.allocate(Shape.of(n, n));
             Tensor y = b.allocate(Shape.of(n, n))) {
            Fill.uniform(x, 21);
            Fill.uniform(w, 22);
            gemm = timer.time(() -> b.linearForward(x, w, null, y), warmup, repeats);
        }
        progress.step("peak SGEMM");
        long floats = s.copyBytes() / Float.BYTES;
        Timing copy;
        try (Tensor src = b.allocate(Shape.of(Math.toIntExact(floats)));
             Tensor dst = b.allocate(Shape.of(Math.toIntExact(floats)))) {
            // The copy's speed does not depend on the values; zero fills need no kernel on CUDA.
            b.fill(src, 0f);
            b.fill(dst, 0f);
            copy = timer.time(() -> b.copy(src, dst), warmup, repeats);
        }
        progress.step("peak copy");
        return new Peaks(n, gemm, floats * Float.BYTES, copy);
    }
}
