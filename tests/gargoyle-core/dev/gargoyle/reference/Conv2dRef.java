package dev.gargoyle.reference;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;

/**
 * Float64 reference of PyTorch's {@code nn.Conv2d}: cross-correlation with stride, zero padding,
 * dilation and groups. Forward and both backwards are the same loop over every (input, weight,
 * output) triple that meets; only what is multiplied and where it is added differ.
 */
public final class Conv2dRef {
    private Conv2dRef() {
    }

    /** {@code y [N,K,P,Q] = conv(x [N,C,H,W], w [K,C/g,R,S]) + bias [K]}; bias may be null. */
    public static double[] forward(double[] x, Shape xs, double[] w, Shape ws, double[] bias, Conv2dSpec s) {
        Shape ys = s.outputShape("conv2dRef", xs, ws);
        double[] y = new double[(int) ys.numel()];
        eachTap(xs, ws, s, (xi, wi, yi) -> y[yi] += x[xi] * w[wi]);
        if (bias != null) {
            int plane = ys.dim(2) * ys.dim(3);
            for (int i = 0; i < y.length; i++) {
                y[i] += bias[i / plane % ys.dim(1)];
            }
        }
        return y;
    }

    /** {@code dx [N,C,H,W]}: the gradient of {@code sum(y * dy)} with respect to x. */
    public static double[] backwardData(double[] dy, double[] w, Shape ws, Conv2dSpec s, Shape xs) {
        double[] dx = new double[(int) xs.numel()];
        eachTap(xs, ws, s, (xi, wi, yi) -> dx[xi] += dy[yi] * w[wi]);
        return dx;
    }

    /** {@code dw [K,C/g,R,S]}: the gradient of {@code sum(y * dy)} with respect to w. */
    public static double[] backwardWeights(double[] x, Shape xs, double[] dy, Conv2dSpec s, Shape ws) {
        double[] dw = new double[(int) ws.numel()];
        eachTap(xs, ws, s, (xi, wi, yi) -> dw[wi] += x[xi] * dy[yi]);
        return dw;
    }

    /** {@code dbias [K]}: dy summed over N, P and Q. */
    public static double[] backwardBias(double[] dy, Shape ys) {
        int k = ys.dim(1);
        int plane = ys.dim(2) * ys.dim(3);
        double[] db = new double[k];
        for (int i = 0; i < dy.length; i++) {
            db[i / plane % k] += dy[i];
        }
        return db;
    }

    /** One multiply-add of the convolution: flat indices into x, w and y. */
    interface Tap {
        void at(int xi, int wi, int yi);
    }

    /** Visits every tap whose input cell lies inside x (taps on zero padding contribute nothing). */
    static void eachTap(Shape xs, Shape ws, Conv2dSpec s, Tap tap) {
        Shape ys = s.outputShape("conv2dRef", xs, ws);
        int n = xs.dim(0), c = xs.dim(1), h = xs.dim(2), wd = xs.dim(3);
        int k = ws.dim(0), cg = ws.dim(1), r = ws.dim(2), sw = ws.dim(3);
        int p = ys.dim(2), q = ys.dim(3);
        int kg = k / s.groups();
        for (int in = 0; in < n; in++) {
            for (int ik = 0; ik < k; ik++) {
                int group = ik / kg;
                for (int ip = 0; ip < p; ip++) {
                    for (int iq = 0; iq < q; iq++) {
                        int yi = ((in * k + ik) * p + ip) * q + iq;
                        for (int icg = 0; icg < cg; icg++) {
                            int ic = group * cg + icg;
                            for (int ir = 0; ir < r; ir++) {
                                int ih = ip * s.strideH() - s.padH() + ir * s.dilationH();
                                if (ih < 0 || ih >= h) {
                                    continue;
                                }
                                for (int is = 0; is < sw; is++) {
                                    int iw = iq * s.strideW() - s.padW() + is * s.dilationW();
                                    if (iw < 0 || iw >= wd) {
                                        continue;
                                    }
                                    tap.at(((in * c + ic) * h + ih) * wd + iw, ((ik * cg + icg) * r + ir) * sw + is, yi);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
