package dev.gargoyle.cpu;

import static dev.gargoyle.cpu.Dnnl.check;
import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * A created oneDNN primitive with its descriptor, its argument list (built once) and, when it
 * needs one, a scratchpad memory that the plan points into the arena before each run.
 */
final class Primitive implements Resource {
    final dnnl_primitive_desc pd;
    private final dnnl_primitive primitive = new dnnl_primitive();
    private DnnlMemory scratchpad;
    private dnnl_exec_arg_t args;
    private int argCount;

    /** Takes ownership of {@code pd}, also when creating the primitive fails. */
    Primitive(DnnlContext ctx, dnnl_primitive_desc pd) {
        this.pd = pd;
        try {
            check("dnnl_primitive_create", dnnl_primitive_create(primitive, pd));
            dnnl_memory_desc sp = md(dnnl_query_scratchpad_md);
            if (MemoryDesc.bytes(sp) > 0) {
                scratchpad = new DnnlMemory(ctx, sp);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A memory descriptor the primitive chose; owned by the primitive descriptor. */
    dnnl_memory_desc md(int query) {
        return dnnl_primitive_desc_query_md(pd, query, 0);
    }

    long scratchpadBytes() {
        return scratchpad == null ? 0 : scratchpad.bytes;
    }

    /** Sets the arguments once: pairs of {@code DNNL_ARG_*} and memory, in any order. */
    Primitive args(Object... kindsAndMemories) {
        int n = kindsAndMemories.length / 2 + (scratchpad == null ? 0 : 1);
        args = new dnnl_exec_arg_t(n);
        for (int i = 0; i < kindsAndMemories.length; i += 2) {
            args.position(i / 2).arg((Integer) kindsAndMemories[i])
                    .memory(((DnnlMemory) kindsAndMemories[i + 1]).handle);
        }
        if (scratchpad != null) {
            args.position(n - 1).arg(DNNL_ARG_SCRATCHPAD).memory(scratchpad.handle);
        }
        args.position(0);
        argCount = n;
        return this;
    }

    void execute(DnnlContext ctx, long scratchpadAddress) {
        if (scratchpad != null) {
            scratchpad.bind(scratchpadAddress);
        }
        check("dnnl_primitive_execute", dnnl_primitive_execute(primitive, ctx.stream, argCount, args));
    }

    @Override
    public void close() {
        if (args != null) {
            args.close();
            args = null;
        }
        if (scratchpad != null) {
            scratchpad.close();
            scratchpad = null;
        }
        if (!primitive.isNull()) {
            dnnl_primitive_destroy(primitive);
            primitive.setNull();
        }
        if (!pd.isNull()) {
            dnnl_primitive_desc_destroy(pd);
            pd.setNull();
        }
    }
}
