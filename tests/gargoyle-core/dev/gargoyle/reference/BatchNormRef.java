package dev.gargoyle.reference;

import dev.gargoyle.tensor.Shape;

/**
 * Float64 reference of PyTorch's {@code nn.BatchNorm2d}: statistics per channel over N, H and W.
 * Training normalises with the biased batch variance and moves the running variance toward the
 * unbiased one; inference uses the running statistics.
 */
public final class BatchNormRef {
    private BatchNormRef() {
    }

    /** What a training forward produces: the output, what backward needs, and the new running statistics. */
    public record Training(double[] y, double[] saveMean, double[] saveInvStd,
                           double[] runningMean, double[] runningVar) {
    }

    /** The gradients of {@code sum(y * dy)}. */
    public record Grads(double[] dx, double[] dgamma, double[] dbeta) {
    }

    public static Training forwardTraining(double[] x, Shape xs, double[] gamma, double[] beta,
                                           double[] runningMean, double[] runningVar, double momentum, double eps) {
        int c = xs.dim(1);
        int m = count(xs);
        if (m < 2) {
            throw new IllegalArgumentException("batchNormRef: training needs more than one value per channel, got " + xs);
        }
        double[] mean = new double[c], invStd = new double[c], newMean = new double[c], newVar = new double[c];
        double[] y = new double[x.length];
        for (int ic = 0; ic < c; ic++) {
            double sum = 0;
            for (int i : indices(xs, ic)) {
                sum += x[i];
            }
            mean[ic] = sum / m;
            double sq = 0;
            for (int i : indices(xs, ic)) {
                sq += (x[i] - mean[ic]) * (x[i] - mean[ic]);
            }
            double var = sq / m;
            invStd[ic] = 1 / Math.sqrt(var + eps);
            for (int i : indices(xs, ic)) {
                y[i] = gamma[ic] * (x[i] - mean[ic]) * invStd[ic] + beta[ic];
            }
            newMean[ic] = (1 - momentum) * runningMean[ic] + momentum * mean[ic];
            newVar[ic] = (1 - momentum) * runningVar[ic] + momentum * var * m / (m - 1);
        }
        return new Training(y, mean, invStd, newMean, newVar);
    }

    public static double[] forwardInference(double[] x, Shape xs, double[] gamma, double[] beta,
                                            double[] runningMean, double[] runningVar, double eps) {
        double[] y = new double[x.length];
        for (int ic = 0; ic < xs.dim(1); ic++) {
            double invStd = 1 / Math.sqrt(runningVar[ic] + eps);
            for (int i : indices(xs, ic)) {
                y[i] = gamma[ic] * (x[i] - runningMean[ic]) * invStd + beta[ic];
            }
        }
        return y;
    }

    /** Backward of {@link #forwardTraining}, the batch statistics being functions of x too. */
    public static Grads backward(double[] x, Shape xs, double[] dy, double[] gamma, double[] saveMean,
                                 double[] saveInvStd) {
        int c = xs.dim(1);
        int m = count(xs);
        double[] dx = new double[x.length], dgamma = new double[c], dbeta = new double[c];
        for (int ic = 0; ic < c; ic++) {
            for (int i : indices(xs, ic)) {
                dbeta[ic] += dy[i];
                dgamma[ic] += dy[i] * (x[i] - saveMean[ic]) * saveInvStd[ic];
            }
            for (int i : indices(xs, ic)) {
                double xhat = (x[i] - saveMean[ic]) * saveInvStd[ic];
                dx[i] = gamma[ic] * saveInvStd[ic] / m * (m * dy[i] - dbeta[ic] - xhat * dgamma[ic]);
            }
        }
        return new Grads(dx, dgamma, dbeta);
    }

    private static int count(Shape xs) {
        return xs.dim(0) * xs.dim(2) * xs.dim(3);
    }

    /** The flat indices of channel {@code c}'s values, over N, H and W. */
    private static int[] indices(Shape xs, int c) {
        int plane = xs.dim(2) * xs.dim(3);
        int[] out = new int[xs.dim(0) * plane];
        for (int n = 0; n < xs.dim(0); n++) {
            for (int j = 0; j < plane; j++) {
                out[n * plane + j] = (n * xs.dim(1) + c) * plane + j;
            }
        }
        return out;
    }
}
