package dev.gargoyle.data;

import dev.gargoyle.tensor.HostBuffer;
import dev.gargoyle.train.Seeds;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.bytedeco.javacpp.BytePointer;

/**
 * Turns an {@link ImageFolder} into batches of uint8 RGB images (HWC, packed one after another in
 * a {@link HostBuffer}) with labels, decoding and augmenting ahead of the consumer on worker threads.
 * It owns a few batch buffers (one per prefetched batch) made by the caller's allocator, and its
 * threads; {@link #close()} frees both. An epoch's batches, their order and their bytes depend only
 * on the data, the options' seed and the epoch number, never on the number of workers.
 *
 * <pre>{@code
 * try (BatchLoader loader = new BatchLoader(splits.train(), options, backend::allocateHostBuffer);
 *      Epoch batches = loader.epoch(e)) {
 *     while (batches.hasNext()) {
 *         try (Batch b = batches.next()) {
 *             backend.imagesToTensor(b.pixels(), b.size(), size, size, mean, std, x);
 *         }
 *     }
 * }
 * }</pre>
 */
public final class BatchLoader implements AutoCloseable {
    private final ImageFolder data;
    private final LoaderOptions options;
    private final int[] batchSizes;
    private final HostBuffer[] buffers;
    private final BytePointer[] starts;
    private final ExecutorService workers;
    private final DecodedCache cache;
    private Epoch open;
    private boolean closed;

    /**
     * @param allocator makes a host buffer of the given number of bytes; the loader owns and closes
     *                  what it returns (the trainer passes {@code backend::allocateHostBuffer})
     */
    public BatchLoader(ImageFolder data, LoaderOptions options, LongFunction<HostBuffer> allocator) {
        this.data = data;
        this.options = options;
        int n = data.size();
        int count = (n + options.batchSize() - 1) / options.batchSize();
        this.batchSizes = new int[count];
        for (int b = 0; b < count; b++) {
            batchSizes[b] = Math.min(options.batchSize(), n - b * options.batchSize());
        }
        int bufferCount = Math.min(options.prefetch(), count);
        // Room for a whole batch even of a small data set: a sampler may draw more samples than it holds.
        long bytes = count == 0 ? 0 : options.batchSize() * options.imageBytes();
        this.buffers = new HostBuffer[bufferCount];
        this.starts = new BytePointer[bufferCount];
        try {
            for (int i = 0; i < bufferCount; i++) {
                buffers[i] = allocator.apply(bytes);
                if (buffers[i] == null || buffers[i].capacity() < bytes) {
                    throw new IllegalStateException("host buffer allocator returned "
                            + (buffers[i] == null ? "null" : buffers[i].capacity() + " bytes")
                            + ", asked for " + bytes);
                }
                starts[i] = new BytePointer(buffers[i].buffer());
            }
        } catch (RuntimeException | Error e) {
            closeBuffers();
            throw e;
        }
        this.cache = new DecodedCache(n, options.cacheBytes());
        this.workers = Workers.pool("gargoyle-loader", options.workers());
    }

    public ImageFolder data() {
        return data;
    }

    public LoaderOptions options() {
        return options;
    }

    /** Batches in every epoch: {@code ceil(samples / batchSize)}. */
    public int batchesPerEpoch() {
        return batchSizes.length;
    }

    /** Images in each batch of an epoch: all {@code batchSize} but possibly the last. */
    public int[] batchSizes() {
        return batchSizes.clone();
    }

    /**
     * Starts epoch {@code number}: its order is a permutation seeded by (seed, epoch) when
     * shuffling, else the data set's order; augmentation is seeded by (seed, epoch, sample index, and how often the epoch drew it before).
     * Only one epoch may be open at a time.
     */
    public Epoch epoch(int number) {
        return epoch(number, order(number));
    }

    /**
     * Starts epoch {@code number} over the samples {@code order} names (indices into the data,
     * repeats allowed), as a sampler chose them; augmentation is seeded by (seed, epoch, sample index, and how often the epoch drew it before).
     */
    public Epoch epoch(int number, int[] order) {
        for (int index : order) {
            if (index < 0 || index >= data.size()) {
                throw new IllegalArgumentException("epoch " + number + ": sample " + index + " is outside the "
                        + data.size() + " samples of " + data);
            }
        }
        if (closed) {
            throw new IllegalStateException("batch loader for " + data + " is closed");
        }
        if (open != null) {
            throw new IllegalStateException("epoch " + open.number() + " is still open: close it before starting epoch "
                    + number);
        }
        open = new Epoch(this, number, order.clone());
        return open;
    }

    /** Sample indices of an epoch in the order batches take them. */
    int[] order(int epoch) {
        if (options.shuffle()) {
            return Seeds.permutation(data.size(), Seeds.mix(options.seed(), Seeds.SHUFFLE, epoch));
        }
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        return order;
    }

    int bufferCount() {
        return buffers.length;
    }

    HostBuffer buffer(int i) {
        return buffers[i];
    }

    BytePointer start(int i) {
        return starts[i];
    }

    ExecutorService workers() {
        return workers;
    }

    DecodedCache cache() {
        return cache;
    }

    /** Bytes of decoded images kept for the next epochs (see {@link LoaderOptions#cacheBytes}). */
    public long cachedBytes() {
        return cache.bytes();
    }

    void closed(Epoch epoch) {
        if (open == epoch) {
            open = null;
        }
    }

    /** Stops an open epoch (waiting only for images being decoded right now), the threads, and frees the buffers. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (open != null) {
                open.close();
            }
        } finally {
            workers.shutdownNow();
            try {
                workers.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeBuffers();
            cache.close();
        }
    }

    private void closeBuffers() {
        for (HostBuffer b : buffers) {
            if (b != null) {
                b.close();
            }
        }
    }
}
