package dev.gargoyle.optim;

import dev.gargoyle.nn.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Adam as {@code torch.optim.Adam} (weight decay added to the gradient) or, when decoupled,
 * AdamW as {@code torch.optim.AdamW} (weight decay applied to the parameters).
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;

    public Adam(Model model, ToDoubleFunction<String> lrScale, double beta1, double beta2, double eps,
                double weightDecay, boolean decoupled) {
        super(model, lrScale);
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
            throw new IllegalArgumentException("Adam: betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (eps <= 0 || weightDecay < 0) {
            throw new IllegalArgumentException("Adam: eps must be > 0 and weight decay >= 0, got " + eps + ", "
                    + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8; AdamW's weight decay default is 0.01. */
    public static Adam adam(Model model, ToDoubleFunction<String> lrScale, double weightDecay) {
        return new Adam(model, lrScale, 0.9, 0.999, 1e-8, weightDecay, false);
    }

    public static Adam adamW(Model model, ToDoubleFunction<String> lrScale, double weightDecay) {
        return new Adam(model, lrScale, 0.9, 0.999, 1e-8, weightDecay, true);
    }

    @Override
    protected void update(int index, Group g, double lr, long step, boolean zeroGrad) {
        backend.adamStep(g.params(), g.grads(), state("exp_avg", index), state("exp_avg_sq", index), (float) lr,
                (float) beta1, (float) beta2, (float) eps, (float) weightDecay, decoupled, step, zeroGrad);
    }

    @Override
    protected List<String> stateKinds() {
        return List.of("exp_avg", "exp_avg_sq");
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", decoupled ? "adamw" : "adam");
        m.put("beta1", beta1);
        m.put("beta2", beta2);
        m.put("eps", eps);
        m.put("weight_decay", weightDecay);
        return m;
    }
}
