package dev.gargoyle.bench;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.List;

/**
 * A convolution of input {@code [n, c, h, w]} with {@code k} filters of {@code r x s}, no bias. All
 * three passes do the same work, {@code 2·N·K·C·R·S·P·Q} floating-point operations (one multiply
 * and one add per weight per output position), the figure DeepBench and cuDNN's papers use. It
 * counts the taps that fall on zero padding, which libraries skip, so a small padded input (3x3 pad
 * 1 on 4x4: only 69% of the taps are real) can show a rate above the SGEMM peak.
 */
public record ConvLayer(String name, int n, int c, int h, int w, int k, int r, int s, Conv2dSpec spec)
        implements BenchLayer {

    public ConvLayer {
        if (spec.groups() != 1) {
            throw new IllegalArgumentException("conv layer " + name + ": only groups = 1 is benchmarked, got "
                    + spec.groups());
        }
        spec.outputShape("conv layer " + name, Shape.of(n, c, h, w), Shape.of(k, c, r, s));
    }

    @Override
    public String kind() {
        return "conv";
    }

    @Override
    public Shape input() {
        return Shape.of(n, c, h, w);
    }

    public Shape weight() {
        return Shape.of(k, c, r, s);
    }

    @Override
    public Shape output() {
        return spec.outputShape("conv layer " + name, input(), weight());
    }

    @Override
    public String geometry() {
        String pad = spec.padH() == spec.padW() ? "" + spec.padH() : spec.padH() + "x" + spec.padW();
        String stride = spec.strideH() == spec.strideW() ? "" + spec.strideH() : spec.strideH() + "x" + spec.strideW();
        return BenchLayer.dims(input()) + " k" + k + " " + r + "x" + s + " pad " + pad + " stride " + stride;
    }

    @Override
    public List<Pass> passes() {
        return List.of(Pass.FORWARD, Pass.BACKWARD_DATA, Pass.BACKWARD_FILTER);
    }

    @Override
    public double flops(Pass pass) {
        return 2.0 * output().numel() * c * r * s;
    }

    /**
     * Each of the three tensors once, whatever the pass: forward reads x and w and writes y,
     * backward-data reads dy and w and writes dx, backward-filter reads x and dy and writes dw.
     */
    @Override
    public double bytes(Pass pass) {
        if (pass == Pass.BACKWARD) {
            throw new IllegalArgumentException("conv has no plain backward pass");
        }
        return Float.BYTES * (double) (input().numel() + weight().numel() + output().numel());
    }
}
