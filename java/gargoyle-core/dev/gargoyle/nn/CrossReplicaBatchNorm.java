package dev.gargoyle.nn;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Tensor;
import java.util.function.Consumer;
import java.util.function.IntToDoubleFunction;

/**
 * Training-mode batch-norm over the batches of all replicas together, as PyTorch's
 * {@code SyncBatchNorm}: the per-channel sums of the forward (mean, then squared deviations) and of
 * the backward ({@code Σdy}, {@code Σdy·x̂}) are summed over the replicas before use. Computed on the
 * host in float64: no backend has batch-norm with statistics from outside, and these sums are small
 * next to the all-reduces they wait for. The gradients of gamma and beta stay this replica's own
 * share, summed later with every other gradient.
 */
final class CrossReplicaBatchNorm {
    private final int channels;
    private final Consumer<double[]> sumOverReplicas;
    private float[] x = new float[0];
    private float[] buffer = new float[0];
    private final double[] mean;
    private final double[] invStd;
    private final float[] perChannel;
    private double count;

    CrossReplicaBatchNorm(int channels, Consumer<double[]> sumOverReplicas) {
        this.channels = channels;
        this.sumOverReplicas = sumOverReplicas;
        this.mean = new double[channels];
        this.invStd = new double[channels];
        this.perChannel = new float[channels];
    }

    /** Normalises {@code xt} into {@code yt} with the statistics of every replica's batch; updates the running ones. */
    void forward(Tensor xt, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar, float momentum,
                 float eps, Tensor yt) {
        Backend b = xt.backend();
        int plane = plane(xt);
        int n = xt.shape().dim(0);
        x = host(b, xt, x);
        double[] sums = new double[channels + 1];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int at = (i * channels + c) * plane;
                for (int k = 0; k < plane; k++) {
                    sums[c] += x[at + k];
                }
            }
        }
        sums[channels] = (double) n * plane;
        sumOverReplicas.accept(sums);
        count = sums[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = sums[c] / count;
        }
        double[] squares = new double[channels];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int at = (i * channels + c) * plane;
                for (int k = 0; k < plane; k++) {
                    double d = x[at + k] - mean[c];
                    squares[c] += d * d;
                }
            }
        }
        sumOverReplicas.accept(squares);
        float[] g = gamma.toArray();
        float[] bt = beta.toArray();
        buffer = grow(buffer, x.length);
        for (int c = 0; c < channels; c++) {
            invStd[c] = 1 / Math.sqrt(squares[c] / count + eps);
        }
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int at = (i * channels + c) * plane;
                for (int k = 0; k < plane; k++) {
                    buffer[at + k] = (float) ((x[at + k] - mean[c]) * invStd[c] * g[c] + bt[c]);
                }
            }
        }
        b.copyFromHost(buffer, 0, yt);
        updateRunning(runningMean, momentum, c -> mean[c]);
        double unbiased = count / Math.max(1, count - 1);
        updateRunning(runningVar, momentum, c -> squares[c] / count * unbiased);
    }

    private void updateRunning(Tensor running, float momentum, IntToDoubleFunction batch) {
        float[] r = running.toArray();
        for (int c = 0; c < channels; c++) {
            perChannel[c] = (float) ((1 - momentum) * r[c] + momentum * batch.applyAsDouble(c));
        }
        running.copyFrom(perChannel);
    }

    /** The input gradient of the last {@link #forward} into {@code dxt}; adds this replica's share to dgamma, dbeta. */
    void backward(Tensor dyt, Tensor gamma, Tensor dxt, Tensor dgamma, Tensor dbeta) {
        Backend b = dyt.backend();
        int plane = plane(dyt);
        int n = dyt.shape().dim(0);
        buffer = host(b, dyt, buffer);
        double[] sums = new double[2 * channels];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int at = (i * channels + c) * plane;
                for (int k = 0; k < plane; k++) {
                    double dy = buffer[at + k];
                    sums[c] += dy;
                    sums[channels + c] += dy * (x[at + k] - mean[c]) * invStd[c];
                }
            }
        }
        addInto(dgamma, sums, channels);
        addInto(dbeta, sums, 0);
        sumOverReplicas.accept(sums);
        float[] g = gamma.toArray();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int at = (i * channels + c) * plane;
                double meanDy = sums[c] / count;
                double meanDyXhat = sums[channels + c] / count;
                for (int k = 0; k < plane; k++) {
                    double xhat = (x[at + k] - mean[c]) * invStd[c];
                    buffer[at + k] = (float) (g[c] * invStd[c] * (buffer[at + k] - meanDy - xhat * meanDyXhat));
                }
            }
        }
        b.copyFromHost(buffer, 0, dxt);
    }

    private void addInto(Tensor grad, double[] sums, int from) {
        float[] v = grad.toArray();
        for (int c = 0; c < channels; c++) {
            v[c] = (float) (v[c] + sums[from + c]);
        }
        grad.copyFrom(v);
    }

    private static int plane(Tensor t) {
        return t.shape().dim(2) * t.shape().dim(3);
    }

    private static float[] host(Backend b, Tensor t, float[] reuse) {
        float[] out = grow(reuse, Math.toIntExact(t.numel()));
        b.copyToHost(t, out, 0);
        return out;
    }

    private static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }
}
