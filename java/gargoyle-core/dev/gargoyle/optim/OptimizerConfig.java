package dev.gargoyle.optim;

import dev.gargoyle.nn.Model;
import java.util.function.ToDoubleFunction;

/**
 * Which optimizer a training run uses, with its hyper-parameters (the learning rate comes from the
 * {@link Schedule}): SGD as {@code torch.optim.SGD}, Adam as {@code torch.optim.Adam}, AdamW as
 * {@code torch.optim.AdamW}, each with PyTorch's defaults.
 */
public sealed interface OptimizerConfig permits OptimizerConfig.Sgd, OptimizerConfig.Adam {

    /**
     * The optimizer over {@code model}'s trainable parameters; {@code lrScale} multiplies the rate
     * per parameter name.
     */
    Optimizer create(Model model, ToDoubleFunction<String> lrScale);

    /** SGD with {@code momentum} (0 for plain SGD), no weight decay, no Nesterov. */
    static Sgd sgd(double momentum) {
        return new Sgd(momentum, 0, false);
    }

    /** Adam with betas (0.9, 0.999), eps 1e-8, no weight decay. */
    static Adam adam() {
        return new Adam(0.9, 0.999, 1e-8, 0, false);
    }

    /** AdamW (decoupled weight decay) with betas (0.9, 0.999), eps 1e-8 and {@code weightDecay}. */
    static Adam adamW(double weightDecay) {
        return new Adam(0.9, 0.999, 1e-8, weightDecay, true);
    }

    /** {@code torch.optim.SGD} with dampening 0. */
    record Sgd(double momentum, double weightDecay, boolean nesterov) implements OptimizerConfig {
        public Sgd {
            if (!(momentum >= 0 && momentum < 1) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("SGD: momentum must be in [0, 1) and weight decay >= 0, got "
                        + momentum + " and " + weightDecay);
            }
            if (nesterov && momentum == 0) {
                throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0");
            }
        }

        public Sgd withWeightDecay(double wd) {
            return new Sgd(momentum, wd, nesterov);
        }

        public Sgd withNesterov(boolean on) {
            return new Sgd(momentum, weightDecay, on);
        }

        @Override
        public Optimizer create(Model model, ToDoubleFunction<String> lrScale) {
            return new dev.gargoyle.optim.Sgd(model, lrScale, momentum, weightDecay, nesterov);
        }
    }

    /** {@code torch.optim.Adam} ({@code decoupled} false: L2 added to the gradient) or {@code AdamW}. */
    record Adam(double beta1, double beta2, double eps, double weightDecay, boolean decoupled)
            implements OptimizerConfig {
        public Adam {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Adam: betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(eps > 0) || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("Adam: eps must be > 0 and weight decay >= 0, got " + eps + ", "
                        + weightDecay);
            }
        }

        public Adam withWeightDecay(double wd) {
            return new Adam(beta1, beta2, eps, wd, decoupled);
        }

        @Override
        public Optimizer create(Model model, ToDoubleFunction<String> lrScale) {
            return new dev.gargoyle.optim.Adam(model, lrScale, beta1, beta2, eps, weightDecay, decoupled);
        }
    }
}
