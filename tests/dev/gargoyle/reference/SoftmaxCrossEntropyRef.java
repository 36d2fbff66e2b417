package dev.gargoyle.reference;

/** Float64 reference of PyTorch's {@code F.cross_entropy} (mean reduction) over logits {@code [N,K]}. */
public final class SoftmaxCrossEntropyRef {
    private SoftmaxCrossEntropyRef() {
    }

    /** The mean over N of {@code -log softmax(logits)[label]}. */
    public static double loss(double[] logits, int n, int k, int[] labels) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits[i * k + j]);
            }
            double z = 0;
            for (int j = 0; j < k; j++) {
                z += Math.exp(logits[i * k + j] - max);
            }
            sum += max + Math.log(z) - logits[i * k + labels[i]];
        }
        return sum / n;
    }

    /** {@code gradScale · (softmax(logits) - onehot(labels)) / N}, the gradient of {@code gradScale · loss}. */
    public static double[] gradient(double[] logits, int n, int k, int[] labels, double gradScale) {
        double[] d = new double[n * k];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits[i * k + j]);
            }
            double z = 0;
            for (int j = 0; j < k; j++) {
                z += Math.exp(logits[i * k + j] - max);
            }
            for (int j = 0; j < k; j++) {
                double softmax = Math.exp(logits[i * k + j] - max) / z;
                d[i * k + j] = gradScale * (softmax - (j == labels[i] ? 1 : 0)) / n;
            }
        }
        return d;
    }
}
