package dev.gargoyle.cpu;

import static dev.gargoyle.cpu.Dnnl.check;
import static org.bytedeco.dnnl.global.dnnl.*;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * Assembles a {@link Plan}: creates descriptors and primitives, owns them until {@link #build},
 * and wires the layout bridges (reorders) between our plain NCHW tensors and the layouts a
 * primitive chose. On failure call {@link #abandon} to free what was made so far.
 */
final class PlanBuilder {
    /** One {@code dnnl_*_primitive_desc_create} call, given the out-parameter and an attribute. */
    interface DescCall {
        int create(dnnl_primitive_desc pd, dnnl_primitive_attr attr);
    }

    /** A tensor's way into a primitive: bind {@code user} to the tensor, hand {@code inner} to the primitive. */
    record Port(DnnlMemory user, DnnlMemory inner) {
    }

    final DnnlContext ctx;
    private final List<Resource> owned = new ArrayList<>();
    private final List<Primitive> steps = new ArrayList<>();
    private final List<Primitive> after = new ArrayList<>();
    private final List<Primitive> all = new ArrayList<>();
    private final List<DnnlMemory> temps = new ArrayList<>();
    private final List<Long> tempOffsets = new ArrayList<>();
    private long tempBytes;

    PlanBuilder(DnnlContext ctx) {
        this.ctx = ctx;
    }

    <T extends Resource> T own(T resource) {
        owned.add(resource);
        return resource;
    }

    dnnl_memory_desc plain(long... dims) {
        return own(MemoryDesc.plain(dims)).md;
    }

    dnnl_memory_desc any(long... dims) {
        return own(MemoryDesc.any(dims)).md;
    }

    /** Any layout, in {@code dataType} (e.g. {@code dnnl_bf16}): the port reorders and converts. */
    dnnl_memory_desc any(int dataType, long... dims) {
        return own(new MemoryDesc(dataType, dnnl_format_tag_any, dims)).md;
    }

    /** A descriptor in {@code format}: a oneDNN format tag, bf16 when it says so (see {@link Formats}). */
    dnnl_memory_desc tagged(int format, long... dims) {
        return own(new MemoryDesc(Formats.dataType(format), Formats.tag(format), dims)).md;
    }

    /** A memory the caller points at a tensor before each run. */
    DnnlMemory user(dnnl_memory_desc md) {
        return own(new DnnlMemory(ctx, md));
    }

    /** A memory that lives in the arena for the length of one run. */
    DnnlMemory temp(dnnl_memory_desc md) {
        DnnlMemory m = own(new DnnlMemory(ctx, md));
        temps.add(m);
        tempOffsets.add(tempBytes);
        tempBytes += Arena.align(m.bytes);
        return m;
    }

    /** A primitive descriptor and its primitive, made with a user scratchpad (and dst += when accumulating). */
    Primitive primitive(String call, boolean accumulate, DescCall descCall) {
        Primitive p = own(new Primitive(ctx, descriptor(call, accumulate, descCall)));
        all.add(p);
        return p;
    }

    /** A forward primitive descriptor that backward descriptors need as a hint; owned, never run. */
    dnnl_primitive_desc hint(String call, DescCall descCall) {
        dnnl_primitive_desc pd = descriptor(call, false, descCall);
        own(() -> dnnl_primitive_desc_destroy(pd));
        return pd;
    }

    private dnnl_primitive_desc descriptor(String call, boolean accumulate, DescCall descCall) {
        dnnl_primitive_attr attr = ctx.attr(accumulate);
        try {
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            check(call, descCall.create(pd, attr));
            return pd;
        } finally {
            dnnl_primitive_attr_destroy(attr);
        }
    }

    /** Runs {@code p} after the steps added so far (input reorders come first, by call order). */
    void step(Primitive p) {
        steps.add(p);
    }

    /** A plain-layout input: handed over as is when the primitive takes that layout, else reordered in. */
    Port input(dnnl_memory_desc plainMd, dnnl_memory_desc chosen) {
        DnnlMemory user = user(plainMd);
        if (MemoryDesc.same(plainMd, chosen)) {
            return new Port(user, user);
        }
        DnnlMemory inner = temp(chosen);
        step(reorder(plainMd, chosen, false).args(DNNL_ARG_FROM, user, DNNL_ARG_TO, inner));
        return new Port(user, inner);
    }

    /**
     * A plain-layout output: written directly when the layouts match and it is overwritten, else
     * computed in the arena and reordered out after the op; {@code accumulate} makes that reorder
     * add to what the tensor holds (oneDNN's backward passes overwrite their outputs).
     */
    Port output(dnnl_memory_desc chosen, dnnl_memory_desc plainMd, boolean accumulate) {
        DnnlMemory user = user(plainMd);
        if (!accumulate && MemoryDesc.same(plainMd, chosen)) {
            return new Port(user, user);
        }
        DnnlMemory inner = temp(chosen);
        after.add(reorder(chosen, plainMd, accumulate).args(DNNL_ARG_FROM, inner, DNNL_ARG_TO, user));
        return new Port(user, inner);
    }

    /** A step copying {@code from} (in the layout {@code md}) to {@code to}, which has the same layout. */
    void copy(DnnlMemory from, dnnl_memory_desc md, DnnlMemory to) {
        step(reorder(md, md, false).args(DNNL_ARG_FROM, from, DNNL_ARG_TO, to));
    }

    /** An output port and the layout its tensor ends up in (a {@link Formats} value; {@code dnnl_abcd} is nchw). */
    record Kept(Port port, int tag) {
    }

    /**
     * A 4-D output the primitive writes directly when it chose the channel-blocked layout
     * {@link Layouts} keeps, in FP32 or bf16 (the tensor then stays so), else as {@link #output}: nchw FP32.
     */
    Kept outputKeeping(dnnl_memory_desc chosen, long... dims) {
        int tag = MemoryDesc.channelBlocked((int) dims[1]);
        int format = Formats.of(tag, MemoryDesc.dataType(chosen));
        if (tag != dnnl_abcd && MemoryDesc.same(chosen, tagged(format, dims))) {
            DnnlMemory user = user(chosen);
            return new Kept(new Port(user, user), format);
        }
        return new Kept(output(chosen, plain(dims), false), dnnl_abcd);
    }

    private Primitive reorder(dnnl_memory_desc from, dnnl_memory_desc to, boolean accumulate) {
        return primitive("dnnl_reorder_primitive_desc_create", accumulate,
                (pd, attr) -> dnnl_reorder_primitive_desc_create(pd, from, ctx.engine, to, ctx.engine, attr));
    }

    /** The finished plan; grows the arena to what it needs now, so runs never allocate. */
    Plan build() {
        long scratchpadOffset = Arena.align(tempBytes);
        long scratchpad = 0;
        for (Primitive p : all) {
            scratchpad = Math.max(scratchpad, p.scratchpadBytes());
        }
        ctx.arena.ensure(scratchpadOffset + scratchpad);
        List<Primitive> order = new ArrayList<>(steps);
        order.addAll(after);
        long[] offsets = tempOffsets.stream().mapToLong(Long::longValue).toArray();
        return new Plan(ctx, order, temps, offsets, scratchpadOffset, owned);
    }

    /** Frees everything made so far, newest first. */
    void abandon() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }
}
