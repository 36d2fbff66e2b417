package dev.gargoyle.optim;

import dev.gargoyle.nn.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Stochastic gradient descent as {@code torch.optim.SGD} (momentum, Nesterov, weight decay; dampening 0). */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double weightDecay;
    private final boolean nesterov;

    public Sgd(Model model, ToDoubleFunction<String> lrScale, double momentum, double weightDecay, boolean nesterov) {
        super(model, lrScale);
        if (momentum < 0 || weightDecay < 0) {
            throw new IllegalArgumentException("SGD: momentum and weight decay must be >= 0, got " + momentum
                    + " and " + weightDecay);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0");
        }
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    @Override
    protected void update(int index, Group g, double lr, long step, boolean zeroGrad) {
        backend.sgdStep(g.params(), g.grads(), momentum == 0 ? null : state("momentum_buffer", index), (float) lr,
                (float) momentum, (float) weightDecay, nesterov, zeroGrad);
    }

    @Override
    protected List<String> stateKinds() {
        return momentum == 0 ? List.of() : List.of("momentum_buffer");
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", "sgd");
        m.put("momentum", momentum);
        m.put("weight_decay", weightDecay);
        m.put("nesterov", nesterov);
        return m;
    }
}
