package dev.gargoyle.bench;

import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.List;

/** Max or average pooling of {@code [n, c, h, w]}: memory-bound, measured in bytes moved. */
public record PoolLayer(String name, int n, int c, int h, int w, Pool2dSpec spec) implements BenchLayer {

    public PoolLayer {
        spec.outputShape("pool layer " + name, Shape.of(n, c, h, w));
    }

    @Override
    public String kind() {
        return "pool";
    }

    @Override
    public Shape input() {
        return Shape.of(n, c, h, w);
    }

    @Override
    public Shape output() {
        return spec.outputShape("pool layer " + name, input());
    }

    @Override
    public String geometry() {
        return BenchLayer.dims(input()) + " " + spec.kind().name().toLowerCase(java.util.Locale.ROOT) + " "
                + spec.kernelH() + "x" + spec.kernelW() + " pad " + spec.padH() + " stride " + spec.strideH();
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
     * Forward reads x and writes y. Backward reads dy and writes dx; max pooling must also learn
     * where each maximum was, which costs at least one more read of the input's size (cuDNN reads x
     * and y; oneDNN reads a workspace of y's size, so this is an upper bound of its minimum).
     */
    @Override
    public double bytes(Pass pass) {
        long x = input().numel();
        long y = output().numel();
        return Float.BYTES * (double) switch (pass) {
            case FORWARD -> x + y;
            case BACKWARD -> y + x + (spec.kind() == Pool2dSpec.Kind.MAX ? x : 0);
            case BACKWARD_DATA, BACKWARD_FILTER -> throw new IllegalArgumentException("pooling has no " + pass.label());
        };
    }
}
