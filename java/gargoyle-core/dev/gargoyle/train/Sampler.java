package dev.gargoyle.train;

import java.util.SplittableRandom;

/**
 * The order in which an epoch visits a data set's samples, as indices: in order, a seeded
 * permutation, or classes drawn evenly (PyTorch's {@code WeightedRandomSampler} with weights
 * {@code 1 / count[label]}, with replacement, as many draws as samples). Every order depends only
 * on the seed and the epoch, so a resumed run sees the same batches.
 */
public sealed interface Sampler permits Sampler.InOrder, Sampler.Shuffled, Sampler.Balanced {

    /** The indices epoch {@code epoch} (from 0) visits, in order. */
    int[] order(DataSource data, int epoch);

    /** Every sample once, in index order. */
    static Sampler inOrder() {
        return new InOrder();
    }

    /** Every sample once per epoch, in a permutation seeded by {@code seed} and the epoch. */
    static Sampler shuffled(long seed) {
        return new Shuffled(seed);
    }

    /** Each draw picks a class uniformly, then one of its samples; seeded by {@code seed} and the epoch. */
    static Sampler balanced(long seed) {
        return new Balanced(seed);
    }

    /** See {@link #inOrder()}. */
    record InOrder() implements Sampler {
        @Override
        public int[] order(DataSource data, int epoch) {
            int[] order = new int[data.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            return order;
        }
    }

    /** See {@link #shuffled(long)}. */
    record Shuffled(long seed) implements Sampler {
        @Override
        public int[] order(DataSource data, int epoch) {
            return Seeds.permutation(data.size(), Seeds.mix(seed, Seeds.SHUFFLE, epoch));
        }
    }

    /**
     * See {@link #balanced(long)}: inverse-frequency weights with replacement, drawn by inverting the
     * cumulative weights as {@code torch.multinomial} does, so small classes repeat and large ones
     * are undersampled.
     */
    record Balanced(long seed) implements Sampler {
        @Override
        public int[] order(DataSource data, int epoch) {
            int n = data.size();
            int[] counts = data.classCounts();
            double[] cumulative = new double[n];
            double total = 0;
            for (int i = 0; i < n; i++) {
                total += 1.0 / counts[data.label(i)];
                cumulative[i] = total;
            }
            SplittableRandom random = new SplittableRandom(Seeds.mix(seed, Seeds.BALANCED, epoch));
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                double u = random.nextDouble() * total;
                int at = java.util.Arrays.binarySearch(cumulative, u);
                order[i] = Math.min(n - 1, at >= 0 ? at + 1 : -at - 1);
            }
            return order;
        }
    }
}
