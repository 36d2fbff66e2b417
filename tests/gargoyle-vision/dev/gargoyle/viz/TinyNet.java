package dev.gargoyle.viz;

import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Conv2d;
import dev.gargoyle.nn.Flatten;
import dev.gargoyle.nn.Linear;
import dev.gargoyle.nn.MaxPool2d;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.ReLU;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.reference.ActivationRef;
import dev.gargoyle.reference.BatchNormRef;
import dev.gargoyle.reference.Conv2dRef;
import dev.gargoyle.reference.LinearRef;
import dev.gargoyle.reference.Pool2dRef;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A tiny AHE-like network for 8x8 images (conv, batch-norm, ReLU, max-pool, conv, ReLU, linear to
 * three classes) and its float64 reference: forward, and the gradient of a logit with respect to
 * each conv layer's output and to the input, from the reference ops of {@code dev.gargoyle.reference}.
 */
final class TinyNet {
    static final int SIZE = 8;
    static final int CLASSES = 3;
    static final Conv2dSpec CONV = Conv2dSpec.of(1, 1);
    static final Pool2dSpec POOL = Pool2dSpec.max(2, 2, 0);
    static final Shape X = Shape.of(1, 3, SIZE, SIZE);
    static final Shape C1 = Shape.of(1, 4, SIZE, SIZE);
    static final Shape P1 = Shape.of(1, 4, SIZE / 2, SIZE / 2);
    static final Shape C2 = Shape.of(1, 5, SIZE / 2, SIZE / 2);
    static final Shape W0 = Shape.of(4, 3, 3, 3);
    static final Shape W4 = Shape.of(5, 4, 3, 3);
    static final int FLAT = 5 * (SIZE / 2) * (SIZE / 2);

    private TinyNet() {
    }

    /** The model, with batch-norm parameters and running statistics that are not the identity. */
    static Model model(Backend backend, long seed) {
        Model m = new Model(new Sequential(new Conv2d(3, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(),
                new MaxPool2d(2, 2), new Conv2d(4, 5, 3, 1, 1), new ReLU(), new Flatten(), new Linear(FLAT, CLASSES)),
                backend, seed, Shape.of(3, SIZE, SIZE));
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> t = m.tensors();
        t.get("1.weight").copyFrom(uniform(r, 4, 0.5, 1.5));
        t.get("1.bias").copyFrom(uniform(r, 4, -0.3, 0.3));
        t.get("1.running_mean").copyFrom(uniform(r, 4, -0.2, 0.2));
        t.get("1.running_var").copyFrom(uniform(r, 4, 0.5, 2));
        return m;
    }

    static float[] uniform(SplittableRandom r, int n, double lo, double hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(lo, hi);
        }
        return v;
    }

    static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double[] weight(Model m, String name) {
        return doubles(m.tensors().get(name).toArray());
    }

    /** Every intermediate of one image's forward pass. */
    record Pass(double[] x, double[] c1, double[] r1, double[] p1, double[] c2, double[] r2, double[] logits) {
    }

    static Pass forward(Model m, double[] x) {
        double[] c1 = Conv2dRef.forward(x, X, weight(m, "0.weight"), W0, weight(m, "0.bias"), CONV);
        double[] bn = BatchNormRef.forwardInference(c1, C1, weight(m, "1.weight"), weight(m, "1.bias"),
                weight(m, "1.running_mean"), weight(m, "1.running_var"), BatchNorm2d.EPS);
        double[] r1 = ActivationRef.reluForward(bn);
        double[] p1 = Pool2dRef.forward(r1, C1, POOL);
        double[] c2 = Conv2dRef.forward(p1, P1, weight(m, "4.weight"), W4, weight(m, "4.bias"), CONV);
        double[] r2 = ActivationRef.reluForward(c2);
        double[] logits = LinearRef.forward(r2, 1, FLAT, weight(m, "7.weight"), CLASSES, weight(m, "7.bias"));
        return new Pass(x, c1, r1, p1, c2, r2, logits);
    }

    /** Gradients of logit {@code c}: at the output of layer "4" (conv 2), of layer "0" (conv 1) and at the input. */
    record Grads(double[] conv2, double[] conv1, double[] input) {
    }

    static Grads gradients(Model m, Pass f, int c) {
        double[] dl = new double[CLASSES];
        dl[c] = 1;
        double[] dr2 = LinearRef.backwardData(dl, 1, weight(m, "7.weight"), CLASSES, FLAT);
        double[] dc2 = ActivationRef.reluBackward(f.r2(), dr2);
        double[] dp1 = Conv2dRef.backwardData(dc2, weight(m, "4.weight"), W4, CONV, P1);
        double[] dr1 = Pool2dRef.backward(f.r1(), C1, POOL, dp1);
        double[] dbn = ActivationRef.reluBackward(f.r1(), dr1);
        double[] gamma = weight(m, "1.weight");
        double[] var = weight(m, "1.running_var");
        double[] dc1 = new double[dbn.length];
        int plane = SIZE * SIZE;
        for (int i = 0; i < dbn.length; i++) {
            int ch = i / plane;
            dc1[i] = dbn[i] * gamma[ch] / Math.sqrt(var[ch] + BatchNorm2d.EPS);
        }
        double[] dx = Conv2dRef.backwardData(dc1, weight(m, "0.weight"), W0, CONV, X);
        return new Grads(dc2, dc1, dx);
    }

    /** Grad-CAM in float64: {@code relu(Σ_k mean(G_k)·A_k)} over {@code channels} planes of {@code plane} cells. */
    static double[] gradCam(double[] a, double[] g, int channels, int plane) {
        double[] cam = new double[plane];
        for (int k = 0; k < channels; k++) {
            double pooled = 0;
            for (int i = 0; i < plane; i++) {
                pooled += g[k * plane + i];
            }
            pooled /= plane;
            for (int i = 0; i < plane; i++) {
                cam[i] += pooled * a[k * plane + i];
            }
        }
        for (int i = 0; i < plane; i++) {
            cam[i] = Math.max(0, cam[i]);
        }
        return cam;
    }
}
