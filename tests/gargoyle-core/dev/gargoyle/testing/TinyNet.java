package dev.gargoyle.testing;

import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Conv2d;
import dev.gargoyle.nn.Flatten;
import dev.gargoyle.nn.Linear;
import dev.gargoyle.nn.MaxPool2d;
import dev.gargoyle.nn.ReLU;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.train.ArrayDataSource;
import java.util.List;
import java.util.Random;

/** A conv, batch-norm, ReLU, pool and linear net on 3x8x8 images of 5 classes, and data for it. */
public final class TinyNet {
    public static final int CLASSES = 5;
    public static final int SIDE = 8;
    public static final Shape INPUT = Shape.of(3, SIDE, SIDE);

    private TinyNet() {
    }

    public static Sequential net() {
        return new Sequential(new Conv2d(3, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2, 2),
                new Flatten(), new Linear(4 * 4 * 4, CLASSES));
    }

    /** {@code n} random images around a non-zero mean, so batch-norm has something to take out. */
    public static ArrayDataSource data(int n) {
        Random r = new Random(7);
        float[][] x = new float[n][3 * SIDE * SIDE];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = (float) (0.5 + r.nextGaussian());
            }
            labels[i] = r.nextInt(CLASSES);
        }
        return new ArrayDataSource(List.of("a", "b", "c", "d", "e"), INPUT, x, labels);
    }
}
