package dev.gargoyle.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.spi.Memory;
import dev.gargoyle.tensor.spi.NativeTensor;
import java.util.TreeMap;

/**
 * Which tensors hold their elements in oneDNN's channel-blocked layout (nChw8c, nChw16c) instead of
 * nchw, so that activations stay blocked from one primitive to the next: convolution, batch-norm,
 * pooling and ReLU read and write them as they are, and anything else that touches their memory
 * (a copy to the host, a linear layer behind a flatten, a hook) first gets nchw, converted in place
 * once. Only this backend ever sees the blocked bytes. A region is blocked only where the channels
 * fill whole blocks, so both layouts take the same bytes; a bfloat16 region (see {@link Formats})
 * takes the first half of them. A region may also carry the writer's proof
 * that it holds no NaN (a batch-norm with finite statistics), which spares max pooling its scan
 * for NaN; any write drops the region and the proof with it. Synchronised: the backend's thread uses
 * it, but a tensor may be closed, and its memory forgotten here, from any thread.
 */
final class Layouts {
    /** A blocked region: the tensor of {@code shape} at its start address, in format {@code tag}. */
    private record Region(long end, int tag, Shape shape, boolean noNaN) {
    }

    private final TreeMap<Long, Region> blocked = new TreeMap<>();
    private final PlanCache plans;

    Layouts(PlanCache plans) {
        this.plans = plans;
    }

    /** The blocked format {@code t} is held in (an oneDNN format tag), or {@code dnnl_abcd} for nchw. */
    synchronized int of(NativeTensor t) {
        Region r = blocked.get(t.data().address());
        return r != null && r.shape().equals(t.shape()) ? r.tag() : dnnl_abcd;
    }

    /** Before reading {@code t} as nchw: every blocked region it overlaps becomes nchw. */
    synchronized void plain(NativeTensor t) {
        long start = t.data().address();
        long end = start + t.numel() * Float.BYTES;
        for (Long at = firstOverlap(start, end); at != null; at = firstOverlap(start, end)) {
            convert(at, blocked.get(at));
        }
    }

    /** Before reading {@code t} as {@link #of} says: nchw where it only overlaps blocked regions. */
    synchronized void readable(NativeTensor t) {
        if (of(t) == dnnl_abcd) {
            plain(t);
        }
    }

    /**
     * Before an op writes all of {@code t}: the regions inside it are dead, and one that reaches
     * beyond it is made nchw first, so what lies outside keeps its values.
     */
    synchronized void writing(NativeTensor t) {
        long start = t.data().address();
        long end = start + t.numel() * Float.BYTES;
        for (Long at = firstOverlap(start, end); at != null; at = firstOverlap(start, end)) {
            Region r = blocked.get(at);
            if (at < start || r.end() > end) {
                convert(at, r);
            } else {
                blocked.remove(at);
            }
        }
    }

    /** After an op wrote all of {@code t} in format {@code tag} ({@code dnnl_abcd}: nchw); {@link #writing} came first. */
    synchronized void wrote(NativeTensor t, int tag) {
        wrote(t, tag, false);
    }

    /** As {@link #wrote(NativeTensor, int)}, {@code noNaN} when the op proved that no element is NaN. */
    synchronized void wrote(NativeTensor t, int tag, boolean noNaN) {
        if (tag != dnnl_abcd) {
            long start = t.data().address();
            blocked.put(start, new Region(start + t.numel() * Float.BYTES, tag, t.shape(), noNaN));
        }
    }

    /** Whether the op that wrote {@code t} (blocked, as it still is) proved it holds no NaN. */
    synchronized boolean knownNoNaN(NativeTensor t) {
        Region r = blocked.get(t.data().address());
        return r != null && r.shape().equals(t.shape()) && r.noNaN();
    }

    /** How many tensors are held blocked now. */
    synchronized int kept() {
        return blocked.size();
    }

    /** How many of them hold bfloat16. */
    synchronized int keptBf16() {
        return (int) blocked.values().stream().filter(r -> Formats.isBf16(r.tag())).count();
    }

    /**
     * {@code memory}, forgetting its regions when it is freed, since its addresses may be handed out
     * again. Regions already there are forgotten too: a block the garbage collector freed without a
     * close may have left them.
     */
    Memory track(Memory memory) {
        long start = memory.address().address();
        long end = start + memory.bytes();
        forget(start, end);
        return Memory.onRelease(memory, () -> forget(start, end));
    }

    /** Drops the regions overlapping {@code [start, end)} without converting them: nobody owns those bytes. */
    private synchronized void forget(long start, long end) {
        for (Long at = firstOverlap(start, end); at != null; at = firstOverlap(start, end)) {
            blocked.remove(at);
        }
    }

    /**
     * The start of the first region overlapping {@code [start, end)}, or null. Called on every op's
     * every tensor, so it allocates no list: callers take regions out one at a time.
     */
    private Long firstOverlap(long start, long end) {
        Long before = blocked.floorKey(start);
        if (before != null && blocked.get(before).end() > start) {
            return before;
        }
        Long after = blocked.higherKey(start);
        return after != null && after < end ? after : null;
    }

    private void convert(long address, Region r) {
        blocked.remove(address);
        plans.get(new Reorder.Key(r.shape(), r.tag())).run(address);
    }

    /** A blocked tensor turned nchw in place, through the arena. */
    static final class Reorder implements Resource {
        private final Plan plan;
        private final DnnlMemory from;
        private final DnnlMemory to;

        record Key(Shape shape, int tag) implements PlanCache.Key<Reorder> {
            @Override
            public Reorder build(DnnlContext ctx) {
                return new Reorder(ctx, this);
            }
        }

        Reorder(DnnlContext ctx, Key key) {
            PlanBuilder b = new PlanBuilder(ctx);
            try {
                long[] dims = Convolution.longs(key.shape().dims());
                PlanBuilder.Port in = b.input(b.tagged(key.tag(), dims), b.plain(dims));
                from = in.user();
                to = b.user(b.plain(dims));
                b.copy(in.inner(), b.plain(dims), to);
                plan = b.build();
            } catch (RuntimeException e) {
                b.abandon();
                throw e;
            }
        }

        void run(long address) {
            from.bind(address);
            to.bind(address);
            plan.execute();
        }

        @Override
        public void close() {
            plan.close();
        }
    }
}
