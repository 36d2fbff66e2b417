package dev.gargoyle.bench;

import dev.gargoyle.nn.BackwardHook;
import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.HookHandle;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.Module;
import dev.gargoyle.tensor.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Splits training micro-batches into their parts with the modules' hooks: a forward hook fires as
 * each leaf module finishes its forward, a backward hook as each starts its backward, so the time
 * between consecutive hooks is one module's (a batch-norm and the ReLU it runs share a row). On
 * CUDA every mark waits for the device, which makes the parts honest and the whole slower; the
 * headline rates are measured without the profiler.
 */
final class StepProfiler implements AutoCloseable {
    private final Backend backend;
    private final boolean wait;
    private final List<String> names = new ArrayList<>();
    private final List<String> kinds = new ArrayList<>();
    private final List<HookHandle> hooks = new ArrayList<>();
    private final long[] forward;
    private final long[] backward;
    private long input;
    private long loss;
    private long optimizer;
    private int microBatches;
    private long last;
    private int backwardAt = -1;

    StepProfiler(Model model) {
        this.backend = model.backend();
        this.wait = backend.device().isCuda();
        String fusedName = null;
        for (Map.Entry<String, Module> e : model.modules().entrySet()) {
            Module m = e.getValue();
            if (!m.children().isEmpty() || e.getKey().isEmpty()) {
                continue;
            }
            // A hook on a batch-norm would stop it from running the ReLU after it: one row for both.
            if (m instanceof BatchNorm2d bn && bn.fusesRelu()) {
                fusedName = e.getKey();
                continue;
            }
            int i = names.size();
            String key = e.getKey();
            names.add(fusedName == null ? key : fusedName + "+" + key.substring(key.lastIndexOf('.') + 1));
            kinds.add(fusedName == null ? m.getClass().getSimpleName() : "BatchNorm2d+ReLU");
            fusedName = null;
            hooks.add(m.addForwardHook((module, out) -> forwardDone(i)));
            hooks.add(m.addBackwardHook(BackwardHook.onStart(module -> backwardStarts(i))));
        }
        forward = new long[names.size()];
        backward = new long[names.size()];
    }

    /** Before the micro-batch's input conversion. */
    void microBatchStarts() {
        last = mark();
        backwardAt = -1;
    }

    /** After the input conversion, before the forward. */
    void inputDone() {
        long now = mark();
        input += now - last;
        last = now;
    }

    private void forwardDone(int module) {
        long now = mark();
        forward[module] += now - last;
        last = now;
    }

    private void backwardStarts(int module) {
        long now = mark();
        if (backwardAt < 0) {
            loss += now - last;
        } else {
            backward[backwardAt] += now - last;
        }
        backwardAt = module;
        last = now;
    }

    /** After the micro-batch's backward returned. */
    void microBatchDone() {
        long now = mark();
        if (backwardAt >= 0) {
            backward[backwardAt] += now - last;
        }
        last = now;
        microBatches++;
    }

    /** The optimizer update (and gradient zeroing) took {@code nanos}. */
    void optimizerTook(long nanos) {
        optimizer += nanos;
    }

    long mark() {
        if (wait) {
            backend.synchronize();
        }
        return System.nanoTime();
    }

    StepBreakdown result() {
        double per = Math.max(1, microBatches) * 1e6;
        List<StepBreakdown.Module> modules = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            modules.add(new StepBreakdown.Module(names.get(i), kinds.get(i), forward[i] / per, backward[i] / per));
        }
        return new StepBreakdown(microBatches, input / per, modules, loss / per, optimizer / per);
    }

    @Override
    public void close() {
        hooks.forEach(HookHandle::close);
        hooks.clear();
    }
}
