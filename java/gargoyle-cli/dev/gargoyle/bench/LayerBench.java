package dev.gargoyle.bench;

import dev.gargoyle.cuda.CudnnTuning;
import dev.gargoyle.tensor.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layer benchmark: validates the backend against float64 loops, measures the SGEMM and copy
 * peaks, then times every pass of every layer (on CUDA every convolution algorithm cuDNN offers)
 * and returns the lot as a {@link BenchReport}.
 */
public final class LayerBench {
    private static final Logger LOG = LoggerFactory.getLogger(LayerBench.class);

    private final Backend backend;
    private final BenchSettings settings;
    private final Progress progress;
    private final OpTimer timer;

    public LayerBench(Backend backend, BenchSettings settings, Progress progress) {
        this.backend = backend;
        this.settings = settings;
        this.progress = progress;
        this.timer = OpTimer.forBackend(backend);
    }

    /** How many steps {@link #run} reports for {@code layers}: validation, two peaks, then one per pass. */
    public static int steps(List<BenchLayer> layers) {
        return 3 + layers.stream().mapToInt(l -> l.passes().size()).sum();
    }

    /**
     * Benchmarks {@code layers}, named {@code shapes} in the report.
     *
     * @throws IllegalStateException when validation fails: nothing is timed then
     */
    public BenchReport run(List<BenchLayer> layers, String shapes) {
        List<Check> checks = Validation.run(backend);
        progress.step("validation");
        List<Check> failed = checks.stream().filter(c -> !c.ok()).toList();
        if (!failed.isEmpty()) {
            throw new IllegalStateException("validation against float64 loops failed on " + backend.device() + ": "
                    + failed.stream().map(c -> String.format(java.util.Locale.ROOT, "%s: error %.3g > %.1g", c.what(),
                    c.error(), c.tolerance())).collect(Collectors.joining("; ")) + "; nothing was timed");
        }
        Peaks peaks = PeakProbe.measure(backend, timer, settings, progress);
        LOG.debug("peaks on {}: SGEMM {} GFLOP/s, copy {} GB/s", backend.device(), peaks.gflops(), peaks.gbps());
        List<OpResult> results = new ArrayList<>();
        for (BenchLayer layer : layers) {
            try (Workload work = Workload.of(backend, layer)) {
                for (Pass pass : layer.passes()) {
                    results.addAll(measure(layer, pass, work.pass(pass)));
                    progress.step(layer.name() + " " + pass.label());
                }
            }
        }
        return new BenchReport(backend.device().toString(), backend.describe(), shapes, settings.warmup(),
                settings.repeats(), checks, peaks, results);
    }

    private List<OpResult> measure(BenchLayer layer, Pass pass, Runnable op) {
        Optional<CudnnTuning> cudnn = backend.extension(CudnnTuning.class);
        if (cudnn.isPresent() && layer instanceof ConvLayer conv) {
            return CudaConvSweep.measure(cudnn.get(), conv, pass, op, timer, settings);
        }
        Timing t = timer.time(op, settings.warmup(), settings.repeats());
        String library = backend.device().isCuda() ? "cuDNN" : "oneDNN";
        return List.of(new OpResult(layer.name(), layer.kind(), layer.geometry(), pass, library, true, OpResult.OK, t,
                layer.flops(pass), layer.bytes(pass), null, null, null, null));
    }
}
