package dev.gargoyle.mpi;

import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Conv2d;
import dev.gargoyle.nn.Flatten;
import dev.gargoyle.nn.Linear;
import dev.gargoyle.nn.MaxPool2d;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.ReLU;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.optim.OptimizerConfig;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.train.ArrayDataSource;
import dev.gargoyle.train.Trainer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** The model, data and settings the MPI tests train, alike in every rank and in the one-process reference. */
final class SmallRun {
    static final int SIDE = 8;
    static final int CLASSES = 4;
    static final long SEED = 5;

    private SmallRun() {
    }

    static Model model(Backend backend, long seed) {
        return new Model(new Sequential(new Conv2d(3, 8, 3, 1, 1), new BatchNorm2d(8), new ReLU(),
                new MaxPool2d(2, 2), new Flatten(), new Linear(8 * 4 * 4, CLASSES)), backend, seed,
                Shape.of(3, SIDE, SIDE));
    }

    static ArrayDataSource data(int n) {
        Random r = new Random(3);
        float[][] x = new float[n][3 * SIDE * SIDE];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(CLASSES);
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = (float) (0.3 * labels[i] + r.nextGaussian());
            }
        }
        return new ArrayDataSource(List.of("a", "b", "c", "d"), Shape.of(3, SIDE, SIDE), x, labels);
    }

    /**
     * SGD, not Adam: the convolution's bias before batch-norm has a true gradient of 0, and Adam
     * scales the float noise that stands in for it up to full-size steps, different in each run.
     */
    static Trainer.Builder builder(Model model, int samples, int batch, int k) {
        return Trainer.builder(model, data(samples)).testData(data(9)).batchSize(batch).accumulationSteps(k)
                .epochs(2).optimizer(OptimizerConfig.sgd(0.9)).learningRate(0.05).seed(SEED);
    }

    /** The parameters, then every batch-norm's running mean and variance. */
    static float[] state(Model model) {
        float[] p = model.flatParameters().toArray();
        int n = p.length;
        for (BatchNorm2d bn : model.batchNorms().values()) {
            for (Tensor t : bn.buffers().values()) {
                n += Math.toIntExact(t.numel());
            }
        }
        float[] out = Arrays.copyOf(p, n);
        int at = p.length;
        for (BatchNorm2d bn : model.batchNorms().values()) {
            for (Tensor t : bn.buffers().values()) {
                float[] v = t.toArray();
                System.arraycopy(v, 0, out, at, v.length);
                at += v.length;
            }
        }
        return out;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
