package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaDeviceSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaErrorInvalidDevice;
import static org.bytedeco.cuda.global.cudart.cudaGetLastError;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamCreate;
import static org.bytedeco.cuda.global.cudart.cudaStreamDestroy;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.tensor.DropoutRandom;
import dev.gargoyle.testing.GpuTest;
import java.util.SplittableRandom;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.junit.jupiter.api.Test;

/**
 * Our CUDA kernels on a real GPU against plain float64 Java loops (softmax cross-entropy, sum of
 * squares) or exact float Java arithmetic (elementwise, dropout, the optimizers, images).
 * Runs only where CUDA is usable ({@link GpuTest}); without kernels in the build it fails, naming why.
 */
@GpuTest
class KernelsGpuTest {
    /** Past 65535 blocks of 256 threads, so the grid-stride loops take more than one lap. */
    private static final int LARGE = 65535 * 256 * 2 + 12345;

    private static float[] randomFloats(int n, long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    private static void sync() {
        GpuBuffer.check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    }

    @Test
    void fillMulAddMatchJavaFloatArithmeticOnAStream() {
        float[] a = randomFloats(LARGE, 1, 10);
        float[] b = randomFloats(LARGE, 2, 10);
        CUstream_st stream = new CUstream_st();
        GpuBuffer.check(cudaStreamCreate(stream), "cudaStreamCreate");
        try (GpuBuffer da = GpuBuffer.of(a); GpuBuffer db = GpuBuffer.of(b); GpuBuffer out = GpuBuffer.floats(LARGE)) {
            KernelLibrary.check(Kernels.gg_fill(out.asFloats(), LARGE, 2.5f, stream), "gg_fill");
            GpuBuffer.check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
            float[] filled = out.toFloats();
            for (int i = 0; i < LARGE; i += 997) {
                assertEquals(2.5f, filled[i], "fill at " + i);
            }
            assertEquals(2.5f, filled[LARGE - 1], "fill at the last element");
            KernelLibrary.check(Kernels.gg_mul(da.asFloats(), db.asFloats(), out.asFloats(), LARGE, stream), "gg_mul");
            GpuBuffer.check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
            float[] product = out.toFloats();
            // In place, as dropout backward uses it: a = a + b.
            KernelLibrary.check(Kernels.gg_add(da.asFloats(), db.asFloats(), da.asFloats(), LARGE, stream), "gg_add");
            GpuBuffer.check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
            float[] sum = da.toFloats();
            for (int i = 0; i < LARGE; i++) {
                if (product[i] != a[i] * b[i] || sum[i] != a[i] + b[i]) {
                    throw new AssertionError("at " + i + ": mul " + product[i] + " vs " + a[i] * b[i] + ", add "
                            + sum[i] + " vs " + (a[i] + b[i]));
                }
            }
        } finally {
            GpuBuffer.check(cudaStreamDestroy(stream), "cudaStreamDestroy");
        }
    }

    /**
     * An earlier call's non-sticky error, still set in the runtime, is not blamed on the next launch:
     * the launcher clears it first, and the launch succeeds.
     */
    @Test
    void anEarlierErrorIsNotReportedByTheNextLaunch() {
        try (GpuBuffer out = GpuBuffer.floats(4)) {
            assertEquals(cudaErrorInvalidDevice, cudaSetDevice(1 << 20), "a non-sticky error left set");
            assertEquals(0, Kernels.gg_fill(out.asFloats(), 4, 1f, null), "gg_fill after an unrelated error");
            assertEquals(0, cudaGetLastError(), "no error left set after a good launch");
            sync();
            assertEquals(1f, out.toFloats()[3]);
        }
    }

    /**
     * A failed launch leaves its error set; the check names it and clears it. This also proves the
     * kernels and the JavaCPP binding share one CUDA runtime (one per-thread error), which the
     * naming relies on.
     */
    @Test
    void aFailedLaunchIsNamedByTheRuntimesErrorAndCleared() {
        assertEquals(cudaErrorInvalidDevice, cudaSetDevice(1 << 20), "the error a failed launch would leave");
        CudaException e = assertThrows(CudaException.class,
                () -> KernelLibrary.check(KernelLibrary.GG_LAUNCH_FAILED, "gg_fill"));
        assertEquals("gg_fill failed: kernel launch failed (gg status 2): cudaErrorInvalidDevice (invalid device "
                + "ordinal)", e.getMessage());
        assertEquals(0, cudaGetLastError(), "the check cleared the error");
    }

    @Test
    void sumOfSquaresIsAccumulatedInDouble() {
        float[] x = randomFloats(LARGE, 3, 3);
        double want = 0;
        for (float v : x) {
            want += (double) v * v;
        }
        try (GpuBuffer dx = GpuBuffer.of(x); GpuBuffer result = GpuBuffer.ofDouble(123.0)) {
            KernelLibrary.check(Kernels.gg_sum_of_squares(dx.asFloats(), LARGE, result.asDouble(), null),
                    "gg_sum_of_squares");
            sync();
            assertEquals(want, result.toDouble(), want * 1e-12);
            // n = 0 still overwrites the old result with 0.
            KernelLibrary.check(Kernels.gg_sum_of_squares(dx.asFloats(), 0, result.asDouble(), null),
                    "gg_sum_of_squares");
            sync();
            assertEquals(0.0, result.toDouble());
        }
    }

    @Test
    void softmaxCrossEntropyMatchesFloat64Reference() {
        int n = 37;
        for (int k : new int[] {1, 10, 33, 1000}) {
            float[] logits = randomFloats(n * k, 4 + k, 30);
            for (int j = 0; j < k; j++) {
                logits[j] += 1000f; // row 0 would overflow a naive exp
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = (i * 7 + 3) % k;
            }
            float gradScale = 0.5f;
            try (GpuBuffer dl = GpuBuffer.of(logits); GpuBuffer dlab = GpuBuffer.of(labels);
                 GpuBuffer loss = GpuBuffer.floats(n); GpuBuffer grad = GpuBuffer.floats((long) n * k)) {
                KernelLibrary.check(Kernels.gg_softmax_cross_entropy(dl.asFloats(), dlab.asInts(), n, k, gradScale,
                        loss.asFloats(), grad.asFloats(), null), "gg_softmax_cross_entropy");
                sync();
                float[] gotLoss = loss.toFloats();
                float[] gotGrad = grad.toFloats();
                for (int i = 0; i < n; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < k; j++) {
                        max = Math.max(max, logits[i * k + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < k; j++) {
                        sum += Math.exp(logits[i * k + j] - max);
                    }
                    double wantLoss = Math.log(sum) - (logits[i * k + labels[i]] - max);
                    assertEquals(wantLoss, gotLoss[i], 1e-5 * Math.max(1, wantLoss), "loss k=" + k + " row " + i);
                    for (int j = 0; j < k; j++) {
                        double p = Math.exp(logits[i * k + j] - max) / sum;
                        double want = gradScale * (p - (j == labels[i] ? 1 : 0)) / n;
                        assertEquals(want, gotGrad[i * k + j], 1e-7, "dlogits k=" + k + " [" + i + "," + j + "]");
                    }
                }
                // Without dlogits only the loss is written; a bad label poisons its own row only.
                labels[5] = k;
                try (GpuBuffer badLabels = GpuBuffer.of(labels)) {
                    KernelLibrary.check(Kernels.gg_softmax_cross_entropy(dl.asFloats(), badLabels.asInts(), n, k,
                            gradScale, loss.asFloats(), null, null), "gg_softmax_cross_entropy");
                    sync();
                    float[] again = loss.toFloats();
                    assertTrue(Float.isNaN(again[5]), "label out of range gives NaN");
                    assertEquals(gotLoss[4], again[4], "other rows untouched by the bad label");
                }
            }
        }
    }

    @Test
    void dropoutMaskIsBitForBitDropoutRandom() {
        float p = 0.3f;
        long seed = 0x1234_5678_9ABCL;
        float[] x = randomFloats(LARGE, 5, 4);
        try (GpuBuffer dx = GpuBuffer.of(x); GpuBuffer mask = GpuBuffer.floats(LARGE); GpuBuffer y = GpuBuffer.floats(LARGE)) {
            KernelLibrary.check(Kernels.gg_dropout_forward(dx.asFloats(), p, seed, mask.asFloats(), y.asFloats(), LARGE,
                    null), "gg_dropout_forward");
            sync();
            float[] gotMask = mask.toFloats();
            float[] gotY = y.toFloats();
            float keep = 1f / (1f - p);
            int kept = 0;
            for (int i = 0; i < LARGE; i++) {
                float want = DropoutRandom.uniform(seed, i) >= p ? keep : 0f;
                if (Float.floatToRawIntBits(gotMask[i]) != Float.floatToRawIntBits(want)
                        || Float.floatToRawIntBits(gotY[i]) != Float.floatToRawIntBits(x[i] * want)) {
                    throw new AssertionError("element " + i + ": mask " + gotMask[i] + " vs " + want + ", y " + gotY[i]
                            + " vs " + x[i] * want);
                }
                kept += want != 0 ? 1 : 0;
            }
            assertEquals(0.7, kept / (double) LARGE, 0.001, "fraction kept");
        }
    }

    /** Fails at the first element whose bits differ from Java's float arithmetic. */
    private static void assertSameBits(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                throw new AssertionError(what + " at " + i + ": " + got[i] + " on the GPU, " + want[i] + " in Java");
            }
        }
    }

    /** torch.optim.SGD's formula in Java floats, each product and sum rounded on its own, as the CPU backend computes it. */
    @Test
    void sgdRoundsAsJavaFloatArithmetic() {
        int n = 100_003;
        float lr = 0.05f;
        float momentum = 0.9f;
        float wd = 1e-3f;
        for (int nesterov = 0; nesterov <= 1; nesterov++) {
            float[] w = randomFloats(n, 6, 1);
            float[] v = new float[n];
            try (GpuBuffer dw = GpuBuffer.of(w); GpuBuffer dv = GpuBuffer.of(v)) {
                for (int step = 0; step < 3; step++) {
                    float[] g = randomFloats(n, 100 + step, 1);
                    try (GpuBuffer dg = GpuBuffer.of(g)) {
                        KernelLibrary.check(Kernels.gg_sgd_step(dw.asFloats(), dg.asFloats(), dv.asFloats(), n, lr,
                                momentum, wd, nesterov, null), "gg_sgd_step");
                        sync();
                    }
                    for (int i = 0; i < n; i++) {
                        float d = g[i] + wd * w[i];
                        v[i] = momentum * v[i] + d;
                        d = nesterov == 1 ? d + momentum * v[i] : v[i];
                        w[i] = w[i] - lr * d;
                    }
                }
                String what = "sgd nesterov=" + nesterov;
                assertSameBits(what + " param", w, dw.toFloats());
                assertSameBits(what + " velocity", v, dv.toFloats());
            }
        }
    }

    /**
     * torch.optim.Adam's and AdamW's formula in Java floats, with the per-step scalars folded in
     * double as torch folds them, as the CPU backend computes it.
     */
    @Test
    void adamAndAdamWRoundAsJavaFloatArithmetic() {
        int n = 100_003;
        float lr = 1e-3f;
        float b1 = 0.9f;
        float b2 = 0.999f;
        float eps = 1e-8f;
        float wd = 1e-2f;
        for (int decoupled = 0; decoupled <= 1; decoupled++) {
            float[] w = randomFloats(n, 7, 1);
            float[] m = new float[n];
            float[] v = new float[n];
            try (GpuBuffer dw = GpuBuffer.of(w); GpuBuffer dm = GpuBuffer.of(m); GpuBuffer dv = GpuBuffer.of(v)) {
                for (int step = 1; step <= 3; step++) {
                    float[] g = randomFloats(n, 200 + step, 1);
                    float stepSize = (float) (lr / (1 - Math.pow(b1, step)));
                    float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(b2, step));
                    try (GpuBuffer dg = GpuBuffer.of(g)) {
                        KernelLibrary.check(Kernels.gg_adam_step(dw.asFloats(), dg.asFloats(), dm.asFloats(),
                                dv.asFloats(), n, lr, b1, b2, eps, wd, decoupled, stepSize, bc2Sqrt, null),
                                "gg_adam_step");
                        sync();
                    }
                    for (int i = 0; i < n; i++) {
                        float grad = g[i];
                        if (decoupled == 1) {
                            w[i] = w[i] * (1 - lr * wd);
                        } else {
                            grad = grad + wd * w[i];
                        }
                        m[i] = m[i] + (1 - b1) * (grad - m[i]);
                        v[i] = b2 * v[i] + (1 - b2) * grad * grad;
                        float denom = (float) Math.sqrt(v[i]) / bc2Sqrt + eps;
                        w[i] = w[i] - stepSize * (m[i] / denom);
                    }
                }
                String what = decoupled == 1 ? "adamw" : "adam";
                assertSameBits(what + " param", w, dw.toFloats());
                assertSameBits(what + " m", m, dm.toFloats());
                assertSameBits(what + " v", v, dv.toFloats());
            }
        }
    }

    @Test
    void imagesToNchwMatchesJavaFloatArithmetic() {
        int n = 3;
        int h = 17;
        int w = 23;
        byte[] hwc = new byte[n * h * w * 3];
        new SplittableRandom(8).nextBytes(hwc);
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        try (GpuBuffer src = GpuBuffer.of(hwc); GpuBuffer dst = GpuBuffer.floats((long) n * 3 * h * w);
             org.bytedeco.javacpp.FloatPointer m = new org.bytedeco.javacpp.FloatPointer(mean);
             org.bytedeco.javacpp.FloatPointer s = new org.bytedeco.javacpp.FloatPointer(std)) {
            KernelLibrary.check(Kernels.gg_images_to_nchw(src.asBytes(), n, h, w, m, s, dst.asFloats(), null),
                    "gg_images_to_nchw");
            sync();
            float[] got = dst.toFloats();
            for (int img = 0; img < n; img++) {
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            int pixel = hwc[((img * h + y) * w + x) * 3 + c] & 0xff;
                            float want = (pixel / 255f - mean[c]) / std[c];
                            assertEquals(want, got[((img * 3 + c) * h + y) * w + x],
                                    "image " + img + " channel " + c + " at (" + y + "," + x + ")");
                        }
                    }
                }
            }
        }
    }
}
