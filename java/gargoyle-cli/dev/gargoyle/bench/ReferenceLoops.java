package dev.gargoyle.bench;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;

/**
 * Plain float64 loops of the passes the bench validates, written from the definitions (NCHW,
 * row-major) and independent of every backend. Written by hand because their point is to share
 * nothing with the code being checked; they only ever run on tiny shapes.
 */
final class ReferenceLoops {
    private ReferenceLoops() {
    }

    /** A convolution's output and both gradients, for input gradient {@code dy}. */
    record Conv(double[] y, double[] dx, double[] dw) {
    }

    /** Batch-norm's training output and gradients. */
    record BatchNorm(double[] y, double[] dx, double[] dgamma, double[] dbeta) {
    }

    /**
     * Cross-correlation of {@code x [n,c,h,w]} with {@code wt [k,c,r,s]} into {@code y [n,k,p,q]};
     * each product {@code x·w} that makes {@code y} also makes {@code dx} (from {@code dy·w}) and
     * {@code dw} (from {@code dy·x}), so one loop gives all three.
     */
    static Conv conv(float[] x, float[] wt, float[] dy, int[] xs, int[] ws, Conv2dSpec spec, int p, int q) {
        int n = xs[0], c = xs[1], h = xs[2], w = xs[3];
        int k = ws[0], r = ws[2], s = ws[3];
        double[] y = new double[n * k * p * q];
        double[] dx = new double[x.length];
        double[] dw = new double[wt.length];
        for (int ni = 0; ni < n; ni++) {
            for (int ki = 0; ki < k; ki++) {
                for (int pi = 0; pi < p; pi++) {
                    for (int qi = 0; qi < q; qi++) {
                        int yi = ((ni * k + ki) * p + pi) * q + qi;
                        for (int ci = 0; ci < c; ci++) {
                            for (int ri = 0; ri < r; ri++) {
                                int hi = pi * spec.strideH() - spec.padH() + ri * spec.dilationH();
                                for (int si = 0; si < s; si++) {
                                    int wi = qi * spec.strideW() - spec.padW() + si * spec.dilationW();
                                    if (hi < 0 || hi >= h || wi < 0 || wi >= w) {
                                        continue;
                                    }
                                    int xi = ((ni * c + ci) * h + hi) * w + wi;
                                    int wj = ((ki * c + ci) * r + ri) * s + si;
                                    y[yi] += (double) x[xi] * wt[wj];
                                    dx[xi] += (double) dy[yi] * wt[wj];
                                    dw[wj] += (double) dy[yi] * x[xi];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Conv(y, dx, dw);
    }

    /** Max pooling forward; padded cells never win. */
    static double[] maxPool(float[] x, int[] xs, Pool2dSpec spec, int p, int q) {
        double[] y = new double[xs[0] * xs[1] * p * q];
        forEachWindow(x, xs, spec, p, q, (yi, xi) -> y[yi] = x[xi]);
        return y;
    }

    /** Max pooling backward: each window's gradient goes to its first maximum. */
    static double[] maxPoolBackward(float[] x, float[] dy, int[] xs, Pool2dSpec spec, int p, int q) {
        double[] dx = new double[x.length];
        forEachWindow(x, xs, spec, p, q, (yi, xi) -> dx[xi] += dy[yi]);
        return dx;
    }

    private interface WindowMax {
        void at(int outputIndex, int argmaxIndex);
    }

    private static void forEachWindow(float[] x, int[] xs, Pool2dSpec spec, int p, int q, WindowMax action) {
        int nc = xs[0] * xs[1], h = xs[2], w = xs[3];
        for (int plane = 0; plane < nc; plane++) {
            for (int pi = 0; pi < p; pi++) {
                for (int qi = 0; qi < q; qi++) {
                    int best = -1;
                    for (int ri = 0; ri < spec.kernelH(); ri++) {
                        for (int si = 0; si < spec.kernelW(); si++) {
                            int hi = pi * spec.strideH() - spec.padH() + ri;
                            int wi = qi * spec.strideW() - spec.padW() + si;
                            if (hi >= 0 && hi < h && wi >= 0 && wi < w) {
                                int xi = (plane * h + hi) * w + wi;
                                if (best < 0 || x[xi] > x[best]) {
                                    best = xi;
                                }
                            }
                        }
                    }
                    action.at((plane * p + pi) * q + qi, best);
                }
            }
        }
    }

    /**
     * Training batch-norm over N, H, W per channel with the biased variance:
     * {@code y = gamma·x̂ + beta}, {@code x̂ = (x - mean)/sqrt(var + eps)}, and its backward
     * {@code dx = (gamma/σ)·(dy - mean(dy) - x̂·mean(dy·x̂))}, {@code dgamma = Σ dy·x̂}, {@code dbeta = Σ dy}.
     */
    static BatchNorm batchNorm(float[] x, float[] gamma, float[] beta, float[] dy, int[] xs, double eps) {
        int n = xs[0], c = xs[1], hw = xs[2] * xs[3];
        int m = n * hw;
        double[] y = new double[x.length];
        double[] dx = new double[x.length];
        double[] dgamma = new double[c];
        double[] dbeta = new double[c];
        for (int ci = 0; ci < c; ci++) {
            double sum = 0;
            for (int ni = 0; ni < n; ni++) {
                for (int i = 0; i < hw; i++) {
                    sum += x[(ni * c + ci) * hw + i];
                }
            }
            double mean = sum / m;
            double sq = 0;
            for (int ni = 0; ni < n; ni++) {
                for (int i = 0; i < hw; i++) {
                    double d = x[(ni * c + ci) * hw + i] - mean;
                    sq += d * d;
                }
            }
            double sigma = Math.sqrt(sq / m + eps);
            for (int ni = 0; ni < n; ni++) {
                for (int i = 0; i < hw; i++) {
                    int j = (ni * c + ci) * hw + i;
                    double xhat = (x[j] - mean) / sigma;
                    y[j] = gamma[ci] * xhat + beta[ci];
                    dgamma[ci] += dy[j] * xhat;
                    dbeta[ci] += dy[j];
                }
            }
            for (int ni = 0; ni < n; ni++) {
                for (int i = 0; i < hw; i++) {
                    int j = (ni * c + ci) * hw + i;
                    double xhat = (x[j] - mean) / sigma;
                    dx[j] = gamma[ci] / sigma * (dy[j] - dbeta[ci] / m - xhat * dgamma[ci] / m);
                }
            }
        }
        return new BatchNorm(y, dx, dgamma, dbeta);
    }
}
