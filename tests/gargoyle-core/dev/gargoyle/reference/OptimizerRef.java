package dev.gargoyle.reference;

/** Float64 reference of one step of {@code torch.optim.SGD} (dampening 0), {@code Adam} and {@code AdamW}, in place. */
public final class OptimizerRef {
    private OptimizerRef() {
    }

    /** Updates {@code param} and, when momentum is not 0, {@code velocity}. */
    public static void sgdStep(double[] param, double[] grad, double[] velocity, double lr, double momentum,
                               double weightDecay, boolean nesterov) {
        for (int i = 0; i < param.length; i++) {
            double g = grad[i] + weightDecay * param[i];
            if (momentum != 0) {
                velocity[i] = momentum * velocity[i] + g;
                g = nesterov ? g + momentum * velocity[i] : velocity[i];
            }
            param[i] -= lr * g;
        }
    }

    /** Updates {@code param}, {@code m} and {@code v}; {@code step} counts from 1. */
    public static void adamStep(double[] param, double[] grad, double[] m, double[] v, double lr, double beta1,
                                double beta2, double eps, double weightDecay, boolean decoupled, long step) {
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < param.length; i++) {
            double g = grad[i];
            if (decoupled) {
                param[i] *= 1 - lr * weightDecay;
            } else {
                g += weightDecay * param[i];
            }
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            double denom = Math.sqrt(v[i]) / Math.sqrt(correction2) + eps;
            param[i] -= lr / correction1 * m[i] / denom;
        }
    }
}
