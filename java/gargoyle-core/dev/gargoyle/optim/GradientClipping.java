package dev.gargoyle.optim;

import dev.gargoyle.nn.Model;

/** Clipping of all gradients by their global L2 norm, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** Scales the gradients so their global norm is at most {@code maxNorm}; returns the norm before clipping. */
    public static double clipByGlobalNorm(Model model, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("gradient clipping: max norm must be > 0, got " + maxNorm);
        }
        double norm = Math.sqrt(model.backend().sumOfSquares(model.flatGradients()));
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            model.backend().scale(model.flatGradients(), (float) coef);
        }
        return norm;
    }
}
