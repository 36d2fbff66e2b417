package dev.gargoyle.reference;

/**
 * Float64 reference of PyTorch's {@code F.cross_entropy} over logits {@code [N,K]}: the mean
 * reduction, or with per-class {@code weight} the weighted mean {@code sum w[y]·l / sum w[y]}.
 */
public final class SoftmaxCrossEntropyRef {
    private SoftmaxCrossEntropyRef() {
    }

    /** The mean over N of {@code -log softmax(logits)[label]}. */
    public static double loss(double[] logits, int n, int k, int[] labels) {
        return loss(logits, n, k, labels, null);
    }

    /** The class-weighted mean (plain mean when {@code weights} is null) of {@code -log softmax(logits)[label]}. */
    public static double loss(double[] logits, int n, int k, int[] labels, double[] weights) {
        double sum = 0;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double w = weights == null ? 1 : weights[labels[i]];
            sum += w * -logSoftmax(logits, i, k)[labels[i]];
            total += w;
        }
        return sum / total;
    }

    /** {@code gradScale · (softmax(logits) - onehot(labels)) / N}, the gradient of {@code gradScale · loss}. */
    public static double[] gradient(double[] logits, int n, int k, int[] labels, double gradScale) {
        return gradient(logits, n, k, labels, null, gradScale);
    }

    /** The gradient of {@code gradScale · loss(logits, n, k, labels, weights)}. */
    public static double[] gradient(double[] logits, int n, int k, int[] labels, double[] weights, double gradScale) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += weights == null ? 1 : weights[labels[i]];
        }
        double[] d = new double[n * k];
        for (int i = 0; i < n; i++) {
            double w = weights == null ? 1 : weights[labels[i]];
            double[] logp = logSoftmax(logits, i, k);
            for (int j = 0; j < k; j++) {
                d[i * k + j] = gradScale * w * (Math.exp(logp[j]) - (j == labels[i] ? 1 : 0)) / total;
            }
        }
        return d;
    }

    private static double[] logSoftmax(double[] logits, int row, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, logits[row * k + j]);
        }
        double z = 0;
        for (int j = 0; j < k; j++) {
            z += Math.exp(logits[row * k + j] - max);
        }
        double[] out = new double[k];
        for (int j = 0; j < k; j++) {
            out[j] = logits[row * k + j] - max - Math.log(z);
        }
        return out;
    }
}
