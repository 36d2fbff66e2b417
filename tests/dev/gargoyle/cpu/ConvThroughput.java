package dev.gargoyle.cpu;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;

/**
 * Hand-run measurement (not a unit test) of convolution throughput on the AHE model's five 3x3
 * layers at batch 64 from a 64x64 input: forward, backward data and backward weights, in GFLOP/s
 * with FLOPs = 2·N·K·C·R·S·P·Q, median of several timed repeats after warm-up. Reorders between
 * NCHW and oneDNN's blocked layouts are included, as training pays them.
 *
 * <p>Run: {@code mvn -q test-compile && java -cp target/test-classes:target/classes:$(cat cp.txt)
 * dev.gargoyle.cpu.ConvThroughput [batch] [repeats]}.
 */
final class ConvThroughput {
    private static final int[][] LAYERS = { // C, K, H (= W)
        {3, 32, 64}, {32, 64, 32}, {64, 128, 16}, {128, 256, 8}, {256, 512, 4}};

    private ConvThroughput() {
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Conv2dSpec spec = Conv2dSpec.of(1, 1);
        Random random = new Random(1);
        try (Backend cpu = Backends.create(Device.cpu())) {
            System.out.println(cpu.describe() + ", batch " + batch + ", median of " + repeats);
            System.out.printf("%-16s %8s %19s %19s %19s%n", "layer", "GFLOP", "forward", "bwd data", "bwd weights");
            System.out.printf("%-16s %8s %19s %19s %19s%n", "", "", "GFLOP/s (ms) best", "GFLOP/s (ms) best",
                    "GFLOP/s (ms) best");
            double[] total = new double[3];
            for (int[] l : LAYERS) {
                Shape xs = Shape.of(batch, l[0], l[2], l[2]);
                Shape ws = Shape.of(l[1], l[0], 3, 3);
                try (Tensor x = random(cpu, xs, random); Tensor w = random(cpu, ws, random);
                     Tensor b = random(cpu, Shape.of(l[1]), random);
                     Tensor y = cpu.allocate(spec.outputShape("bench", xs, ws)); Tensor dx = cpu.allocate(xs);
                     Tensor dw = cpu.allocate(ws); Tensor db = cpu.allocate(b.shape())) {
                    double flops = spec.flops(xs, ws);
                    double[][] ms = {
                        time(repeats, () -> cpu.conv2dForward(x, w, b, spec, y)),
                        time(repeats, () -> cpu.conv2dBackwardData(y, w, spec, dx)),
                        time(repeats, () -> cpu.conv2dBackwardWeights(x, y, spec, dw, db))};
                    System.out.printf("%3d->%3d @%3dx%-3d %8.3f %s %s %s%n", l[0], l[1], l[2], l[2], flops / 1e9,
                            cell(flops, ms[0]), cell(flops, ms[1]), cell(flops, ms[2]));
                    for (int i = 0; i < 3; i++) {
                        total[i] += ms[i][0];
                    }
                }
            }
            System.out.printf("total median ms per batch: forward %.1f, backward data %.1f, backward weights %.1f%n",
                    total[0], total[1], total[2]);
        }
    }

    /** Median GFLOP/s, its milliseconds per call, and the best repeat's GFLOP/s (what a quiet machine gives). */
    private static String cell(double flops, double[] ms) {
        return String.format("%5.0f (%5.1f) %4.0f", flops / 1e6 / ms[0], ms[0], flops / 1e6 / ms[1]);
    }

    /**
     * Milliseconds of one call, median and best, over {@code repeats} timings of enough calls for
     * ~0.2 s each.
     */
    private static double[] time(int repeats, Runnable op) {
        for (int i = 0; i < 3; i++) {
            op.run();
        }
        long t0 = System.nanoTime();
        op.run();
        int calls = (int) Math.max(1, Math.min(100, 2e8 / Math.max(1, System.nanoTime() - t0)));
        double[] ms = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                op.run();
            }
            ms[r] = (System.nanoTime() - start) / 1e6 / calls;
        }
        Arrays.sort(ms);
        return new double[] {ms[repeats / 2], ms[0]};
    }

    private static Tensor random(Backend cpu, Shape s, Random random) {
        float[] v = new float[Math.toIntExact(s.numel())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian() * 0.1f;
        }
        return cpu.allocate(s).copyFrom(v);
    }
}
