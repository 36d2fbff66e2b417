package dev.gargoyle.bench;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The layers to benchmark: the AHE model's, a subset of DeepBench's, or those of a shape file. */
public final class ShapeSets {
    /** The AHE model's five conv blocks: 3x3 pad-1 convolutions to these widths. */
    private static final int[] AHE_WIDTHS = {32, 64, 128, 256, 512};

    /**
     * Convolution training problems from Baidu's DeepBench, github.com/baidu-research/DeepBench,
     * code/kernels/conv_problems.h, {@code training_set}, in its tuple order
     * {@code (W, H, C, N, K, S, R, pad_w, pad_h, wstride, hstride)}: speech (700x161 spectrograms),
     * OCR (480x48), face recognition (108x108) and vision (VGG, ResNet, GoogLeNet) layers, picked to
     * span 1x1 to 20x5 filters, strides 1 and 2, and small to large channel counts while staying
     * under 60 MB per tensor. About 20 GFLOP per pass for the set: minutes on a 2-core CPU, so use
     * small {@code --repeats} or {@code --filter} there.
     */
    private static final int[][] DEEPBENCH = {
        {700, 161, 1, 4, 32, 20, 5, 0, 0, 2, 2},
        {341, 79, 32, 4, 32, 10, 5, 0, 0, 2, 2},
        {480, 48, 1, 16, 16, 3, 3, 1, 1, 1, 1},
        {240, 24, 16, 16, 32, 3, 3, 1, 1, 1, 1},
        {108, 108, 3, 8, 64, 3, 3, 1, 1, 2, 2},
        {54, 54, 64, 8, 64, 3, 3, 1, 1, 1, 1},
        {224, 224, 3, 16, 64, 7, 7, 3, 3, 2, 2},
        {28, 28, 192, 16, 32, 5, 5, 2, 2, 1, 1},
        {14, 14, 512, 16, 192, 1, 1, 0, 0, 1, 1},
        {56, 56, 64, 8, 256, 1, 1, 0, 0, 2, 2},
        {14, 14, 256, 8, 256, 3, 3, 1, 1, 1, 1},
        {7, 7, 512, 16, 512, 3, 3, 1, 1, 1, 1},
    };

    private ShapeSets() {
    }

    /**
     * {@code ahe} (at {@code batch} and {@code size}), {@code deepbench} (its own batch sizes), or
     * the path of a shape file ({@link ShapeFile}).
     *
     * @throws IllegalArgumentException naming the text when it is none of these, or the file's errors
     */
    public static List<BenchLayer> resolve(String shapes, int batch, int size) {
        String name = shapes.trim().toLowerCase(Locale.ROOT);
        if (name.equals("ahe")) {
            return ahe(batch, size);
        }
        if (name.equals("deepbench")) {
            return deepbench();
        }
        Path file = Path.of(shapes);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--shapes: '" + shapes + "' is neither ahe, deepbench nor a shape file");
        }
        return ShapeFile.read(file);
    }

    /**
     * The AHE model's convolution, batch-norm and pooling layers for {@code batch} images of
     * {@code size x size}, named as in its state dict ({@code features.0} is the first convolution,
     * {@code features.1} its batch-norm, {@code features.3} the pooling after it).
     */
    public static List<BenchLayer> ahe(int batch, int size) {
        if (batch < 1) {
            throw new IllegalArgumentException("ahe shapes: batch must be at least 1, got " + batch);
        }
        if (size < 16 || size % 16 != 0) {
            throw new IllegalArgumentException("ahe shapes: size must be a positive multiple of 16, got " + size);
        }
        List<BenchLayer> layers = new ArrayList<>();
        int in = 3;
        for (int b = 0; b < AHE_WIDTHS.length; b++) {
            int side = size >> b;
            int out = AHE_WIDTHS[b];
            layers.add(new ConvLayer("features." + 4 * b, batch, in, side, side, out, 3, 3, Conv2dSpec.of(1, 1)));
            layers.add(new BatchNormLayer("features." + (4 * b + 1), batch, out, side, side, true));
            if (b < AHE_WIDTHS.length - 1) {
                layers.add(new PoolLayer("features." + (4 * b + 3), batch, out, side, side, Pool2dSpec.max(2, 2, 0)));
            }
            in = out;
        }
        return layers;
    }

    /** The DeepBench subset, named {@code db01}..{@code db12} in the order of the table above. */
    public static List<BenchLayer> deepbench() {
        List<BenchLayer> layers = new ArrayList<>();
        for (int i = 0; i < DEEPBENCH.length; i++) {
            int[] p = DEEPBENCH[i];
            layers.add(new ConvLayer(String.format(Locale.ROOT, "db%02d", i + 1), p[3], p[2], p[1], p[0], p[4], p[6],
                    p[5], new Conv2dSpec(p[10], p[9], p[8], p[7], 1, 1, 1)));
        }
        return layers;
    }
}
