package dev.gargoyle.nn;

import dev.gargoyle.tensor.Tensor;
import java.util.Arrays;

/**
 * Softmax cross-entropy over logits {@code [N, K]} as PyTorch's {@code nn.CrossEntropyLoss}: the
 * mean over the batch or, with per-class weights, the weight-normalised mean
 * {@code sum w[y]·loss / sum w[y]}, which counts the samples of a rare class more (the AHE data has
 * 407 flying buttresses against 1,919 columns).
 */
public final class CrossEntropyLoss {
    private final float[] classWeights;

    private CrossEntropyLoss(float[] classWeights) {
        this.classWeights = classWeights;
    }

    /** Every sample counts the same. */
    public static CrossEntropyLoss unweighted() {
        return new CrossEntropyLoss(null);
    }

    /**
     * Sample {@code i} counts {@code classWeights[label_i]}: finite values > 0 (so that every batch
     * has a positive total weight).
     */
    public static CrossEntropyLoss weighted(float... classWeights) {
        for (int c = 0; c < classWeights.length; c++) {
            float w = classWeights[c];
            if (!(w > 0) || Float.isInfinite(w)) {
                throw new IllegalArgumentException("class weight " + c + " is " + w + ", expected a finite number > 0");
            }
        }
        return new CrossEntropyLoss(classWeights.clone());
    }

    /**
     * scikit-learn's {@code class_weight="balanced"}: {@code n / (K · count[c])} for {@code n} samples
     * of K classes, so that every class carries the same total weight.
     */
    public static CrossEntropyLoss balanced(int[] classCounts) {
        long n = Arrays.stream(classCounts).asLongStream().sum();
        float[] w = new float[classCounts.length];
        for (int c = 0; c < w.length; c++) {
            if (classCounts[c] < 1) {
                throw new IllegalArgumentException("balanced class weights: class " + c
                        + " has no samples, so no weight makes it count");
            }
            w[c] = (float) ((double) n / ((double) classCounts.length * classCounts[c]));
        }
        return new CrossEntropyLoss(w);
    }

    /** The per-class weights, or null when unweighted. */
    public float[] classWeights() {
        return classWeights == null ? null : classWeights.clone();
    }

    /** How much a sample of class {@code label} counts: its weight, or 1 when unweighted. */
    public double weightOf(int label) {
        return classWeights == null ? 1.0 : classWeights[label];
    }

    /**
     * The loss of {@code logits} against {@code labels} and, when {@code dlogits} is not null, its
     * gradient times {@code gradScale} written there (for accumulation, the micro-batch's share of
     * its update).
     */
    public double compute(Tensor logits, int[] labels, float gradScale, Tensor dlogits) {
        if (classWeights != null && classWeights.length != logits.shape().dim(1)) {
            throw new IllegalArgumentException("CrossEntropyLoss: " + classWeights.length + " class weights for logits "
                    + logits.shape() + " of " + logits.shape().dim(1) + " classes");
        }
        return logits.backend().softmaxCrossEntropy(logits, labels, classWeights, gradScale, dlogits);
    }

    @Override
    public String toString() {
        return classWeights == null ? "CrossEntropyLoss()" : "CrossEntropyLoss(weight=" + Arrays.toString(classWeights)
                + ")";
    }
}
