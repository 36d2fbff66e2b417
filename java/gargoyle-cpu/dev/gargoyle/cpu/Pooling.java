package dev.gargoyle.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.spi.NativeTensor;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * oneDNN max and average pooling, forward and backward side by side, run in the channel-blocked
 * layout where the channels fill its blocks (oneDNN's nchw pooling is a plain C loop, about 1 GB/s;
 * its blocked one is JIT-compiled), taking its input in whatever layout it is in and leaving its
 * output blocked (see {@link Layouts}). Max pooling's training forward records in a workspace (in that layout)
 * which input won each window (the first maximum, as PyTorch); its backward routes the gradient there.
 */
final class Pooling {
    private Pooling() {
    }

    /** Which pass a plan is for; a training forward keeps the workspace, an inference one does not. */
    enum Pass { TRAINING, INFERENCE, BACKWARD }

    /** {@code inTag}: the layout of the input (x forward, dy backward), see {@link Layouts}; {@code bf16}: in and out in bfloat16. */
    record Key(Shape x, Pool2dSpec spec, Pass pass, int inTag, boolean bf16) implements PlanCache.Key<Prepared> {
        @Override
        public Prepared build(DnnlContext ctx) {
            return new Prepared(ctx, this);
        }

        Shape y() {
            return spec.outputShape("pool2d", x);
        }

        int algorithm() {
            if (spec.kind() == Pool2dSpec.Kind.MAX) {
                return dnnl_pooling_max;
            }
            return spec.countIncludePad() ? dnnl_pooling_avg_include_padding : dnnl_pooling_avg_exclude_padding;
        }

        long[] kernel() {
            return new long[] {spec.kernelH(), spec.kernelW()};
        }

        long[] strides() {
            return new long[] {spec.strideH(), spec.strideW()};
        }

        long[] padL() {
            return new long[] {spec.padH(), spec.padW()};
        }

        long[] padR() {
            Shape out = y();
            return new long[] {
                Convolution.rightPad(x.dim(2), spec.kernelH(), out.dim(2), spec.strideH(), spec.padH(), 1),
                Convolution.rightPad(x.dim(3), spec.kernelW(), out.dim(3), spec.strideW(), spec.padW(), 1)};
        }

        dnnl_memory_desc inner(PlanBuilder b, Shape s) {
            int type = bf16 ? dnnl_bf16 : dnnl_f32;
            return b.tagged(Formats.of(MemoryDesc.channelBlocked(s.dim(1)), type), Convolution.longs(s.dims()));
        }

        int forward(PlanBuilder b, int propKind, dnnl_primitive_desc pd, dnnl_primitive_attr attr) {
            return dnnl_pooling_forward_primitive_desc_create(pd, b.ctx.engine, propKind, algorithm(),
                    inner(b, x), inner(b, y()), strides(), kernel(), new long[] {0, 0}, padL(), padR(), attr);
        }
    }

    /** One pooling pass; {@code workspace} is null when the pass has none. */
    static final class Prepared implements Resource {
        private final Plan plan;
        private final PlanBuilder.Port in;
        private final PlanBuilder.Port out;
        private final DnnlMemory workspace;
        final long workspaceBytes;
        /** The layout of the output (y forward, dx backward). */
        final int outTag;

        Prepared(DnnlContext ctx, Key key) {
            PlanBuilder b = new PlanBuilder(ctx);
            try {
                long[] src = Convolution.longs(key.x().dims());
                long[] dst = Convolution.longs(key.y().dims());
                Primitive pool;
                PlanBuilder.Kept kept;
                if (key.pass() == Pass.BACKWARD) {
                    dnnl_primitive_desc hint = b.hint("dnnl_pooling_forward_primitive_desc_create",
                            (pd, attr) -> key.forward(b, dnnl_forward_training, pd, attr));
                    pool = b.primitive("dnnl_pooling_backward_primitive_desc_create", false,
                            (pd, attr) -> dnnl_pooling_backward_primitive_desc_create(pd, ctx.engine, key.algorithm(),
                                    key.inner(b, key.x()), key.inner(b, key.y()), key.strides(), key.kernel(),
                                    new long[] {0, 0}, key.padL(), key.padR(), hint, attr));
                    in = b.input(b.tagged(key.inTag(), dst), pool.md(dnnl_query_diff_dst_md));
                    kept = b.outputKeeping(pool.md(dnnl_query_diff_src_md), src);
                } else {
                    int prop = key.pass() == Pass.TRAINING ? dnnl_forward_training : dnnl_forward_inference;
                    pool = b.primitive("dnnl_pooling_forward_primitive_desc_create", false,
                            (pd, attr) -> key.forward(b, prop, pd, attr));
                    in = b.input(b.tagged(key.inTag(), src), pool.md(dnnl_query_src_md));
                    kept = b.outputKeeping(pool.md(dnnl_query_dst_md), dst);
                }
                out = kept.port();
                outTag = kept.tag();
                dnnl_memory_desc ws = pool.md(dnnl_query_workspace_md);
                workspaceBytes = MemoryDesc.bytes(ws);
                workspace = workspaceBytes > 0 ? b.user(ws) : null;
                int inArg = key.pass() == Pass.BACKWARD ? DNNL_ARG_DIFF_DST : DNNL_ARG_SRC;
                int outArg = key.pass() == Pass.BACKWARD ? DNNL_ARG_DIFF_SRC : DNNL_ARG_DST;
                b.step(workspace == null ? pool.args(inArg, in.inner(), outArg, out.inner())
                        : pool.args(inArg, in.inner(), outArg, out.inner(), DNNL_ARG_WORKSPACE, workspace));
                plan = b.build();
            } catch (RuntimeException e) {
                b.abandon();
                throw e;
            }
        }

        /** Forward: {@code in = x, out = y}; backward: {@code in = dy, out = dx}. */
        void run(NativeTensor inT, NativeTensor outT, NativeTensor workspaceT) {
            in.user().bind(inT);
            out.user().bind(outT);
            if (workspace != null) {
                workspace.bind(workspaceT);
            }
            plan.execute();
        }

        @Override
        public void close() {
            plan.close();
        }
    }
}
