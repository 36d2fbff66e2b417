package dev.gargoyle.bench;

import dev.gargoyle.cuda.CudaBackend;
import dev.gargoyle.tensor.Backend;

/**
 * Times a pass: {@code warmup} untimed runs, then the milliseconds of each of {@code repeats} runs.
 * On CUDA with events on the backend's stream (device time); elsewhere with the wall clock around
 * each run, waiting for the backend before and after.
 */
@FunctionalInterface
interface OpTimer {
    double[] time(Runnable op, int warmup, int repeats);

    /** The timer that suits {@code backend}. */
    static OpTimer forBackend(Backend backend) {
        if (backend instanceof CudaBackend cuda) {
            return (op, warmup, repeats) -> {
                float[] ms = cuda.timeWithEvents(op, warmup, repeats);
                double[] out = new double[ms.length];
                for (int i = 0; i < ms.length; i++) {
                    out[i] = ms[i];
                }
                return out;
            };
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
            return out;
        };
    }
}
