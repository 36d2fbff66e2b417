package dev.gargoyle.dist;

import dev.gargoyle.nn.BackwardHook;
import dev.gargoyle.nn.HookHandle;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.Module;
import dev.gargoyle.nn.Parameter;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sums a model's gradients over the ranks once per optimizer update, as PyTorch's DDP does: the flat
 * gradient buffer is cut into contiguous buckets of about {@code bucketBytes}, and each bucket's
 * all-reduce starts while backward still runs, as soon as every layer owning a piece of it is done.
 * A layer is done when the next layer's backward begins (layers run one at a time), so buckets at the
 * end of the buffer, whose layers backward reaches first, go out first.
 */
public final class GradientBuckets implements AutoCloseable {
    private final Communicator communicator;
    private final List<Bucket> buckets = new ArrayList<>();
    private final List<HookHandle> hooks = new ArrayList<>();
    private final List<Module> finished = new ArrayList<>();
    private Module running;
    private boolean armed;
    private long waitNanos;
    private long reducedBytes;

    /** One contiguous slice of the flat gradients and the layers whose parameters lie in it. */
    private static final class Bucket {
        final Tensor grads;
        final List<Module> owners = new ArrayList<>();
        Communicator.Pending pending;

        Bucket(Tensor grads) {
            this.grads = grads;
        }
    }

    public GradientBuckets(Model model, Communicator communicator, long bucketBytes) {
        if (bucketBytes < Float.BYTES) {
            throw new IllegalArgumentException("GradientBuckets: bucketBytes must be at least 4, got " + bucketBytes);
        }
        this.communicator = communicator;
        Map<Parameter, Module> ownerOf = new IdentityHashMap<>();
        model.modules().values().forEach(m -> m.parameters().forEach(p -> ownerOf.put(p, m)));
        List<Model.Slot> slots = model.slots();
        long end = model.flatGradients().numel();
        List<Module> owners = new ArrayList<>();
        for (int i = slots.size() - 1; i >= 0; i--) {
            Model.Slot s = slots.get(i);
            owners.add(ownerOf.get(s.parameter()));
            long start = i == 0 ? 0 : s.offset();
            if ((end - start) * Float.BYTES >= bucketBytes || i == 0) {
                Bucket b = new Bucket(model.flatGradients().slice(start, Shape.of(Math.toIntExact(end - start))));
                b.owners.addAll(owners);
                buckets.add(b);
                owners.clear();
                end = start;
            }
        }
        Set<Module> layers = Collections.newSetFromMap(new IdentityHashMap<>());
        layers.addAll(ownerOf.values());
        for (Module m : layers) {
            hooks.add(m.addBackwardHook(BackwardHook.onStart(this::onBackward)));
        }
    }

    /** The next backward ends an optimizer update: start each bucket as soon as it is complete. */
    public void arm() {
        armed = true;
        finished.clear();
        running = null;
    }

    private void onBackward(Module module) {
        if (!armed) {
            return;
        }
        if (running != null) {
            finished.add(running);
        }
        running = module;
        // Only the leading ready buckets, so every rank starts them in list order whatever its backward does.
        for (Bucket b : buckets) {
            if (b.pending != null) {
                continue;
            }
            if (!finished.containsAll(b.owners)) {
                break;
            }
            start(b);
        }
    }

    private void start(Bucket b) {
        b.pending = communicator.allReduceSum(b.grads);
        reducedBytes += b.grads.numel() * Float.BYTES;
    }

    /**
     * After the update's last backward (or instead of it, on a rank with no samples left): starts
     * the buckets not yet started and waits for all, so every rank holds the summed gradients.
     */
    public void finish() {
        for (Bucket b : buckets) {
            if (b.pending == null) {
                start(b);
            }
        }
        long t0 = System.nanoTime();
        for (Bucket b : buckets) {
            b.pending.await();
            b.pending = null;
        }
        waitNanos += System.nanoTime() - t0;
        armed = false;
    }

    /** How many buckets the gradients are cut into. */
    public int bucketCount() {
        return buckets.size();
    }

    /** Time spent in {@link #finish()} waiting for all-reduces that backward did not hide, in nanoseconds. */
    public long waitNanos() {
        return waitNanos;
    }

    /** Bytes all-reduced so far. */
    public long reducedBytes() {
        return reducedBytes;
    }

    @Override
    public void close() {
        hooks.forEach(HookHandle::close);
        hooks.clear();
        buckets.forEach(b -> b.grads.close());
    }
}
