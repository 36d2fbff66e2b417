package dev.gargoyle.reference;

/** Float64 reference of PyTorch's {@code nn.Linear}: {@code y [N,out] = x [N,in] · wᵀ + bias}, w {@code [out,in]}. */
public final class LinearRef {
    private LinearRef() {
    }

    /** bias may be null. */
    public static double[] forward(double[] x, int n, int in, double[] w, int out, double[] bias) {
        double[] y = new double[n * out];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                double sum = bias == null ? 0 : bias[o];
                for (int j = 0; j < in; j++) {
                    sum += x[i * in + j] * w[o * in + j];
                }
                y[i * out + o] = sum;
            }
        }
        return y;
    }

    /** {@code dx = dy · w}. */
    public static double[] backwardData(double[] dy, int n, double[] w, int out, int in) {
        double[] dx = new double[n * in];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                for (int j = 0; j < in; j++) {
                    dx[i * in + j] += dy[i * out + o] * w[o * in + j];
                }
            }
        }
        return dx;
    }

    /** {@code dw = dyᵀ · x}. */
    public static double[] backwardWeights(double[] x, int n, int in, double[] dy, int out) {
        double[] dw = new double[out * in];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < out; o++) {
                for (int j = 0; j < in; j++) {
                    dw[o * in + j] += dy[i * out + o] * x[i * in + j];
                }
            }
        }
        return dw;
    }

    /** {@code dbias = dy} summed over N. */
    public static double[] backwardBias(double[] dy, int n, int out) {
        double[] db = new double[out];
        for (int i = 0; i < n * out; i++) {
            db[i % out] += dy[i];
        }
        return db;
    }
}
