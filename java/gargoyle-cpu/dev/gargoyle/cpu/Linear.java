package dev.gargoyle.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.gargoyle.tensor.spi.NativeTensor;
import java.nio.FloatBuffer;
import org.bytedeco.dnnl.dnnl_memory_desc;

/**
 * Fully connected layers as oneDNN matmuls on row-major tensors, forward and backward side by
 * side. Transposes are only format tags ({@code ba}) over the same bytes, so nothing is copied;
 * the weight gradient accumulates through the matmul's sum post-op.
 */
final class Linear {
    private Linear() {
    }

    /** Which product a plan computes. */
    enum Pass { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS }

    /** x {@code [batch, in]}, w {@code [out, in]}. */
    record Key(int batch, int in, int out, boolean bias, Pass pass) implements PlanCache.Key<Prepared> {
        @Override
        public Prepared build(DnnlContext ctx) {
            return new Prepared(ctx, this);
        }
    }

    /** One matmul {@code c (+)= a·b (+ bias)}. */
    static final class Prepared implements Resource {
        private final Plan plan;
        private final DnnlMemory a;
        private final DnnlMemory b;
        private final DnnlMemory bias;
        private final DnnlMemory c;

        Prepared(DnnlContext ctx, Key k) {
            PlanBuilder pb = new PlanBuilder(ctx);
            try {
                long n = k.batch();
                long in = k.in();
                long out = k.out();
                boolean accumulate = k.pass() == Pass.BACKWARD_WEIGHTS;
                dnnl_memory_desc am;
                dnnl_memory_desc bm;
                dnnl_memory_desc cm;
                dnnl_memory_desc biasMd = null;
                switch (k.pass()) {
                    case FORWARD -> { // y[n,out] = x[n,in] · wᵀ[in,out] + bias[1,out]
                        am = pb.plain(n, in);
                        bm = pb.tagged(dnnl_ba, in, out);
                        cm = pb.plain(n, out);
                        biasMd = k.bias() ? pb.plain(1, out) : null;
                    }
                    case BACKWARD_DATA -> { // dx[n,in] = dy[n,out] · w[out,in]
                        am = pb.plain(n, out);
                        bm = pb.plain(out, in);
                        cm = pb.plain(n, in);
                    }
                    default -> { // dw[out,in] += dyᵀ[out,n] · x[n,in]
                        am = pb.tagged(dnnl_ba, out, n);
                        bm = pb.plain(n, in);
                        cm = pb.plain(out, in);
                    }
                }
                dnnl_memory_desc biasFinal = biasMd;
                Primitive mm = pb.primitive("dnnl_matmul_primitive_desc_create", accumulate,
                        (pd, attr) -> dnnl_matmul_primitive_desc_create(pd, ctx.engine, am, bm, biasFinal, cm, attr));
                a = pb.user(am);
                b = pb.user(bm);
                c = pb.user(cm);
                bias = biasMd == null ? null : pb.user(biasMd);
                pb.step(bias == null ? mm.args(DNNL_ARG_SRC, a, DNNL_ARG_WEIGHTS, b, DNNL_ARG_DST, c)
                        : mm.args(DNNL_ARG_SRC, a, DNNL_ARG_WEIGHTS, b, DNNL_ARG_BIAS, bias, DNNL_ARG_DST, c));
                plan = pb.build();
            } catch (RuntimeException e) {
                pb.abandon();
                throw e;
            }
        }

        void run(NativeTensor at, NativeTensor bt, NativeTensor biasT, NativeTensor ct) {
            a.bind(at);
            b.bind(bt);
            if (bias != null) {
                bias.bind(biasT);
            }
            c.bind(ct);
            plan.execute();
        }

        @Override
        public void close() {
            plan.close();
        }
    }

    /** {@code dbias[j] += Σ_i dy[i, j]}: a column sum too small to be worth a primitive. */
    static void accumulateBiasGradient(NativeTensor dy, NativeTensor dbias) {
        FloatBuffer g = dy.hostBuffer();
        FloatBuffer db = dbias.hostBuffer();
        int out = db.capacity();
        int rows = g.capacity() / out;
        for (int j = 0; j < out; j++) {
            double s = 0;
            for (int i = 0, at = j; i < rows; i++, at += out) {
                s += g.get(at);
            }
            db.put(j, (float) (db.get(j) + s));
        }
    }
}
