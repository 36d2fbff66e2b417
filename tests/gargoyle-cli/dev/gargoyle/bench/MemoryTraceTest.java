package dev.gargoyle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The slopes {@code bench memory} reports, against lines whose slope is known. */
class MemoryTraceTest {
    private static final long MIB = 1 << 20;

    @Test
    void theSlopeIsTheLeastSquaresFitInMibPerThousandUpdates() {
        // 2 MiB more every 1,000 updates, exactly; and a flat line with alternating +-1 MiB noise.
        List<MemoryTrace.Sample> rising = List.of(sample(1000, 10 * MIB), sample(2000, 12 * MIB),
                sample(3000, 14 * MIB), sample(4000, 16 * MIB));
        assertEquals(2.0, MemoryTrace.slope(rising, MemoryTrace.Sample::resident), 1e-12);
        List<MemoryTrace.Sample> flat = List.of(sample(0, 9 * MIB), sample(100, 11 * MIB), sample(200, 9 * MIB),
                sample(300, 11 * MIB), sample(400, 9 * MIB), sample(500, 11 * MIB));
        // Deviations from the means (250 updates, 10 MiB): x -250..250 by 100, y -1, 1, -1, 1, -1, 1 MiB;
        // sum of products 300 MiB x updates, sum of squares of x 175,000: 300 / 175,000 MiB per update.
        assertEquals(300.0 / 175_000 * 1000, MemoryTrace.slope(flat, MemoryTrace.Sample::resident), 1e-12);
    }

    @Test
    void slopesSkipTheWarmUpAndNeedTwoSamples() {
        MemoryTrace trace = new MemoryTrace(1, () -> 0);
        for (long u = 1; u <= 4; u++) {
            trace.onStep(new dev.gargoyle.train.TrainingListener.StepEvent(1, (int) u, 4, u, 0, 0, 0, 0));
        }
        assertEquals(4, trace.samples().size());
        assertEquals(3, trace.slopes(2).samples());
        assertThrows(IllegalStateException.class, () -> trace.slopes(4));
    }

    private static MemoryTrace.Sample sample(long updates, long resident) {
        return new MemoryTrace.Sample(updates, 0, 0, resident);
    }
}
