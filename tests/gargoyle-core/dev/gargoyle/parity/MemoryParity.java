package dev.gargoyle.parity;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import java.util.Random;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many forward and backward steps of a conv, batch-norm, ReLU, max-pool block must not grow native
 * memory: the backend's own count, JavaCPP's count of the native memory it allocated (which a
 * per-call allocation left to the garbage collector would grow), and for host backends the
 * resident set of the process.
 */
final class MemoryParity {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryParity.class);
    /**
     * Steps before the first measurement, with a full collection every 100: the JVM's own resident
     * memory (JIT compiler arenas, heap regions touched once) was seen to settle within some 400
     * steps of this block that way, and to drift by tens of MiB without the collections.
     */
    static final int WARM_UP = 500;
    static final int STEPS = 2000;
    /** Backend and JavaCPP counts: caches are full after warm-up, so anything beyond noise is a leak. */
    static final long EXACT_BOUND = 64L << 10;
    /**
     * The resident set, measured after a full collection so that the Java heap has shrunk back,
     * grew by 2-5 MiB over the measured steps on the oneDNN backend, and once in 8,000 steps jumped
     * by 10 MiB (a malloc arena or JIT arena, not a trend); a leak of 12 KiB a step adds 17 MiB over
     * the 1,500 measured steps. Smaller leaks of memory JavaCPP allocates show in the exact counts.
     */
    static final long RESIDENT_BOUND = 16L << 20;

    private MemoryParity() {
    }

    static void check(Backend b) {
        Random rng = new Random(11);
        try (Scope s = new Scope(b)) {
            ConvBlock block = new ConvBlock(b, s, rng, Shape.of(4, 3, 12, 12), Shape.of(8, 3, 3, 3));
            for (int i = 0; i < WARM_UP; i++) {
                block.step();
                if (i % 100 == 99 && b.device().isCpu()) {
                    System.gc();
                }
            }
            b.synchronize();
            // JavaCPP's count first: the collection below would free what a backend leaves to the GC.
            long inUse = b.memoryInUse(), javacpp = Pointer.totalBytes(), resident = residentAfterGc();
            for (int i = WARM_UP; i < STEPS; i++) {
                block.step();
            }
            b.synchronize();
            long inUseAfter = b.memoryInUse(), javacppAfter = Pointer.totalBytes();
            long residentAfter = b.device().isCpu() ? residentAfterGc() : resident;
            LOG.info("{}: native memory from step {} to {}: backend {} B, JavaCPP {} B, resident after GC {} B",
                    b.describe(), WARM_UP, STEPS, inUseAfter - inUse, javacppAfter - javacpp, residentAfter - resident);
            assertGrowth("backend.memoryInUse()", inUse, inUseAfter, EXACT_BOUND);
            if (b.device().isCpu()) {
                assertGrowth("Pointer.totalBytes()", javacpp, javacppAfter, EXACT_BOUND);
                assertGrowth("Pointer.physicalBytes() after a full GC", resident, residentAfter, RESIDENT_BOUND);
            }
        }
    }

    /** After a full collection and a pause: G1 hands freed heap back to the system from a background thread. */
    private static long residentAfterGc() {
        System.gc();
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring memory", e);
        }
        return Pointer.physicalBytes();
    }

    private static void assertGrowth(String what, long before, long after, long bound) {
        assertTrue(after - before <= bound, "native memory grew: " + what + " was " + before + " bytes after "
                + WARM_UP + " steps and " + after + " after " + STEPS + " (+" + (after - before) + ", bound " + bound
                + ")");
    }
}
