package dev.gargoyle.data;

import dev.gargoyle.train.DataException;
import dev.gargoyle.train.Seeds;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.PointerScope;

/**
 * One pass over a {@link BatchLoader}'s data: hands out batches in order while the workers fill
 * the free buffers with the next ones. Used from one consumer thread; every {@link Batch} must be
 * closed to give its buffer back, and closing the epoch stops the workers' remaining work.
 */
public final class Epoch implements Iterator<Batch>, AutoCloseable {
    private final BatchLoader loader;
    private final int number;
    private final int[] order;
    /** How many times each place's sample came earlier in this epoch (0 unless a sampler repeats it). */
    private final int[] repeat;
    private final int batches;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final ArrayDeque<Slot> pending = new ArrayDeque<>();
    private final Slot[] inUse;
    private int scheduled;
    private int handedOut;
    private boolean closed;
    /** Set when the epoch is closed or an image failed: workers skip what is left. */
    private volatile boolean stopping;
    private volatile Throwable failure;

    /** A batch being filled in (or held in) one buffer. */
    static final class Slot {
        final int batch;
        final int buffer;
        final int start;
        final int size;
        final AtomicInteger remaining;
        final CountDownLatch done = new CountDownLatch(1);
        volatile Throwable failure;
        volatile boolean incomplete;

        Slot(int batch, int buffer, int start, int size) {
            this.batch = batch;
            this.buffer = buffer;
            this.start = start;
            this.size = size;
            this.remaining = new AtomicInteger(size);
        }
    }

    Epoch(BatchLoader loader, int number, int[] order) {
        this.loader = loader;
        this.number = number;
        this.order = order;
        this.repeat = new int[order.length];
        int[] seen = new int[loader.data().size()];
        for (int i = 0; i < order.length; i++) {
            repeat[i] = seen[order[i]]++;
        }
        this.batches = (order.length + loader.options().batchSize() - 1) / loader.options().batchSize();
        this.inUse = new Slot[loader.bufferCount()];
        for (int i = 0; i < loader.bufferCount(); i++) {
            free.add(i);
        }
        schedule();
    }

    public int number() {
        return number;
    }

    @Override
    public synchronized boolean hasNext() {
        return handedOut < batches;
    }

    /**
     * The next batch, waiting for the workers if it is not ready.
     *
     * @throws UnreadableImageException naming the file when an image of this epoch could not be loaded
     * @throws IllegalStateException    when every buffer is held by batches not yet closed
     */
    @Override
    public synchronized Batch next() {
        if (closed) {
            throw new IllegalStateException("epoch " + number + " is closed");
        }
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + number + " has only " + batches + " batches");
        }
        Slot slot = pending.poll();
        if (slot == null && failure != null) {
            throw rethrow(failure);
        }
        if (slot == null) {
            throw new IllegalStateException("all " + loader.bufferCount()
                    + " batch buffers are held: close a Batch before asking for the next one");
        }
        try {
            slot.done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.addFirst(slot);
            throw new DataException("interrupted while waiting for batch " + slot.batch + " of epoch " + number, e);
        }
        if (slot.failure != null || slot.incomplete) {
            throw rethrow(slot.failure != null ? slot.failure : failure);
        }
        handedOut++;
        int[] indices = new int[slot.size];
        int[] labels = new int[slot.size];
        for (int i = 0; i < slot.size; i++) {
            indices[i] = order[slot.start + i];
            labels[i] = loader.data().sample(indices[i]).label();
        }
        return new Batch(this, slot, loader.buffer(slot.buffer), loader.options().imageSize(), labels, indices);
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized void release(Slot slot) {
        if (closed || inUse[slot.buffer] != slot) {
            return;
        }
        inUse[slot.buffer] = null;
        free.add(slot.buffer);
        schedule();
    }

    private void schedule() {
        int size = loader.options().batchSize();
        while (!free.isEmpty() && scheduled < batches && !stopping) {
            int buffer = free.poll();
            int batch = scheduled++;
            Slot slot = new Slot(batch, buffer, batch * size, Math.min(size, order.length - batch * size));
            inUse[buffer] = slot;
            pending.add(slot);
            for (int i = 0; i < slot.size; i++) {
                int position = i;
                loader.workers().execute(() -> fill(slot, position));
            }
        }
    }

    /** Worker side: one image into its place in the slot's buffer. */
    @SuppressWarnings("try") // the PointerScope frees every Mat made in the body
    private void fill(Slot slot, int position) {
        try {
            if (stopping) {
                slot.incomplete = true;
                return;
            }
            LoaderOptions o = loader.options();
            int sample = order[slot.start + position];
            Path file = loader.data().sample(sample).path();
            try (PointerScope scope = new PointerScope()) {
                // A sample drawn again in the same epoch (sampling with replacement) is augmented anew.
                int again = repeat[slot.start + position];
                long seed = again == 0 ? Seeds.mix(o.seed(), Seeds.AUGMENT, number, sample)
                        : Seeds.mix(o.seed(), Seeds.AUGMENT, number, sample, again);
                ImageOps.place(loader.cache().decoded(sample, file, o.maxPixels()), o.imageSize(), o.augmentation(),
                        seed, ImageOps.rgbView(loader.start(slot.buffer), position * o.imageBytes(), o.imageSize()));
            }
        } catch (Throwable t) {
            slot.failure = t;
            if (failure == null) {
                failure = t;
            }
            stopping = true;
        } finally {
            if (slot.remaining.decrementAndGet() == 0) {
                slot.done.countDown();
            }
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof UnreadableImageException u) {
            return new UnreadableImageException(u.file(), u.reason(), u);
        }
        return new DataException("loading a batch failed: " + t, t);
    }

    /** Stops the workers' remaining work for this epoch and waits for images being decoded right now. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        boolean interrupted = false;
        for (Slot slot : inUse) {
            while (slot != null) {
                try {
                    slot.done.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        loader.closed(this);
    }
}
