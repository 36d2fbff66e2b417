package dev.gargoyle.parity;

import static dev.gargoyle.parity.Scope.uniform;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
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
        Shape xs = Shape.of(4, 3, 12, 12), ws = Shape.of(8, 3, 3, 3), cs = Shape.of(8);
        Conv2dSpec conv = Conv2dSpec.of(1, 1);
        Pool2dSpec pool = Pool2dSpec.max(2, 2, 0);
        Shape hs = conv.outputShape("test", xs, ws), ps = pool.outputShape("test", hs);
        try (Scope s = new Scope(b)) {
            Tensor x = s.tensor(xs, uniform(rng, xs.numel())), w = s.tensor(ws, uniform(rng, ws.numel()));
            Tensor bias = s.tensor(cs, uniform(rng, 8)), gamma = s.tensor(cs, uniform(rng, 8));
            Tensor beta = s.tensor(cs, uniform(rng, 8)), runMean = s.zeros(cs), runVar = s.zeros(cs);
            Tensor h = s.zeros(hs), n = s.zeros(hs), mean = s.zeros(cs), invStd = s.zeros(cs);
            Tensor p = s.zeros(ps), workspace = s.zeros(b.pool2dWorkspaceShape(pool, hs));
            Tensor dp = s.tensor(ps, uniform(rng, ps.numel())), dn = s.zeros(hs), dh = s.zeros(hs), dx = s.zeros(xs);
            Tensor dw = s.zeros(ws), dbias = s.zeros(cs), dgamma = s.zeros(cs), dbeta = s.zeros(cs);
            Runnable step = () -> {
                b.conv2dForward(x, w, bias, conv, h);
                b.batchNormForwardTraining(h, gamma, beta, runMean, runVar, 0.1f, 1e-5f, n, mean, invStd);
                b.reluForward(n, n);
                b.pool2dForward(n, pool, p, workspace);
                b.pool2dBackward(n, p, dp, pool, workspace, dn);
                b.reluBackward(n, dn, dn);
                b.batchNormBackward(h, dn, gamma, mean, invStd, 1e-5f, dh, dgamma, dbeta);
                b.conv2dBackwardData(dh, w, conv, dx);
                b.conv2dBackwardWeights(x, dh, conv, dw, dbias);
            };
            for (int i = 0; i < WARM_UP; i++) {
                step.run();
                if (i % 100 == 99 && b.device().isCpu()) {
                    System.gc();
                }
            }
            b.synchronize();
            // JavaCPP's count first: the collection below would free what a backend leaves to the GC.
            long inUse = b.memoryInUse(), javacpp = Pointer.totalBytes(), resident = residentAfterGc();
            for (int i = WARM_UP; i < STEPS; i++) {
                step.run();
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
