package dev.gargoyle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.cli.sample.SampleData;
import dev.gargoyle.tensor.HostBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data loading alone over a tiny sample set: one rate per timed epoch, each epoch the whole training split. */
class LoaderBenchTest {
    @TempDir
    Path dir;

    @Test
    void timesWholeEpochs() {
        Path data = dir.resolve("data");
        SampleData.write(data, new SampleData.Spec(3, 16, 0), () -> { });
        int[] steps = {0};
        Throughput t = LoaderBench.run(data, 4, 16, 1, 2, bytes -> HostBuffer.allocate(bytes),
                what -> steps[0]++);
        assertEquals(30, t.imagesPerWindow());
        assertEquals(2, t.perWindow().length);
        assertTrue(t.min() > 0 && t.min() <= t.median() && t.median() <= t.max(), t.toString());
        assertEquals(3, steps[0]);
    }
}
