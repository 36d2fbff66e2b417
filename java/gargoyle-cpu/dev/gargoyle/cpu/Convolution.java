package dev.gargoyle.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.spi.NativeTensor;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * oneDNN convolution, forward and both backward passes side by side. Each plan lets oneDNN pick
 * its layouts ({@code format_tag any}, usually blocked like nChw16c), takes x and dy in the layout
 * they are in (nchw, or blocked as {@link Layouts} keeps them), reorders only where the pick
 * differs, and writes y and dx in the channel-blocked layout when that is the pick, else nchw.
 */
final class Convolution {
    private Convolution() {
    }

    /**
     * Shapes and geometry, in oneDNN's terms (dilation 0 = dense, right padding to fit exactly), and
     * whether the products are taken in bfloat16: then the inputs of each pass (x, w, dy) are
     * bfloat16 (converted on their way in unless they are already), activations written (y, dx)
     * are bfloat16 too, and the weight gradient stays FP32, accumulated in FP32.
     */
    record Geometry(Shape x, Shape w, Conv2dSpec spec, boolean bf16) {
        Shape y() {
            return spec.outputShape("conv2d", x, w);
        }

        long[] src() {
            return longs(x.dims());
        }

        long[] dst() {
            return longs(y().dims());
        }

        /** [K, C/g, R, S], or [g, K/g, C/g, R, S] with groups: the same bytes as PyTorch's weight. */
        long[] weights() {
            int g = spec.groups();
            return g == 1 ? longs(w.dims())
                    : new long[] {g, w.dim(0) / g, w.dim(1), w.dim(2), w.dim(3)};
        }

        long[] bias() {
            return new long[] {w.dim(0)};
        }

        long[] strides() {
            return new long[] {spec.strideH(), spec.strideW()};
        }

        long[] dilates() {
            return new long[] {spec.dilationH() - 1, spec.dilationW() - 1};
        }

        long[] padL() {
            return new long[] {spec.padH(), spec.padW()};
        }

        long[] padR() {
            Shape out = y();
            return new long[] {
                rightPad(x.dim(2), w.dim(2), out.dim(2), spec.strideH(), spec.padH(), spec.dilationH()),
                rightPad(x.dim(3), w.dim(3), out.dim(3), spec.strideW(), spec.padW(), spec.dilationW())};
        }

        /** The data type a pass's inputs are multiplied in. */
        int products() {
            return bf16 ? dnnl_bf16 : dnnl_f32;
        }

        /** Forward descriptor with every tensor left to oneDNN (the hint the backward passes need). */
        int forward(PlanBuilder b, dnnl_primitive_desc pd, dnnl_memory_desc bias,
                    dnnl_primitive_attr attr) {
            return dnnl_convolution_forward_primitive_desc_create(pd, b.ctx.engine, dnnl_forward_training,
                    dnnl_convolution_direct, b.any(products(), src()), b.any(products(), weights()), bias,
                    b.any(products(), dst()), strides(), dilates(), padL(), padR(), attr);
        }
    }

    /**
     * The padding after the last window that makes oneDNN's size check hold: PyTorch floors, so the
     * last rows of the padded input may be unused; never negative, never more than PyTorch's pad.
     */
    static long rightPad(int in, int kernel, int out, int stride, int pad, int dilation) {
        long effective = (long) dilation * (kernel - 1) + 1;
        return Math.max(0, (long) (out - 1) * stride + effective - in - pad);
    }

    static long[] longs(int[] dims) {
        long[] out = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = dims[i];
        }
        return out;
    }

    // ---- forward: y = conv(x, w) + bias ---------------------------------------------------------

    /** {@code xTag}: the layout x is in (see {@link Layouts}). */
    record ForwardKey(Geometry g, boolean bias, int xTag) implements PlanCache.Key<Forward> {
        @Override
        public Forward build(DnnlContext ctx) {
            return new Forward(ctx, this);
        }
    }

    static final class Forward implements Resource {
        private final Plan plan;
        private final DnnlMemory x;
        private final DnnlMemory w;
        private final DnnlMemory bias;
        private final DnnlMemory y;
        /** The layout y is written in. */
        final int yTag;

        Forward(DnnlContext ctx, ForwardKey key) {
            Geometry g = key.g();
            PlanBuilder b = new PlanBuilder(ctx);
            try {
                dnnl_memory_desc biasMd = key.bias() ? b.plain(g.bias()) : null;
                Primitive conv = b.primitive("dnnl_convolution_forward_primitive_desc_create", false,
                        (pd, attr) -> g.forward(b, pd, biasMd, attr));
                PlanBuilder.Port px = b.input(b.tagged(key.xTag(), g.src()), conv.md(dnnl_query_src_md));
                PlanBuilder.Port pw = b.input(b.plain(g.weights()), conv.md(dnnl_query_weights_md));
                PlanBuilder.Kept ky = b.outputKeeping(conv.md(dnnl_query_dst_md), g.dst());
                PlanBuilder.Port py = ky.port();
                yTag = ky.tag();
                if (biasMd != null) {
                    bias = b.user(biasMd);
                    b.step(conv.args(DNNL_ARG_SRC, px.inner(), DNNL_ARG_WEIGHTS, pw.inner(),
                            DNNL_ARG_BIAS, bias, DNNL_ARG_DST, py.inner()));
                } else {
                    bias = null;
                    b.step(conv.args(DNNL_ARG_SRC, px.inner(), DNNL_ARG_WEIGHTS, pw.inner(), DNNL_ARG_DST, py.inner()));
                }
                x = px.user();
                w = pw.user();
                y = py.user();
                plan = b.build();
            } catch (RuntimeException e) {
                b.abandon();
                throw e;
            }
        }

        void run(NativeTensor xt, NativeTensor wt, NativeTensor bt, NativeTensor yt) {
            x.bind(xt);
            w.bind(wt);
            if (bias != null) {
                bias.bind(bt);
            }
            y.bind(yt);
            plan.execute();
        }

        @Override
        public void close() {
            plan.close();
        }
    }

    // ---- backward data: dx = conv_backward_data(dy, w), overwritten ------------------------------

    record BackwardDataKey(Geometry g, int dyTag) implements PlanCache.Key<BackwardData> {
        @Override
        public BackwardData build(DnnlContext ctx) {
            return new BackwardData(ctx, this);
        }
    }

    static final class BackwardData implements Resource {
        private final Plan plan;
        private final DnnlMemory dy;
        private final DnnlMemory w;
        private final DnnlMemory dx;
        /** The layout dx is written in. */
        final int dxTag;

        BackwardData(DnnlContext ctx, BackwardDataKey key) {
            Geometry g = key.g();
            PlanBuilder b = new PlanBuilder(ctx);
            try {
                dnnl_primitive_desc hint = b.hint("dnnl_convolution_forward_primitive_desc_create",
                        (pd, attr) -> g.forward(b, pd, null, attr));
                Primitive conv = b.primitive("dnnl_convolution_backward_data_primitive_desc_create", false,
                        (pd, attr) -> dnnl_convolution_backward_data_primitive_desc_create(pd, ctx.engine,
                                dnnl_convolution_direct, b.any(g.products(), g.src()),
                                b.any(g.products(), g.weights()), b.any(g.products(), g.dst()),
                                g.strides(), g.dilates(), g.padL(), g.padR(), hint, attr));
                PlanBuilder.Port pdy = b.input(b.tagged(key.dyTag(), g.dst()), conv.md(dnnl_query_diff_dst_md));
                PlanBuilder.Port pw = b.input(b.plain(g.weights()), conv.md(dnnl_query_weights_md));
                PlanBuilder.Kept kdx = b.outputKeeping(conv.md(dnnl_query_diff_src_md), g.src());
                PlanBuilder.Port pdx = kdx.port();
                dxTag = kdx.tag();
                b.step(conv.args(DNNL_ARG_DIFF_DST, pdy.inner(), DNNL_ARG_WEIGHTS, pw.inner(),
                        DNNL_ARG_DIFF_SRC, pdx.inner()));
                dy = pdy.user();
                w = pw.user();
                dx = pdx.user();
                plan = b.build();
            } catch (RuntimeException e) {
                b.abandon();
                throw e;
            }
        }

        void run(NativeTensor dyt, NativeTensor wt, NativeTensor dxt) {
            dy.bind(dyt);
            w.bind(wt);
            dx.bind(dxt);
            plan.execute();
        }

        @Override
        public void close() {
            plan.close();
        }
    }

    // ---- backward weights: dw += conv_backward_weights(x, dy), dbias += sum(dy) ------------------

    record BackwardWeightsKey(Geometry g, boolean bias, int xTag, int dyTag) implements PlanCache.Key<BackwardWeights> {
        @Override
        public BackwardWeights build(DnnlContext ctx) {
            return new BackwardWeights(ctx, this);
        }
    }

    static final class BackwardWeights implements Resource {
        private final Plan plan;
        private final DnnlMemory x;
        private final DnnlMemory dy;
        private final DnnlMemory dw;
        private final DnnlMemory dbias;

        BackwardWeights(DnnlContext ctx, BackwardWeightsKey key) {
            Geometry g = key.g();
            PlanBuilder b = new PlanBuilder(ctx);
            try {
                dnnl_memory_desc biasMd = key.bias() ? b.plain(g.bias()) : null;
                dnnl_primitive_desc hint = b.hint("dnnl_convolution_forward_primitive_desc_create",
                        (pd, attr) -> g.forward(b, pd, biasMd, attr));
                Primitive conv = b.primitive("dnnl_convolution_backward_weights_primitive_desc_create", false,
                        (pd, attr) -> dnnl_convolution_backward_weights_primitive_desc_create(pd, ctx.engine,
                                dnnl_convolution_direct, b.any(g.products(), g.src()), b.any(g.weights()), biasMd,
                                b.any(g.products(), g.dst()),
                                g.strides(), g.dilates(), g.padL(), g.padR(), hint, attr));
                PlanBuilder.Port px = b.input(b.tagged(key.xTag(), g.src()), conv.md(dnnl_query_src_md));
                PlanBuilder.Port pdy = b.input(b.tagged(key.dyTag(), g.dst()), conv.md(dnnl_query_diff_dst_md));
                PlanBuilder.Port pdw = b.output(conv.md(dnnl_query_diff_weights_md), b.plain(g.weights()), true);
                if (biasMd != null) {
                    PlanBuilder.Port pdb = b.output(
                            dnnl_primitive_desc_query_md(conv.pd, dnnl_query_diff_weights_md, 1), biasMd, true);
                    dbias = pdb.user();
                    b.step(conv.args(DNNL_ARG_SRC, px.inner(), DNNL_ARG_DIFF_DST, pdy.inner(),
                            DNNL_ARG_DIFF_WEIGHTS, pdw.inner(), DNNL_ARG_DIFF_BIAS, pdb.inner()));
                } else {
                    dbias = null;
                    b.step(conv.args(DNNL_ARG_SRC, px.inner(), DNNL_ARG_DIFF_DST, pdy.inner(),
                            DNNL_ARG_DIFF_WEIGHTS, pdw.inner()));
                }
                x = px.user();
                dy = pdy.user();
                dw = pdw.user();
                plan = b.build();
            } catch (RuntimeException e) {
                b.abandon();
                throw e;
            }
        }

        void run(NativeTensor xt, NativeTensor dyt, NativeTensor dwt, NativeTensor dbt) {
            x.bind(xt);
            dy.bind(dyt);
            dw.bind(dwt);
            if (dbias != null) {
                dbias.bind(dbt);
            }
            plan.execute();
        }

        @Override
        public void close() {
            plan.close();
        }
    }
}
