package dev.gargoyle.cuda;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.List;

/**
 * The CUDA backend's convolution algorithms, for people tuning cuDNN's backward passes (the bench):
 * {@code backend.extension(CudnnTuning.class)} has it on a CUDA backend. Confined to the backend's
 * thread, like the backend.
 */
public interface CudnnTuning {
    /**
     * Every algorithm cuDNN offered for a convolution of these shapes (forward, backward data,
     * backward filter, as far as they have run), with the ones in use marked.
     */
    List<ConvAlgorithm> convAlgorithms(Shape x, Shape w, Conv2dSpec spec);

    /** How many algorithm searches (cuDNN Find calls) the backend has run: one per shape and direction. */
    long convAlgorithmSearches();

    /**
     * Runs {@code work} with convolution algorithm {@code algorithm} (a cuDNN algorithm id, as
     * {@link ConvAlgorithm#id()}) in place of the cached choice for {@code direction}, then restores
     * the choice. Throws {@link CudnnException} when cuDNN refuses that algorithm.
     */
    void withConvAlgorithm(ConvAlgorithm.Direction direction, int algorithm, Runnable work);

    /**
     * The device time of each of {@code repeats} runs of {@code work} (which queues work on the
     * backend), in milliseconds, measured with CUDA events after {@code warmup} untimed runs.
     */
    float[] timeWithEvents(Runnable work, int warmup, int repeats);
}
