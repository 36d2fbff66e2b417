package dev.gargoyle.cpu;

import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx2;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx512_core;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx512_core_amx;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx512_core_bf16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.reference.Conv2dRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.BackendOptions;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Random;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * bf16 convolutions: each pass against the float64 reference within bfloat16's precision (8
 * mantissa bits in the products, FP32 sums), and measurably not the FP32 result, so bf16 is really
 * used; and the refusal on CPUs without AVX-512 BF16.
 */
class Bf16ConvolutionTest {
    private static final Shape X = Shape.of(4, 32, 12, 12);
    private static final Shape W = Shape.of(64, 32, 3, 3);
    private static final Conv2dSpec SPEC = Conv2dSpec.of(1, 1);

    @Test
    void onlyCpusWithAvx512Bf16OrAmxRunIt() {
        Loader.load(dnnl.class);
        assertEquals("bf16 convolutions need a CPU with AVX-512 BF16 or AMX; oneDNN runs at AVX2 (avx2) here",
                CpuInfo.bf16Refusal(dnnl_cpu_isa_avx2, "AVX2 (avx2)"));
        assertTrue(CpuInfo.bf16Refusal(dnnl_cpu_isa_avx512_core, "AVX-512 (avx512_core)") != null);
        assertNull(CpuInfo.bf16Refusal(dnnl_cpu_isa_avx512_core_bf16, "x"));
        assertNull(CpuInfo.bf16Refusal(dnnl_cpu_isa_avx512_core_amx, "x"));
    }

    private static float[] random(Shape s, Random r) {
        float[] v = new float[Math.toIntExact(s.numel())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    static double[] doubles(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    /** Largest error over the largest reference magnitude. */
    static double error(double[] ref, float[] got) {
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(ref[i] - got[i]));
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return worst / scale;
    }

    /** The three passes' outputs (y, dx, dw) on a backend. */
    private static float[][] passes(BackendOptions options, float[] x, float[] w, float[] dy) {
        Shape ys = SPEC.outputShape("test", X, W);
        try (Backend b = Backends.create(Device.cpu(), options);
             Tensor xt = b.allocate(X).copyFrom(x); Tensor wt = b.allocate(W).copyFrom(w);
             Tensor dyt = b.allocate(ys).copyFrom(dy); Tensor y = b.allocate(ys); Tensor dx = b.allocate(X);
             Tensor dw = b.allocate(W)) {
            b.conv2dForward(xt, wt, null, SPEC, y);
            b.conv2dBackwardData(dyt, wt, SPEC, dx);
            b.conv2dBackwardWeights(xt, dyt, SPEC, dw, null);
            return new float[][] {y.toArray(), dx.toArray(), dw.toArray()};
        }
    }

    @Test
    void eachPassMatchesTheReferenceWithinBfloat16AndDiffersFromFp32() {
        Loader.load(dnnl.class);
        Assumptions.assumeTrue(CpuInfo.bf16Refusal() == null, CpuInfo.bf16Refusal());
        Random r = new Random(3);
        Shape ys = SPEC.outputShape("test", X, W);
        float[] x = random(X, r);
        float[] w = random(W, r);
        float[] dy = random(ys, r);
        float[][] bf16 = passes(BackendOptions.defaults().withBf16(true), x, w, dy);
        float[][] fp32 = passes(BackendOptions.defaults(), x, w, dy);
        double[][] ref = {
            Conv2dRef.forward(doubles(x), X, doubles(w), W, null, SPEC),
            Conv2dRef.backwardData(doubles(dy), doubles(w), W, SPEC, X),
            Conv2dRef.backwardWeights(doubles(x), X, doubles(dy), SPEC, W)};
        String[] names = {"forward", "backward data", "backward weights"};
        for (int p = 0; p < 3; p++) {
            double bf16Error = error(ref[p], bf16[p]);
            double fp32Error = error(ref[p], fp32[p]);
            assertTrue(bf16Error < 1e-2, names[p] + ": bf16 error " + bf16Error);
            assertTrue(bf16Error > 10 * fp32Error, names[p] + ": bf16 error " + bf16Error + " is not above FP32's "
                    + fp32Error + ": were the products taken in bf16?");
        }
    }
}
