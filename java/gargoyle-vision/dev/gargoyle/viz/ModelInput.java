package dev.gargoyle.viz;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.HostBuffer;
import dev.gargoyle.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * How the model being looked into is fed: its class names, input side and per-channel
 * normalisation. The command line fills it from a checkpoint's description, so this package needs
 * nothing of how checkpoints are stored.
 */
public record ModelInput(List<String> classes, int size, float[] mean, float[] std) {

    public ModelInput {
        classes = List.copyOf(classes);
        if (size < 1) {
            throw new IllegalArgumentException("input size must be positive, got " + size);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R,G,B), got " + Arrays.toString(mean)
                    + " and " + Arrays.toString(std));
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** The index of class {@code name}; throws listing the classes when the model has no such class. */
    public int classIndex(String name) {
        int i = classes.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("class '" + name + "' is not in the model; classes are: "
                    + String.join(", ", classes));
        }
        return i;
    }

    /**
     * Writes {@code rgb} ({@code size·size·3} bytes, HWC) into {@code dst [1,3,size,size]}, normalised
     * exactly as training batches are (the backend's own {@link Backend#imagesToTensor}).
     */
    public void load(byte[] rgb, Tensor dst) {
        if (rgb.length != size * size * 3) {
            throw new IllegalArgumentException("image has " + rgb.length + " bytes, expected " + size + "x" + size
                    + "x3 = " + size * size * 3);
        }
        Backend b = dst.backend();
        try (HostBuffer pixels = b.allocateHostBuffer(rgb.length)) {
            pixels.buffer().clear();
            pixels.buffer().put(rgb);
            b.imagesToTensor(pixels, 1, size, size, mean, std, dst);
        }
    }

    /**
     * The inverse of the normalisation for a {@code [3,size,size]} (CHW) input: pixels
     * {@code (x·std + mean)·255}, rounded and clipped to 0..255, as RGB bytes in HWC order.
     */
    public byte[] toPixels(float[] chw) {
        int plane = size * size;
        if (chw.length != 3 * plane) {
            throw new IllegalArgumentException("input has " + chw.length + " values, expected 3x" + size + "x" + size);
        }
        byte[] out = new byte[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                double v = Math.rint(((double) chw[c * plane + i] * std[c] + mean[c]) * 255.0);
                out[i * 3 + c] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return out;
    }
}
