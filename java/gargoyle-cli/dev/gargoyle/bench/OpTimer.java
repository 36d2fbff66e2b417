package dev.gargoyle.bench;

import dev.gargoyle.cuda.CudnnTuning;
import dev.gargoyle.tensor.Backend;
import java.util.Optional;

/**
 * Times a pass: {@code warmup} untimed runs, then {@code repeats} timed runs, summarised as a {@link Timing}.
 * On CUDA with events on the backend's stream (device time); elsewhere with the wall clock around
 * each run, waiting for the backend before and after.
 */
@FunctionalInterface
interface OpTimer {
    Timing time(Runnable op, int warmup, int repeats);

    /** The timer that suits {@code backend}. */
    static OpTimer forBackend(Backend backend) {
        Optional<CudnnTuning> cudnn = backend.extension(CudnnTuning.class);
        if (cudnn.isPresent()) {
            return (op, warmup, repeats) -> Timing.of(cudnn.get().timeWithEvents(op, warmup, repeats));
        }
        return (op, warmup, repeats) -> {
            for (int i = 0; i < warmup; i++) {
                op.run();
            }
            backend.synchronize();
            double[] out = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                op.run();
                backend.synchronize();
                out[i] = (System.nanoTime() - start) / 1e6;
            }
            return Timing.of(out);
        };
    }
}
