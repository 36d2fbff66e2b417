package dev.gargoyle.data;

import dev.gargoyle.tensor.HostBuffer;

/**
 * One batch of an {@link Epoch}: {@code size()} images of {@code imageSize × imageSize} uint8 RGB,
 * HWC, packed from byte 0 of {@link #pixels()}, with their labels and sample indices. Close it when
 * the pixels have been copied out, so the loader can refill its buffer.
 */
public final class Batch implements AutoCloseable {
    private final Epoch epoch;
    private final Epoch.Slot slot;
    private final HostBuffer pixels;
    private final int imageSize;
    private final int[] labels;
    private final int[] indices;
    private boolean released;

    Batch(Epoch epoch, Epoch.Slot slot, HostBuffer pixels, int imageSize, int[] labels, int[] indices) {
        this.epoch = epoch;
        this.slot = slot;
        this.pixels = pixels;
        this.imageSize = imageSize;
        this.labels = labels;
        this.indices = indices;
    }

    /** The images; valid until this batch or its epoch is closed. The buffer may be larger than the batch. */
    public HostBuffer pixels() {
        if (released || epoch.isClosed()) {
            throw new IllegalStateException("batch " + slot.batch + " of epoch " + epoch.number()
                    + " was released; its buffer is being reused");
        }
        return pixels;
    }

    /** Images in this batch. */
    public int size() {
        return labels.length;
    }

    /** Position of this batch in its epoch, from 0. */
    public int index() {
        return slot.batch;
    }

    public int epoch() {
        return epoch.number();
    }

    public int imageSize() {
        return imageSize;
    }

    /** Class label of each image (a copy). */
    public int[] labels() {
        return labels.clone();
    }

    /** Index of each image in {@link ImageFolder#samples()} (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    /** Gives the buffer back to the loader; a second call does nothing. */
    @Override
    public void close() {
        if (!released) {
            released = true;
            epoch.release(slot);
        }
    }
}
