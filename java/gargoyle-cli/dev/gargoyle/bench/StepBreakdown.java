package dev.gargoyle.bench;

import java.util.List;

/**
 * Where one training micro-batch's time goes, in milliseconds averaged over the profiled
 * micro-batches: the input conversion, each leaf module's forward and backward, the loss (with the
 * logits' copy to the host), and the optimizer update spread over its micro-batches.
 */
public record StepBreakdown(int microBatches, double inputMs, List<Module> modules, double lossMs,
                            double optimizerMs) {

    /** One leaf module's share: its state-dict name and kind (e.g. {@code features.0}, {@code Conv2d}). */
    public record Module(String name, String kind, double forwardMs, double backwardMs) {
    }

    public StepBreakdown {
        modules = List.copyOf(modules);
    }

    /** Everything per micro-batch. */
    public double totalMs() {
        return inputMs + lossMs + optimizerMs + modules.stream().mapToDouble(m -> m.forwardMs() + m.backwardMs()).sum();
    }
}
