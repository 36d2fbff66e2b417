package dev.gargoyle.cpu;

import static dev.gargoyle.cpu.Dnnl.check;
import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_stream;

/** The oneDNN CPU engine and stream, the shared {@link Arena}, and the scratch address pointer. */
final class DnnlContext implements Resource {
    final dnnl_engine engine = new dnnl_engine();
    final dnnl_stream stream = new dnnl_stream();
    final NativeAddress address = new NativeAddress();
    final Arena arena;

    DnnlContext() {
        check("dnnl_engine_create", dnnl_engine_create(engine, dnnl_cpu, 0));
        int s = dnnl_stream_create(stream, engine, dnnl_stream_default_flags);
        if (s != dnnl_success) {
            dnnl_engine_destroy(engine);
            check("dnnl_stream_create", s);
        }
        arena = new Arena();
    }

    /**
     * A new attribute with a user-managed scratchpad (so its memory is ours, in the arena, and
     * counted) and, when {@code accumulate}, a sum post-op that turns {@code dst =} into {@code dst +=}.
     * The caller destroys it after creating the primitive descriptor (which keeps a copy).
     */
    dnnl_primitive_attr attr(boolean accumulate) {
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        check("dnnl_primitive_attr_create", dnnl_primitive_attr_create(attr));
        try {
            check("dnnl_primitive_attr_set_scratchpad_mode",
                    dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user));
            if (accumulate) {
                dnnl_post_ops ops = new dnnl_post_ops();
                check("dnnl_post_ops_create", dnnl_post_ops_create(ops));
                try {
                    check("dnnl_post_ops_append_sum", dnnl_post_ops_append_sum(ops, 1.0f, 0, dnnl_data_type_undef));
                    check("dnnl_primitive_attr_set_post_ops", dnnl_primitive_attr_set_post_ops(attr, ops));
                } finally {
                    dnnl_post_ops_destroy(ops);
                }
            }
            return attr;
        } catch (RuntimeException e) {
            dnnl_primitive_attr_destroy(attr);
            throw e;
        }
    }

    /** Waits for queued primitives (a no-op for the OpenMP runtime, kept for the contract). */
    void await() {
        check("dnnl_stream_wait", dnnl_stream_wait(stream));
    }

    @Override
    public void close() {
        arena.close();
        if (!stream.isNull()) {
            dnnl_stream_destroy(stream);
            stream.setNull();
        }
        if (!engine.isNull()) {
            dnnl_engine_destroy(engine);
            engine.setNull();
        }
    }
}
