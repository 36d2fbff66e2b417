package dev.gargoyle.reference;

/** Float64 reference of the elementwise ops, each returning a new array. */
public final class ElementwiseRef {
    private ElementwiseRef() {
    }

    public static double[] scale(double[] t, double alpha) {
        double[] out = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = alpha * t[i];
        }
        return out;
    }

    /** {@code y + alpha · x}. */
    public static double[] axpy(double alpha, double[] x, double[] y) {
        double[] out = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = y[i] + alpha * x[i];
        }
        return out;
    }

    public static double[] add(double[] a, double[] b) {
        return axpy(1, b, a);
    }

    public static double sumOfSquares(double[] t) {
        double sum = 0;
        for (double v : t) {
            sum += v * v;
        }
        return sum;
    }
}
