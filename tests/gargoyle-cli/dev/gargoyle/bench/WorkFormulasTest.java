package dev.gargoyle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;
import org.junit.jupiter.api.Test;

/** FLOP and byte counts, rates and peak fractions, each against numbers worked out by hand. */
class WorkFormulasTest {
    /** N=2, C=3, 5x5, K=4, 3x3, pad 1, stride 2: P = Q = (5 + 2 - 3)/2 + 1 = 3. */
    private static final ConvLayer CONV = new ConvLayer("c", 2, 3, 5, 5, 4, 3, 3, Conv2dSpec.of(2, 1));

    @Test
    void convolutionFlopsAreTwoNKCRSPQForEveryPass() {
        // 2 · N2 · K4 · C3 · R3 · S3 · P3 · Q3 = 16 · 243 = 3888
        for (Pass p : CONV.passes()) {
            assertEquals(3888.0, CONV.flops(p), p.label());
        }
        // Each tensor once: x 2·3·5·5 = 150, w 4·3·3·3 = 108, y 2·4·3·3 = 72 floats; (150 + 108 + 72) · 4 B
        assertEquals(1320.0, CONV.bytes(Pass.FORWARD));
        assertEquals(1320.0, CONV.bytes(Pass.BACKWARD_FILTER));
        assertThrows(IllegalArgumentException.class, () -> CONV.bytes(Pass.BACKWARD));
    }

    @Test
    void poolingAndBatchNormBytes() {
        // x [2,3,4,4] = 96 floats, y [2,3,2,2] = 24 floats.
        PoolLayer max = new PoolLayer("p", 2, 3, 4, 4, Pool2dSpec.max(2, 2, 0));
        assertEquals((96 + 24) * 4.0, max.bytes(Pass.FORWARD));
        assertEquals((24 + 96 + 96) * 4.0, max.bytes(Pass.BACKWARD));
        PoolLayer avg = new PoolLayer("a", 2, 3, 4, 4, Pool2dSpec.avg(2, 2, 0));
        assertEquals((24 + 96) * 4.0, avg.bytes(Pass.BACKWARD));
        assertEquals(0.0, max.flops(Pass.FORWARD));
        // C = 3: forward x read + y written + 8 vectors of C; backward x, dy, dx + 7 vectors of C.
        BatchNormLayer bn = new BatchNormLayer("b", 2, 3, 4, 4);
        assertEquals((2 * 96 + 8 * 3) * 4.0, bn.bytes(Pass.FORWARD));
        assertEquals((3 * 96 + 7 * 3) * 4.0, bn.bytes(Pass.BACKWARD));
    }

    @Test
    void ratesAndPeakFractions() {
        // Peaks from the fastest run: 2 · 1000³ = 2e9 FLOP in 2 ms = 1000 GFLOP/s; 2 · 1e9 B in 100 ms = 20 GB/s.
        Peaks peaks = new Peaks(1000, new Timing(3, 2, 4, 5), 1_000_000_000L, new Timing(110, 100, 120, 5));
        assertEquals(1000.0, peaks.gflops(), 1e-9);
        assertEquals(20.0, peaks.gbps(), 1e-12);
        // 3888 FLOP in 0.002 ms = 1.944 GFLOP/s; 1320 B in 0.002 ms = 0.66 GB/s.
        OpResult conv = new OpResult("c", "conv", "", Pass.FORWARD, "oneDNN", true, OpResult.OK,
                new Timing(0.002, 0.001, 0.003, 3), 3888, 1320, null, null, null, null);
        assertEquals(1.944, conv.gflops(), 1e-12);
        assertEquals(0.66, conv.gbps(), 1e-12);
        assertEquals(1.944 / 1000, conv.peakFraction(peaks), 1e-15);
        // Memory-bound: 480 B in 0.001 ms = 0.48 GB/s, over 20 GB/s.
        OpResult pool = new OpResult("p", "pool", "", Pass.FORWARD, "oneDNN", true, OpResult.OK,
                new Timing(0.001, 0.001, 0.001, 3), 0, 480, null, null, null, null);
        assertTrue(Double.isNaN(pool.gflops()));
        assertEquals(0.48 / 20, pool.peakFraction(peaks), 1e-15);
        OpResult failed = new OpResult("c", "conv", "", Pass.FORWARD, "FFT", false, "CUDNN_STATUS_NOT_SUPPORTED", null,
                3888, 1320, 0L, true, "FMA", 0.0);
        assertTrue(Double.isNaN(failed.gflops()) && Double.isNaN(failed.peakFraction(peaks)));
    }
}
