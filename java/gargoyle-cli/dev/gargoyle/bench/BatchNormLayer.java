package dev.gargoyle.bench;

import dev.gargoyle.tensor.Shape;
import java.util.List;

/**
 * Spatial batch normalisation of {@code [n, c, h, w]} in training mode, with the ReLU after it run
 * in the same op when {@code relu} (as in the AHE model): memory-bound, measured in bytes moved.
 */
public record BatchNormLayer(String name, int n, int c, int h, int w, boolean relu) implements BenchLayer {

    public BatchNormLayer {
        if (n < 1 || c < 1 || h < 1 || w < 1 || (long) n * h * w < 2) {
            throw new IllegalArgumentException("bn layer " + name + ": need positive sizes and more than one value "
                    + "per channel, got " + n + "x" + c + "x" + h + "x" + w);
        }
    }

    /** Without the ReLU. */
    public BatchNormLayer(String name, int n, int c, int h, int w) {
        this(name, n, c, h, w, false);
    }

    @Override
    public String kind() {
        return relu ? "bn+relu" : "bn";
    }

    @Override
    public Shape input() {
        return Shape.of(n, c, h, w);
    }

    @Override
    public Shape output() {
        return input();
    }

    @Override
    public String geometry() {
        return BenchLayer.dims(input());
    }

    @Override
    public List<Pass> passes() {
        return List.of(Pass.FORWARD, Pass.BACKWARD);
    }

    @Override
    public double flops(Pass pass) {
        return 0;
    }

    /**
     * Each tensor once: forward reads x and writes y (plus reads gamma, beta and the running
     * statistics, writes them and the saved mean and inverse std: 8 vectors of C); backward reads x
     * and dy and writes dx (plus gamma, the saved statistics, and dgamma and dbeta read and written:
     * 7 vectors of C). Two-pass implementations read x (and dy) twice, so the hardware moves more.
     * The ReLU's mask (a bit per element on the CPU) is not counted.
     */
    @Override
    public double bytes(Pass pass) {
        long x = input().numel();
        return Float.BYTES * (double) switch (pass) {
            case FORWARD -> 2 * x + 8L * c;
            case BACKWARD -> 3 * x + 7L * c;
            case BACKWARD_DATA, BACKWARD_FILTER -> throw new IllegalArgumentException("batch-norm has no "
                    + pass.label());
        };
    }
}
