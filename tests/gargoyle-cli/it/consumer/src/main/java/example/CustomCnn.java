package example;

import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Conv2d;
import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Flatten;
import dev.gargoyle.nn.Linear;
import dev.gargoyle.nn.MaxPool2d;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.ReLU;
import dev.gargoyle.nn.Sequential;
import dev.gargoyle.nn.Softmax;
import dev.gargoyle.optim.Optimizer;
import dev.gargoyle.optim.OptimizerConfig;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/** A small CNN of your own on the low-level API: train, save, load, predict. java example.CustomCnn */
public final class CustomCnn {
    static Sequential network() {   // 1x8x8 images, 2 classes: is the bright stripe vertical or horizontal?
        return new Sequential(new Conv2d(1, 8, 3, 1, 1), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2, 2),
                new Flatten(), new Linear(8 * 4 * 4, 2));
    }

    static float[] stripes(int n, int[] labels, Random random) {
        float[] x = new float[n * 64];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(2);
            int line = random.nextInt(8);
            for (int p = 0; p < 64; p++) {
                boolean on = labels[i] == 0 ? p % 8 == line : p / 8 == line;
                x[i * 64 + p] = (on ? 1f : 0f) + 0.1f * (float) random.nextGaussian();
            }
        }
        return x;
    }

    public static void main(String[] args) throws Exception {
        run(Files.createTempDirectory("cnn-").resolve("cnn.safetensors"));
    }

    /** Trains, saves to {@code weights}, loads into a fresh model and returns its accuracy on new images. */
    static double run(Path weights) {
        Random random = new Random(1);
        int[] labels = new int[32];
        try (Backend backend = Backends.create(Device.cpu());
             Model model = new Model(network(), backend, 7, Shape.of(1, 8, 8));   // parameters in one flat buffer
             Optimizer adam = OptimizerConfig.adam().create(model, name -> 1.0);
             Tensor x = backend.allocate(Shape.of(32, 1, 8, 8));
             Tensor dlogits = backend.allocate(Shape.of(32, 2))) {
            CrossEntropyLoss loss = CrossEntropyLoss.unweighted();
            for (int step = 1; step <= 60; step++) {
                x.copyFrom(stripes(32, labels, random));
                double value = loss.compute(model.forward(x), labels, 1f, dlogits);
                model.backward(dlogits, false);   // adds into the flat gradient buffer
                adam.step(0.01);
                model.zeroGrad();
                if (step % 20 == 0) {
                    System.out.printf("step %d: loss %.4f%n", step, value);
                }
            }
            Checkpoint.save(weights, model, Map.of("note", "stripes"));
        }

        try (Backend backend = Backends.create(Device.cpu());
             Model model = new Model(network(), backend, 0, Shape.of(1, 8, 8));
             Tensor x = backend.allocate(Shape.of(100, 1, 8, 8))) {
            Checkpoint.load(weights, model);
            model.eval();
            int[] truth = new int[100];
            x.copyFrom(stripes(100, truth, random));
            float[] logits = model.forward(x).toArray();   // [100, 2], row-major
            int right = 0;
            for (int i = 0; i < 100; i++) {
                right += Softmax.argmax(Arrays.copyOfRange(logits, 2 * i, 2 * i + 2)) == truth[i] ? 1 : 0;
            }
            System.out.printf("the loaded model classifies %d of 100 new images right%n", right);
            return right / 100.0;
        }
    }
}
