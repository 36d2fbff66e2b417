package dev.gargoyle.reference;

import static dev.gargoyle.reference.FiniteDifferences.check;
import static dev.gargoyle.reference.FiniteDifferences.distinct;
import static dev.gargoyle.reference.FiniteDifferences.dot;
import static dev.gargoyle.reference.FiniteDifferences.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every reference backward against central finite differences of its forward: the loss is
 * {@code sum(y · r)} for a random {@code r}, so the analytic gradient is the backward of {@code dy = r}.
 */
class ReferenceGradientTest {
    private final Random rng = new Random(20240601);

    @ParameterizedTest
    @ValueSource(strings = {
        // N C H W  K R S  strideH strideW padH padW dilH dilW groups bias
        "1 1 5 5  1 3 3  1 1 0 0 1 1 1 1",
        "2 4 6 7  6 3 2  2 1 1 0 1 2 2 1",
        "2 2 7 6  4 3 3  2 2 2 2 2 2 2 0",
        "1 3 5 4  3 2 3  1 2 1 2 1 1 3 1",
        "2 2 4 4  2 1 1  2 2 0 0 1 1 1 0",
    })
    void conv2d(String text) {
        int[] a = java.util.Arrays.stream(text.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray();
        Shape xs = Shape.of(a[0], a[1], a[2], a[3]);
        Conv2dSpec spec = new Conv2dSpec(a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
        Shape ws = Shape.of(a[4], a[1] / a[13], a[5], a[6]);
        Shape ys = spec.outputShape("test", xs, ws);
        double[] x = uniform(rng, (int) xs.numel());
        double[] w = uniform(rng, (int) ws.numel());
        double[] b = a[14] == 1 ? uniform(rng, a[4]) : null;
        double[] r = uniform(rng, (int) ys.numel());

        check("conv2d dx " + text, v -> dot(Conv2dRef.forward(v, xs, w, ws, b, spec), r), x,
                Conv2dRef.backwardData(r, w, ws, spec, xs));
        check("conv2d dw " + text, v -> dot(Conv2dRef.forward(x, xs, v, ws, b, spec), r), w,
                Conv2dRef.backwardWeights(x, xs, r, spec, ws));
        if (b != null) {
            check("conv2d dbias " + text, v -> dot(Conv2dRef.forward(x, xs, w, ws, v, spec), r), b,
                    Conv2dRef.backwardBias(r, ys));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MAX 3 2 0", "MAX 3 1 1", "MAX 2 2 0", "AVG 3 2 1", "AVG 3 1 1", "AVG 2 2 0",
        "AVG_EXCLUDE 3 2 1", "AVG_EXCLUDE 3 1 1"})
    void pool2d(String text) {
        String[] t = text.split(" ");
        int k = Integer.parseInt(t[1]), stride = Integer.parseInt(t[2]), pad = Integer.parseInt(t[3]);
        Pool2dSpec spec = t[0].equals("MAX") ? Pool2dSpec.max(k, stride, pad) : Pool2dSpec.avg(k, stride, pad);
        if (t[0].equals("AVG_EXCLUDE")) {
            spec = spec.excludingPadding();
        }
        for (Shape xs : new Shape[] {Shape.of(2, 2, 7, 6), Shape.of(1, 3, 8, 8), Shape.of(1, 1, 5, 9)}) {
            Pool2dSpec s = spec;
            double[] x = distinct(rng, (int) xs.numel());
            double[] r = uniform(rng, (int) s.outputShape("test", xs).numel());
            check("pool2d " + text + " " + xs, v -> dot(Pool2dRef.forward(v, xs, s), r), x,
                    Pool2dRef.backward(x, xs, s, r));
        }
    }

    @Test
    void batchNormTraining() {
        for (Shape xs : new Shape[] {Shape.of(1, 2, 3, 3), Shape.of(3, 3, 2, 4), Shape.of(5, 2, 1, 1)}) {
            int c = xs.dim(1);
            double[] x = uniform(rng, (int) xs.numel());
            double[] gamma = uniform(rng, c), beta = uniform(rng, c);
            double[] rm = uniform(rng, c), rv = new double[c];
            java.util.Arrays.fill(rv, 1);
            double[] r = uniform(rng, x.length);
            double eps = 1e-5;
            BatchNormRef.Training fwd = BatchNormRef.forwardTraining(x, xs, gamma, beta, rm, rv, 0.1, eps);
            BatchNormRef.Grads g = BatchNormRef.backward(x, xs, r, gamma, fwd.saveMean(), fwd.saveInvStd());
            check("batchNorm dx " + xs, v -> dot(BatchNormRef.forwardTraining(v, xs, gamma, beta, rm, rv, 0.1, eps).y(), r),
                    x, g.dx());
            check("batchNorm dgamma " + xs,
                    v -> dot(BatchNormRef.forwardTraining(x, xs, v, beta, rm, rv, 0.1, eps).y(), r), gamma, g.dgamma());
            check("batchNorm dbeta " + xs,
                    v -> dot(BatchNormRef.forwardTraining(x, xs, gamma, v, rm, rv, 0.1, eps).y(), r), beta, g.dbeta());
        }
    }

    @Test
    void linear() {
        int n = 3, in = 5, out = 4;
        double[] x = uniform(rng, n * in), w = uniform(rng, out * in), b = uniform(rng, out);
        double[] r = uniform(rng, n * out);
        check("linear dx", v -> dot(LinearRef.forward(v, n, in, w, out, b), r), x,
                LinearRef.backwardData(r, n, w, out, in));
        check("linear dw", v -> dot(LinearRef.forward(x, n, in, v, out, b), r), w,
                LinearRef.backwardWeights(x, n, in, r, out));
        check("linear dbias", v -> dot(LinearRef.forward(x, n, in, w, out, v), r), b,
                LinearRef.backwardBias(r, n, out));
    }

    @Test
    void relu() {
        double[] x = distinct(rng, 40);
        double[] r = uniform(rng, 40);
        check("relu dx", v -> dot(ActivationRef.reluForward(v), r), x,
                ActivationRef.reluBackward(ActivationRef.reluForward(x), r));
    }

    @Test
    void dropout() {
        double[] x = uniform(rng, 50);
        double[] r = uniform(rng, 50);
        double[] mask = ActivationRef.dropoutMask(50, 0.3f, 7);
        check("dropout dx", v -> dot(ActivationRef.dropoutForward(v, mask), r), x,
                ActivationRef.dropoutBackward(r, mask));
    }

    @Test
    void softmaxCrossEntropy() {
        int n = 4, k = 5;
        double[] logits = uniform(rng, n * k);
        for (int i = 0; i < logits.length; i++) {
            logits[i] *= 3;
        }
        int[] labels = {0, 4, 2, 2};
        double gradScale = 0.25;
        check("softmaxCrossEntropy dlogits", v -> gradScale * SoftmaxCrossEntropyRef.loss(v, n, k, labels), logits,
                SoftmaxCrossEntropyRef.gradient(logits, n, k, labels, gradScale));
    }

    @Test
    void classWeightedSoftmaxCrossEntropy() {
        int n = 5, k = 4;
        double[] logits = uniform(rng, n * k);
        int[] labels = {0, 3, 2, 2, 1};
        double[] weights = {0.5, 2.0, 0.0, 1.25};
        double gradScale = 0.75;
        check("weighted softmaxCrossEntropy dlogits",
                v -> gradScale * SoftmaxCrossEntropyRef.loss(v, n, k, labels, weights), logits,
                SoftmaxCrossEntropyRef.gradient(logits, n, k, labels, weights, gradScale));
        // PyTorch's definition, written out: sum w[y]·(-log p[y]) / sum w[y], class 2's rows counting for nothing.
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double z = 0;
            for (int j = 0; j < k; j++) {
                z += Math.exp(logits[i * k + j]);
            }
            sum += weights[labels[i]] * (Math.log(z) - logits[i * k + labels[i]]);
        }
        assertEquals(sum / (0.5 + 1.25 + 0 + 0 + 2.0), SoftmaxCrossEntropyRef.loss(logits, n, k, labels, weights),
                1e-12);
    }
}
