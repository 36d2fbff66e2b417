package dev.gargoyle.nn;

import java.util.SplittableRandom;

/** How a parameter starts: PyTorch's defaults for conv, linear and batch-norm layers. */
@FunctionalInterface
interface Init {
    void fill(float[] values, SplittableRandom random);

    static Init constant(float c) {
        return (values, random) -> java.util.Arrays.fill(values, c);
    }

    /**
     * {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}: both PyTorch's {@code kaiming_uniform_(a=sqrt(5))} for
     * conv and linear weights (gain sqrt(1/3) times sqrt(3/fanIn)) and its default bias init.
     */
    static Init uniformFanIn(long fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        return (values, random) -> {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
        };
    }
}
