package dev.gargoyle.bench;

import dev.gargoyle.models.AheNet;
import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.Optimizer;
import dev.gargoyle.optim.OptimizerConfig;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.HostBuffer;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.train.AccumulationPlan;
import dev.gargoyle.train.TrainStep;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;

/**
 * Whole training and inference steps of the AHE model on synthetic images, no disk: each
 * micro-batch is what the trainer does ({@code imagesToTensor} from a uint8 host batch, dropout
 * seeded, {@link TrainStep}: forward, loss, backward, and Adam after every {@code k} micro-batches
 * with the {@link AccumulationPlan}'s loss scale); inference is an evaluation-mode forward with the
 * logits copied to the host, as the evaluator does. Rates are images per second of timed windows
 * after untimed warm-up steps. Optionally, further training windows run with a {@link StepProfiler}
 * to show where a micro-batch's time goes.
 */
public final class TrainBench {
    /** The trainer's defaults: dropout 0.25, normalisation 0.5 / 0.5, learning rate 1e-3. */
    private static final double DROPOUT = 0.25;
    private static final float[] MEAN = {0.5f, 0.5f, 0.5f};
    private static final float[] STD = {0.5f, 0.5f, 0.5f};
    private static final double LR = 1e-3;

    private final Backend backend;
    private final TrainBenchSettings s;
    private final Progress progress;
    private long peakBackend;
    private long peakProcess;
    private long microBatch;

    public TrainBench(Backend backend, TrainBenchSettings settings, Progress progress) {
        this.backend = backend;
        this.s = settings;
        this.progress = progress;
    }

    /** Steps {@link #run} reports: one per micro-batch or inference batch, warm-up and profiling included. */
    public static int steps(TrainBenchSettings s, boolean breakdown) {
        return 2 * (s.warmup() * s.accumulationSteps() + s.windows() * s.batchesPerWindow())
                + (breakdown ? s.batchesPerWindow() : 0);
    }

    /**
     * Measures training, then (with {@code breakdown}) one more training window with the profiler,
     * then inference; {@code loader} (may be null) is added to the result as it is.
     */
    public TrainBenchResult run(Throughput loader, boolean breakdown) {
        int size = s.size();
        int n = s.batchSize();
        try (Model model = AheNet.of(AheNet.unnamedClasses(TrainBenchSettings.CLASSES), size, DROPOUT)
                .build(backend, s.seed());
             Optimizer adam = OptimizerConfig.adam().create(model, name -> 1.0);
             TrainStep step = new TrainStep(model, adam, CrossEntropyLoss.unweighted(), 0);
             HostBuffer pixels = backend.allocateHostBuffer((long) n * size * size * 3);
             Tensor x = backend.allocate(Shape.of(n, 3, size, size))) {
            SplittableRandom random = new SplittableRandom(s.seed());
            fillPixels(pixels, random);
            int[] labels = random.ints(n, 0, TrainBenchSettings.CLASSES).toArray();
            double[] weights = new double[s.accumulationSteps()];
            Arrays.fill(weights, n);
            AccumulationPlan plan = new AccumulationPlan(weights, s.accumulationSteps());
            sample();
            model.train();
            Throughput train = measure(() -> update(model, step, plan, pixels, x, labels, null), s.warmup(),
                    s.updatesPerWindow());
            StepBreakdown profile = null;
            if (breakdown) {
                try (StepProfiler profiler = new StepProfiler(model)) {
                    for (int u = 0; u < s.updatesPerWindow(); u++) {
                        update(model, step, plan, pixels, x, labels, profiler);
                    }
                    profile = profiler.result();
                }
            }
            model.eval();
            Throughput inference = measure(() -> {
                backend.imagesToTensor(pixels, n, size, size, MEAN, STD, x);
                model.forward(x).toArray();
                sample();
                progress.step("inference");
            }, s.warmup() * s.accumulationSteps(), s.batchesPerWindow());
            return new TrainBenchResult(backend.device().toString(), backend.describe(),
                    Backends.describe(backend.device().kind()), s, train, inference, peakBackend, peakProcess, loader,
                    profile);
        }
    }

    /** One optimizer update: its micro-batches as the trainer runs them, then Adam; {@code profiler} may be null. */
    private void update(Model model, TrainStep step, AccumulationPlan plan, HostBuffer pixels, Tensor x, int[] labels,
                        StepProfiler profiler) {
        int n = s.batchSize();
        for (int i = 0; i < plan.microBatches(); i++) {
            if (profiler != null) {
                profiler.microBatchStarts();
            }
            backend.imagesToTensor(pixels, n, s.size(), s.size(), MEAN, STD, x);
            if (profiler != null) {
                profiler.inputDone();
            }
            model.setStepSeed(s.seed() + microBatch++);
            TrainStep.Output o = step.microBatch(x, labels, plan.lossScale(i));
            if (profiler != null) {
                profiler.microBatchDone();
            }
            if (!Double.isFinite(o.loss())) {
                throw new IllegalStateException("bench train: the loss became " + o.loss() + " at micro-batch "
                        + microBatch + "; the synthetic run diverged");
            }
            if (plan.endsUpdate(i)) {
                long start = profiler != null ? profiler.mark() : 0;
                step.update(LR);
                if (profiler != null) {
                    profiler.optimizerTook(profiler.mark() - start);
                }
            }
            sample();
            progress.step(profiler != null ? "profile" : "train");
        }
    }

    /** {@code warmupUnits} untimed runs of {@code unit}, then the windows, each waiting for the backend at both ends. */
    private Throughput measure(Runnable unit, int warmupUnits, int unitsPerWindow) {
        for (int i = 0; i < warmupUnits; i++) {
            unit.run();
        }
        double[] seconds = new double[s.windows()];
        for (int w = 0; w < seconds.length; w++) {
            backend.synchronize();
            long start = System.nanoTime();
            for (int i = 0; i < unitsPerWindow; i++) {
                unit.run();
            }
            backend.synchronize();
            seconds[w] = (System.nanoTime() - start) / 1e9;
        }
        return Throughput.of(s.imagesPerWindow(), seconds);
    }

    private void sample() {
        peakBackend = Math.max(peakBackend, backend.memoryInUse());
        peakProcess = Math.max(peakProcess, Pointer.physicalBytes());
    }

    private static void fillPixels(HostBuffer pixels, SplittableRandom random) {
        ByteBuffer b = pixels.buffer();
        byte[] row = new byte[4096];
        for (int at = 0; at < b.capacity(); at += row.length) {
            int len = Math.min(row.length, b.capacity() - at);
            for (int i = 0; i < len; i++) {
                row[i] = (byte) random.nextInt(256);
            }
            b.put(at, row, 0, len);
        }
    }
}
