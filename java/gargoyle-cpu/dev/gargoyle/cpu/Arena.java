package dev.gargoyle.cpu;

import dev.gargoyle.tensor.spi.HostMemory;

/**
 * One block of host memory for everything that lives only during a single op: oneDNN scratchpads
 * and the blocked copies of tensors around a convolution. Ops run one at a time, so every cached
 * plan can use the same block; it grows when a new plan needs more (never in a warm call) and each
 * plan binds its buffers to the current base on every run.
 */
final class Arena implements Resource {
    static final long ALIGNMENT = 64;

    private HostMemory block = new HostMemory(0);

    /** Makes the block at least {@code bytes} long; the old contents are not kept. */
    void ensure(long bytes) {
        if (bytes > block.bytes()) {
            block.close();
            block = new HostMemory(bytes);
        }
    }

    long bytes() {
        return block.bytes();
    }

    long base() {
        return block.address().address();
    }

    static long align(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    @Override
    public void close() {
        block.close();
    }
}
