package dev.gargoyle.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.gargoyle.tensor.spi.NativeTensor;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * ReLU as a oneDNN eltwise primitive over the tensor seen as one flat vector (layout does not
 * matter elementwise), forward and backward side by side; backward uses the forward's output.
 */
final class Relu {
    private Relu() {
    }

    record Key(long numel, boolean backward) implements PlanCache.Key<Prepared> {
        @Override
        public Prepared build(DnnlContext ctx) {
            return new Prepared(ctx, this);
        }
    }

    /** Forward: {@code (x, -, y)}; backward: {@code (y, dy, dx)}. */
    static final class Prepared implements Resource {
        private final Plan plan;
        private final DnnlMemory first;
        private final DnnlMemory diff;
        private final DnnlMemory out;

        Prepared(DnnlContext ctx, Key key) {
            PlanBuilder b = new PlanBuilder(ctx);
            try {
                dnnl_memory_desc md = b.plain(key.numel());
                first = b.user(md);
                out = b.user(md);
                if (key.backward()) {
                    diff = b.user(md);
                    dnnl_primitive_desc hint = b.hint("dnnl_eltwise_forward_primitive_desc_create",
                            (pd, attr) -> dnnl_eltwise_forward_primitive_desc_create(pd, ctx.engine,
                                    dnnl_forward_training, dnnl_eltwise_relu_use_dst_for_bwd, md, md, 0f, 0f, attr));
                    Primitive relu = b.primitive("dnnl_eltwise_backward_primitive_desc_create", false,
                            (pd, attr) -> dnnl_eltwise_backward_primitive_desc_create(pd, ctx.engine,
                                    dnnl_eltwise_relu_use_dst_for_bwd, md, md, md, 0f, 0f, hint, attr));
                    b.step(relu.args(DNNL_ARG_DST, first, DNNL_ARG_DIFF_DST, diff, DNNL_ARG_DIFF_SRC, out));
                } else {
                    diff = null;
                    Primitive relu = b.primitive("dnnl_eltwise_forward_primitive_desc_create", false,
                            (pd, attr) -> dnnl_eltwise_forward_primitive_desc_create(pd, ctx.engine,
                                    dnnl_forward_training, dnnl_eltwise_relu, md, md, 0f, 0f, attr));
                    b.step(relu.args(DNNL_ARG_SRC, first, DNNL_ARG_DST, out));
                }
                plan = b.build();
            } catch (RuntimeException e) {
                b.abandon();
                throw e;
            }
        }

        void forward(NativeTensor x, NativeTensor y) {
            first.bind(x);
            out.bind(y);
            plan.execute();
        }

        void backward(NativeTensor y, NativeTensor dy, NativeTensor dx) {
            first.bind(y);
            diff.bind(dy);
            out.bind(dx);
            plan.execute();
        }

        @Override
        public void close() {
            plan.close();
        }
    }
}
