package dev.gargoyle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.cuda.CudnnTuning;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.testing.GpuTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layer benchmark on CUDA: every cuDNN algorithm listed per convolution pass, one chosen, events time repeats. */
@GpuTest
class BenchGpuTest {

    @Test
    void everyConvolutionPassListsCudnnsAlgorithmsWithOneChosen() {
        List<BenchLayer> layers = List.of(new ConvLayer("c", 4, 8, 16, 16, 16, 3, 3, Conv2dSpec.of(1, 1)),
                new PoolLayer("p", 4, 16, 16, 16, Pool2dSpec.max(2, 2, 0)), new BatchNormLayer("b", 4, 16, 16, 16));
        try (Backend backend = Backends.create(Device.cuda(0))) {
            BenchReport r = new LayerBench(backend, new BenchSettings(1, 3, 512, 16L << 20), Progress.NONE)
                    .run(layers, "gpu test");
            assertTrue(r.validation().stream().allMatch(Check::ok), r.validation().toString());
            assertTrue(r.peaks().gflops() > 0 && r.peaks().gbps() > 0);
            for (Pass pass : List.of(Pass.FORWARD, Pass.BACKWARD_DATA, Pass.BACKWARD_FILTER)) {
                List<OpResult> rows = r.results().stream().filter(o -> o.layer().equals("c") && o.pass() == pass)
                        .toList();
                assertTrue(rows.size() >= 2, pass + ": cuDNN offers several algorithms for 3x3 pad 1, got " + rows);
                List<OpResult> chosen = rows.stream().filter(OpResult::chosen).toList();
                assertEquals(1, chosen.size(), rows.toString());
                assertTrue(chosen.get(0).ok() && chosen.get(0).timing().medianMs() > 0, chosen.toString());
                for (OpResult o : rows) {
                    assertNotNull(o.workspaceBytes(), o.toString());
                    assertNotNull(o.mathType(), o.toString());
                    assertEquals(rows.get(0).flops(), o.flops());
                    assertTrue(!o.ok() || o.timing().minMs() > 0, o.toString());
                }
            }
            for (String layer : List.of("p", "b")) {
                List<OpResult> rows = r.results().stream().filter(o -> o.layer().equals(layer)).toList();
                assertEquals(2, rows.size(), rows.toString());
                assertTrue(rows.stream().allMatch(o -> o.chosen() && o.ok() && o.algorithm().equals("cuDNN")));
            }
        }
    }

    @Test
    void eventsTimeEachRepeatOfQueuedWork() {
        try (Backend backend = Backends.create(Device.cuda(0));
             Tensor a = backend.allocate(Shape.of(1 << 22)); Tensor b = backend.allocate(Shape.of(1 << 22))) {
            CudnnTuning cuda = backend.extension(CudnnTuning.class).orElseThrow();
            int[] runs = {0};
            float[] ms = cuda.timeWithEvents(() -> {
                backend.copy(a, b);
                runs[0]++;
            }, 2, 5);
            assertEquals(5, ms.length);
            assertEquals(7, runs[0]);
            for (float m : ms) {
                assertTrue(m > 0 && m < 1000, java.util.Arrays.toString(ms));
            }
        }
    }
}
