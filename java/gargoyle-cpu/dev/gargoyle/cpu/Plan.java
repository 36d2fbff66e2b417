package dev.gargoyle.cpu;

import java.util.List;

/**
 * The primitives of one op in the order they run (reorders in, the op, reorders out) plus the
 * arena offsets of its temporary buffers; owns everything the {@link PlanBuilder} made for it.
 */
final class Plan implements Resource {
    private final DnnlContext ctx;
    private final Primitive[] steps;
    private final DnnlMemory[] temps;
    private final long[] tempOffsets;
    private final long scratchpadOffset;
    private final Resource[] owned;

    Plan(DnnlContext ctx, List<Primitive> steps, List<DnnlMemory> temps, long[] tempOffsets,
         long scratchpadOffset, List<Resource> owned) {
        this.ctx = ctx;
        this.steps = steps.toArray(new Primitive[0]);
        this.temps = temps.toArray(new DnnlMemory[0]);
        this.tempOffsets = tempOffsets;
        this.scratchpadOffset = scratchpadOffset;
        this.owned = owned.toArray(new Resource[0]);
    }

    /** Runs the steps; the caller has bound the user memories to its tensors. */
    void execute() {
        long base = ctx.arena.base();
        for (int i = 0; i < temps.length; i++) {
            temps[i].bind(base + tempOffsets[i]);
        }
        for (Primitive step : steps) {
            step.execute(ctx, base + scratchpadOffset);
        }
    }

    @Override
    public void close() {
        for (int i = owned.length - 1; i >= 0; i--) {
            owned[i].close();
        }
    }
}
