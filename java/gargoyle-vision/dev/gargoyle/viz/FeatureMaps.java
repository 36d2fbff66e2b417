package dev.gargoyle.viz;

import dev.gargoyle.nn.BackwardHook;
import dev.gargoyle.nn.ForwardHook;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.Module;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a layer sees in an image, by the gradient-weighted activation map (Grad-CAM): a forward hook
 * keeps the layer's output {@code A [C,H,W]}, a backward hook the gradient {@code G} of a scalar
 * with respect to it; the map is {@code relu(Σ_k mean_ij(G_k) · A_k)}.
 *
 * <p>The scalar is the mean of one filter's activation map ({@link Filter}, the report's
 * CNNVisualizer: its backward starts at the layer itself) or a class logit ({@link ClassLogit},
 * standard Grad-CAM: its backward runs through the rest of the network). Every entry point puts
 * the model in evaluation mode and leaves its parameter gradients zeroed.
 */
public final class FeatureMaps {
    private FeatureMaps() {
    }

    /** The scalar whose gradient weighs the layer's channels. */
    public sealed interface Target permits Filter, ClassLogit {
    }

    /** The mean of filter {@code index}'s activation map in the chosen layer. */
    public record Filter(int index) implements Target {
    }

    /** The logit of class {@code index}. */
    public record ClassLogit(int index) implements Target {
    }

    /**
     * A map of the layer's {@code height × width} grid, row-major, {@code >= 0}, unnormalised; with
     * the model's logits for the image.
     */
    public record FeatureMap(String layer, Target target, int height, int width, double[] values, float[] logits) {
        public double max() {
            double m = 0;
            for (double v : values) {
                m = Math.max(m, v);
            }
            return m;
        }

        /** The values divided by their maximum (all zero when nothing in the layer responds). */
        public double[] normalised() {
            double m = max();
            double[] out = new double[values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = m > 0 ? values[i] / m : 0;
            }
            return out;
        }
    }

    /**
     * The map of {@code target} in {@code layer} for {@code image [1,3,S,S]}.
     *
     * @throws IllegalArgumentException for an unknown layer (listing the layers), a layer without a
     *                                  feature map, or a filter or class index out of range (giving the count)
     */
    @SuppressWarnings("try") // the hooks are registered for exactly the try block
    public static FeatureMap compute(Model model, Tensor image, String layer, Target target) {
        Capture capture = new Capture();
        Module m = prepare(model, image, layer);
        try (Hooks hooks = new Hooks().add(m.addForwardHook(capture)).add(m.addBackwardHook(capture))) {
            float[] logits = model.forward(image).toArray();
            capture.requireFeatureMap(layer);
            if (target instanceof Filter f) {
                backwardFromFilter(model, m, capture, layer, f.index());
            } else if (target instanceof ClassLogit c) {
                backwardFromLogit(model, logits.length, c.index());
            }
            return capture.map(layer, target, logits);
        } finally {
            model.zeroGrad();
        }
    }

    /** The map of every filter of {@code layer}, in filter order, from one forward pass. */
    @SuppressWarnings("try") // the hooks are registered for exactly the try block
    public static List<FeatureMap> allFilters(Model model, Tensor image, String layer) {
        Capture capture = new Capture();
        Module m = prepare(model, image, layer);
        try (Hooks hooks = new Hooks().add(m.addForwardHook(capture)).add(m.addBackwardHook(capture))) {
            float[] logits = model.forward(image).toArray();
            capture.requireFeatureMap(layer);
            List<FeatureMap> maps = new ArrayList<>();
            for (int f = 0; f < capture.shape.dim(1); f++) {
                backwardFromFilter(model, m, capture, layer, f);
                maps.add(capture.map(layer, new Filter(f), logits));
            }
            return maps;
        } finally {
            model.zeroGrad();
        }
    }

    /** The number of filters (channels) of {@code layer}'s output. */
    public static int filterCount(Model model, String layer) {
        Shape s = Layers.outputShapes(model).get(layer);
        if (s == null) {
            model.module(layer);
            throw new IllegalArgumentException("layer '" + layer + "' is a container; name one of its layers");
        }
        return s.dim(1);
    }

    private static Module prepare(Model model, Tensor image, String layer) {
        Shape expected = Shape.of(1, model.inputShape().dim(0), model.inputShape().dim(1), model.inputShape().dim(2));
        Shape.require("FeatureMaps", "image", image.shape(), expected);
        Module m = model.module(layer);
        model.eval();
        return m;
    }

    /**
     * The gradient of {@code mean(A_f)} with respect to the layer's output is {@code 1/(H·W)} on
     * channel f and 0 elsewhere; it enters the layer's backward, so the backward hook sees it as it
     * sees any gradient.
     */
    private static void backwardFromFilter(Model model, Module layer, Capture capture, String name, int filter) {
        Shape s = capture.shape;
        int channels = s.dim(1);
        if (filter < 0 || filter >= channels) {
            throw new IllegalArgumentException("filter " + filter + " is out of range: layer " + name + " has "
                    + channels + " filters (0.." + (channels - 1) + ")");
        }
        int plane = s.dim(2) * s.dim(3);
        float[] seed = new float[channels * plane];
        Arrays.fill(seed, filter * plane, (filter + 1) * plane, 1f / plane);
        try (Tensor g = model.backend().allocate(s)) {
            g.copyFrom(seed);
            layer.backward(g, false);
        }
    }

    private static void backwardFromLogit(Model model, int classes, int index) {
        if (index < 0 || index >= classes) {
            throw new IllegalArgumentException("class " + index + " is out of range: the model has " + classes
                    + " classes (0.." + (classes - 1) + ")");
        }
        float[] seed = new float[classes];
        seed[index] = 1f;
        try (Tensor g = model.backend().allocate(Shape.of(1, classes))) {
            g.copyFrom(seed);
            model.backward(g, true);
        }
    }

    /** The hooked layer's output and the gradient that reached it, copied to the heap. */
    private static final class Capture implements ForwardHook, BackwardHook {
        Shape shape;
        float[] activation;
        float[] gradient;

        @Override
        public void onForward(Module module, Tensor output) {
            shape = output.shape();
            activation = output.toArray();
        }

        @Override
        public void onBackward(Module module, Tensor gradOutput) {
            gradient = gradOutput.toArray();
        }

        void requireFeatureMap(String layer) {
            if (shape == null || shape.rank() != 4) {
                throw new IllegalArgumentException("layer " + layer + " has output " + shape
                        + ", not a feature map [1, C, H, W]; choose a layer of the convolutional part");
            }
        }

        FeatureMap map(String layer, Target target, float[] logits) {
            if (gradient == null) {
                throw new IllegalStateException("no gradient reached layer " + layer);
            }
            int channels = shape.dim(1);
            int h = shape.dim(2);
            int w = shape.dim(3);
            int plane = h * w;
            double[] cam = new double[plane];
            for (int k = 0; k < channels; k++) {
                double pooled = 0;
                for (int i = 0; i < plane; i++) {
                    pooled += gradient[k * plane + i];
                }
                pooled /= plane;
                if (pooled != 0) {
                    for (int i = 0; i < plane; i++) {
                        cam[i] += pooled * activation[k * plane + i];
                    }
                }
            }
            for (int i = 0; i < plane; i++) {
                cam[i] = Math.max(0, cam[i]);
            }
            gradient = null;
            return new FeatureMap(layer, target, h, w, cam, logits.clone());
        }
    }
}
