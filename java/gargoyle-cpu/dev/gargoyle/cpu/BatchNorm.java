package dev.gargoyle.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.spi.NativeTensor;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * oneDNN spatial batch normalisation, run in a channel-blocked layout where the channels allow
 * (see {@link MemoryDesc#channelBlocked}), taking x and dy in whatever layout they are in and
 * leaving y and dx in the blocked one (see {@link Layouts}): training forward, inference forward
 * and backward side by side, each optionally with the ReLU after it fused in ({@code relu}: oneDNN's
 * {@code dnnl_fuse_norm_relu}, the training forward keeping a bit mask as workspace for backward).
 * The Backend keeps {@code 1/sqrt(var + eps)} for backward while oneDNN takes the variance; running
 * statistics and parameter-gradient accumulation are per-channel Java loops around the primitive.
 */
final class BatchNorm {
    private static final int AFFINE = dnnl_use_scale | dnnl_use_shift;

    private BatchNorm() {
    }

    /** The input shape and epsilon a plan is for; {@code bf16}: x, y, dy and dx in bfloat16. */
    record Geometry(Shape x, float eps, boolean bf16) {
        long[] dims() {
            return Convolution.longs(x.dims());
        }

        long[] channels() {
            return new long[] {x.dim(1)};
        }

        /** The layout the primitive runs in; {@link PlanBuilder#input} and {@code output} bridge to nchw. */
        dnnl_memory_desc inner(PlanBuilder b) {
            return b.tagged(Formats.of(MemoryDesc.channelBlocked(x.dim(1)), bf16 ? dnnl_bf16 : dnnl_f32), dims());
        }

        static int flags(int flags, boolean relu) {
            return relu ? flags | dnnl_fuse_norm_relu : flags;
        }

        int forward(PlanBuilder b, int propKind, int flags, dnnl_primitive_desc pd, dnnl_primitive_attr attr) {
            return dnnl_batch_normalization_forward_primitive_desc_create(pd, b.ctx.engine, propKind,
                    inner(b), inner(b), eps, flags, attr);
        }
    }

    // ---- training forward: batch statistics, running-statistics update -----------------------------

    /** {@code xTag}: the layout x is in (see {@link Layouts}). */
    record TrainingKey(Geometry g, int xTag, boolean relu) implements PlanCache.Key<Training> {
        @Override
        public Training build(DnnlContext ctx) {
            return new Training(ctx, this);
        }
    }

    static final class Training implements Resource {
        private final DnnlContext ctx;
        private final Plan plan;
        private final DnnlMemory x;
        private final DnnlMemory y;
        private final DnnlMemory gamma;
        private final DnnlMemory beta;
        private final DnnlMemory mean;
        private final HostFloats variance;
        private final DnnlMemory workspace;
        private final long perChannel;
        /** The layout y is written in. */
        final int yTag;
        /** Bytes of the ReLU mask kept for backward; 0 without ReLU. */
        final long workspaceBytes;

        Training(DnnlContext ctx, TrainingKey key) {
            Geometry g = key.g();
            this.ctx = ctx;
            this.perChannel = g.x().numel() / g.x().dim(1);
            PlanBuilder b = new PlanBuilder(ctx);
            try {
                gamma = b.user(b.plain(g.channels()));
                beta = b.user(b.plain(g.channels()));
                mean = b.user(b.plain(g.channels()));
                variance = b.own(new HostFloats(g.x().dim(1)));
                DnnlMemory varianceMem = b.user(b.plain(g.channels()));
                varianceMem.bind(variance.address());
                int flags = Geometry.flags(AFFINE, key.relu());
                Primitive bn = b.primitive("dnnl_batch_normalization_forward_primitive_desc_create", false,
                        (pd, attr) -> g.forward(b, dnnl_forward_training, flags, pd, attr));
                PlanBuilder.Port px = b.input(b.tagged(key.xTag(), g.dims()), bn.md(dnnl_query_src_md));
                PlanBuilder.Kept ky = b.outputKeeping(bn.md(dnnl_query_dst_md), g.dims());
                PlanBuilder.Port py = ky.port();
                yTag = ky.tag();
                dnnl_memory_desc ws = bn.md(dnnl_query_workspace_md);
                workspaceBytes = key.relu() ? MemoryDesc.bytes(ws) : 0;
                workspace = key.relu() ? b.user(ws) : null;
                Object[] args = {DNNL_ARG_SRC, px.inner(), DNNL_ARG_DST, py.inner(), DNNL_ARG_SCALE, gamma,
                    DNNL_ARG_SHIFT, beta, DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, varianceMem};
                b.step(bn.args(key.relu() ? withWorkspace(args, workspace) : args));
                x = px.user();
                y = py.user();
                plan = b.build();
            } catch (RuntimeException e) {
                b.abandon();
                throw e;
            }
        }

        /** Normalises x into y and writes the batch mean to {@code saveMean}; the variance stays here. */
        void run(NativeTensor xt, NativeTensor gammaT, NativeTensor betaT, NativeTensor yt, NativeTensor saveMean,
                 NativeTensor workspaceT) {
            x.bind(xt);
            y.bind(yt);
            gamma.bind(gammaT);
            beta.bind(betaT);
            mean.bind(saveMean);
            if (workspace != null) {
                workspace.bind(workspaceT);
            }
            plan.execute();
            ctx.await();
        }

        /**
         * After {@link #run}: {@code saveInvStd}, and the running statistics moved toward the batch's.
         * Returns whether every batch mean, variance and inverse deviation is finite.
         */
        boolean finish(NativeTensor runningMean, NativeTensor runningVar, float momentum, float eps,
                       NativeTensor saveMean, NativeTensor saveInvStd) {
            FloatBuffer var = variance.buffer;
            FloatBuffer m = saveMean.hostBuffer();
            FloatBuffer inv = saveInvStd.hostBuffer();
            FloatBuffer rm = runningMean.hostBuffer();
            FloatBuffer rv = runningVar.hostBuffer();
            double unbias = (double) perChannel / (perChannel - 1);
            double keep = 1.0 - momentum;
            boolean finite = true;
            for (int c = 0; c < var.capacity(); c++) {
                double v = var.get(c);
                float invStd = (float) (1.0 / Math.sqrt(v + eps));
                inv.put(c, invStd);
                rm.put(c, (float) (keep * rm.get(c) + momentum * (double) m.get(c)));
                rv.put(c, (float) (keep * rv.get(c) + momentum * v * unbias));
                finite &= Float.isFinite(m.get(c)) && Double.isFinite(v) && Float.isFinite(invStd);
            }
            return finite;
        }

        @Override
        public void close() {
            plan.close();
        }
    }

    // ---- inference forward: running statistics ----------------------------------------------------

    record InferenceKey(Geometry g, int xTag, boolean relu) implements PlanCache.Key<Inference> {
        @Override
        public Inference build(DnnlContext ctx) {
            return new Inference(ctx, this);
        }
    }

    static final class Inference implements Resource {
        private final Plan plan;
        private final DnnlMemory x;
        private final DnnlMemory y;
        private final DnnlMemory gamma;
        private final DnnlMemory beta;
        private final DnnlMemory mean;
        private final DnnlMemory variance;
        /** The layout y is written in. */
        final int yTag;

        Inference(DnnlContext ctx, InferenceKey key) {
            Geometry g = key.g();
            int flags = Geometry.flags(AFFINE | dnnl_use_global_stats, key.relu());
            PlanBuilder b = new PlanBuilder(ctx);
            try {
                gamma = b.user(b.plain(g.channels()));
                beta = b.user(b.plain(g.channels()));
                mean = b.user(b.plain(g.channels()));
                variance = b.user(b.plain(g.channels()));
                Primitive bn = b.primitive("dnnl_batch_normalization_forward_primitive_desc_create", false,
                        (pd, attr) -> g.forward(b, dnnl_forward_inference, flags, pd, attr));
                PlanBuilder.Port px = b.input(b.tagged(key.xTag(), g.dims()), bn.md(dnnl_query_src_md));
                PlanBuilder.Kept ky = b.outputKeeping(bn.md(dnnl_query_dst_md), g.dims());
                PlanBuilder.Port py = ky.port();
                yTag = ky.tag();
                b.step(bn.args(DNNL_ARG_SRC, px.inner(), DNNL_ARG_DST, py.inner(), DNNL_ARG_SCALE, gamma,
                        DNNL_ARG_SHIFT, beta, DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, variance));
                x = px.user();
                y = py.user();
                plan = b.build();
            } catch (RuntimeException e) {
                b.abandon();
                throw e;
            }
        }

        void run(NativeTensor xt, NativeTensor gammaT, NativeTensor betaT, NativeTensor runningMean, NativeTensor runningVar, NativeTensor yt) {
            x.bind(xt);
            y.bind(yt);
            gamma.bind(gammaT);
            beta.bind(betaT);
            mean.bind(runningMean);
            variance.bind(runningVar);
            plan.execute();
        }

        @Override
        public void close() {
            plan.close();
        }
    }

    // ---- backward: dx overwritten, dgamma and dbeta accumulated ---------------------------------------

    record BackwardKey(Geometry g, int xTag, int dyTag, boolean relu) implements PlanCache.Key<Backward> {
        @Override
        public Backward build(DnnlContext ctx) {
            return new Backward(ctx, this);
        }
    }

    static final class Backward implements Resource {
        private final DnnlContext ctx;
        private final Plan plan;
        private final DnnlMemory x;
        private final DnnlMemory dy;
        private final DnnlMemory dx;
        private final DnnlMemory gamma;
        private final DnnlMemory mean;
        private final HostFloats variance;
        private final HostFloats dgamma;
        private final HostFloats dbeta;
        private final DnnlMemory workspace;
        /** The layout dx is written in. */
        final int dxTag;

        Backward(DnnlContext ctx, BackwardKey key) {
            Geometry g = key.g();
            this.ctx = ctx;
            int channels = g.x().dim(1);
            PlanBuilder b = new PlanBuilder(ctx);
            try {
                gamma = b.user(b.plain(g.channels()));
                mean = b.user(b.plain(g.channels()));
                variance = b.own(new HostFloats(channels));
                dgamma = b.own(new HostFloats(channels));
                dbeta = b.own(new HostFloats(channels));
                DnnlMemory varianceMem = b.user(b.plain(g.channels()));
                DnnlMemory dgammaMem = b.user(b.plain(g.channels()));
                DnnlMemory dbetaMem = b.user(b.plain(g.channels()));
                varianceMem.bind(variance.address());
                dgammaMem.bind(dgamma.address());
                dbetaMem.bind(dbeta.address());
                int flags = Geometry.flags(AFFINE, key.relu());
                dnnl_primitive_desc hint = b.hint("dnnl_batch_normalization_forward_primitive_desc_create",
                        (pd, attr) -> g.forward(b, dnnl_forward_training, flags, pd, attr));
                Primitive bn = b.primitive("dnnl_batch_normalization_backward_primitive_desc_create", false,
                        (pd, attr) -> dnnl_batch_normalization_backward_primitive_desc_create(pd, ctx.engine,
                                dnnl_backward, g.inner(b), g.inner(b), g.inner(b), g.eps(), flags, hint, attr));
                PlanBuilder.Port px = b.input(b.tagged(key.xTag(), g.dims()), bn.md(dnnl_query_src_md));
                PlanBuilder.Port pdy = b.input(b.tagged(key.dyTag(), g.dims()), bn.md(dnnl_query_diff_dst_md));
                PlanBuilder.Kept kdx = b.outputKeeping(bn.md(dnnl_query_diff_src_md), g.dims());
                PlanBuilder.Port pdx = kdx.port();
                dxTag = kdx.tag();
                workspace = key.relu() ? b.user(bn.md(dnnl_query_workspace_md)) : null;
                Object[] args = {DNNL_ARG_SRC, px.inner(), DNNL_ARG_DIFF_DST, pdy.inner(), DNNL_ARG_SCALE, gamma,
                    DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, varianceMem, DNNL_ARG_DIFF_SRC, pdx.inner(),
                    DNNL_ARG_DIFF_SCALE, dgammaMem, DNNL_ARG_DIFF_SHIFT, dbetaMem};
                b.step(bn.args(key.relu() ? withWorkspace(args, workspace) : args));
                x = px.user();
                dy = pdy.user();
                dx = pdx.user();
                plan = b.build();
            } catch (RuntimeException e) {
                b.abandon();
                throw e;
            }
        }

        void run(NativeTensor xt, NativeTensor dyt, NativeTensor gammaT, NativeTensor saveMean,
                 NativeTensor saveInvStd, float eps, NativeTensor workspaceT, NativeTensor dxt, NativeTensor dgammaT,
                 NativeTensor dbetaT) {
            // oneDNN recomputes 1/sqrt(var + eps); var + eps = 1/invstd² is exact to float rounding,
            // so a tiny negative var (a constant channel) is harmless: eps is added back first.
            FloatBuffer inv = saveInvStd.hostBuffer();
            FloatBuffer var = variance.buffer;
            for (int c = 0; c < var.capacity(); c++) {
                double s = inv.get(c);
                var.put(c, (float) (1.0 / (s * s) - eps));
            }
            x.bind(xt);
            dy.bind(dyt);
            dx.bind(dxt);
            gamma.bind(gammaT);
            mean.bind(saveMean);
            if (workspace != null) {
                workspace.bind(workspaceT);
            }
            plan.execute();
            ctx.await();
            FloatBuffer dg = dgammaT.hostBuffer();
            FloatBuffer db = dbetaT.hostBuffer();
            for (int c = 0; c < var.capacity(); c++) {
                dg.put(c, dg.get(c) + dgamma.buffer.get(c));
                db.put(c, db.get(c) + dbeta.buffer.get(c));
            }
        }

        @Override
        public void close() {
            plan.close();
        }
    }

    /** Whether {@code 1/sqrt(var + eps)} is finite for every channel, as the inference forward computes it. */
    static boolean invStdFinite(NativeTensor runningVar, float eps) {
        FloatBuffer v = runningVar.hostBuffer();
        for (int c = 0; c < v.capacity(); c++) {
            if (!Float.isFinite((float) (1.0 / Math.sqrt(v.get(c) + eps)))) {
                return false;
            }
        }
        return true;
    }

    private static Object[] withWorkspace(Object[] args, DnnlMemory workspace) {
        Object[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = DNNL_ARG_WORKSPACE;
        all[args.length + 1] = workspace;
        return all;
    }
}
