package dev.gargoyle.viz;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;

import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.Softmax;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The image a class wants ("dreaming", class model visualisation): gradient ascent on the input
 * pixels of a model in evaluation mode, maximising one class logit with Adam, then the input
 * un-normalised to 8-bit RGB. Optional regularisers (L2 decay, random jitter, a blur every few
 * steps) make the pictures more recognisable; all are off by default, so the plain method is
 * reproducible step for step.
 */
public final class ClassImages {
    /** Pixel noise the plain method starts from: grey (0.5) plus Gaussian noise of this deviation. */
    static final double NOISE_STD = 0.1;
    private static final long NOISE_STREAM = 0x6e6f697365L;
    private static final long JITTER_STREAM = 0x6a6974746572L;

    private ClassImages() {
    }

    /**
     * How to dream.
     *
     * @param steps      Adam steps
     * @param lr         Adam's learning rate, in normalised input units
     * @param seed       seeds the start noise and the jitter
     * @param l2         L2 decay of the input (Adam's weight decay): pulls pixels towards the data mean
     * @param jitter     each step rolls the image by up to this many pixels in x and y (0: off)
     * @param blurEvery  blur the input every this many steps (0: off)
     * @param blurSigma  the Gaussian blur's sigma in pixels
     */
    public record Options(int steps, double lr, long seed, double l2, int jitter, int blurEvery, double blurSigma) {
        public Options {
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            }
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("lr must be a positive number, got " + lr);
            }
            if (!(l2 >= 0)) {
                throw new IllegalArgumentException("l2 must be >= 0, got " + l2);
            }
            if (jitter < 0) {
                throw new IllegalArgumentException("jitter must be >= 0, got " + jitter);
            }
            if (blurEvery < 0) {
                throw new IllegalArgumentException("blurEvery must be >= 0, got " + blurEvery);
            }
            if (!(blurSigma > 0)) {
                throw new IllegalArgumentException("blurSigma must be positive, got " + blurSigma);
            }
        }

        /** 1000 steps at 1e-2, seed 0, no regulariser. */
        public static Options defaults() {
            return new Options(1000, 1e-2, 0, 0, 0, 0, 0.5);
        }
    }

    /**
     * A dreamed image: {@code size·size·3} RGB bytes (HWC), the softmax probability of its class for
     * that 8-bit image as saved and for the optimised input before rounding and clipping, the class
     * logit at the start and at the end, and that input itself ({@code [3,size,size]}, normalised).
     */
    public record ClassImage(int classIndex, String className, int size, byte[] rgb, double probability,
                             double inputProbability, float startLogit, float endLogit, float[] input) {
    }

    /**
     * Maximises the logit of {@code classIndex}, starting from {@code init} ({@code size·size·3} RGB
     * bytes) or, when null, from seeded noise; calls {@code onStep} after every step.
     */
    public static ClassImage dream(Model model, ModelInput input, int classIndex, byte[] init, Options options,
                                   IntConsumer onStep) {
        int classes = input.classes().size();
        if (classIndex < 0 || classIndex >= classes) {
            throw new IllegalArgumentException("class " + classIndex + " is out of range: the model has " + classes
                    + " classes");
        }
        model.eval();
        int size = input.size();
        Shape shape = Shape.of(1, 3, size, size);
        SplittableRandom jitter = new SplittableRandom(options.seed() ^ JITTER_STREAM);
        try (Tensor x = model.backend().allocate(shape);
             Tensor shifted = model.backend().allocate(shape);
             Tensor shiftedGrad = model.backend().allocate(shape);
             Tensor ascent = model.backend().allocate(Shape.of(1, classes));
             InputAdam adam = new InputAdam(x, options.lr(), options.l2())) {
            input.load(init != null ? init : noise(size, options.seed()), x);
            float[] seed = new float[classes];
            seed[classIndex] = -1f; // the gradient of -logit: Adam descends it, so the logit climbs
            ascent.copyFrom(seed);
            float startLogit = model.forward(x).toArray()[classIndex];
            for (int step = 1; step <= options.steps(); step++) {
                int dx = options.jitter() > 0 ? jitter.nextInt(-options.jitter(), options.jitter() + 1) : 0;
                int dy = options.jitter() > 0 ? jitter.nextInt(-options.jitter(), options.jitter() + 1) : 0;
                Tensor grad;
                if (dx != 0 || dy != 0) {
                    shifted.copyFrom(roll(x.toArray(), size, dx, dy));
                    model.forward(shifted);
                    shiftedGrad.copyFrom(roll(model.backward(ascent, true).toArray(), size, -dx, -dy));
                    grad = shiftedGrad;
                } else {
                    model.forward(x);
                    grad = model.backward(ascent, true);
                }
                adam.step(x, grad);
                if (options.blurEvery() > 0 && step % options.blurEvery() == 0) {
                    x.copyFrom(blur(x.toArray(), size, options.blurSigma()));
                }
                onStep.accept(step);
            }
            model.zeroGrad();
            float[] optimised = x.toArray();
            float[] logits = model.forward(x).toArray();
            double inputProbability = Softmax.of(logits)[classIndex];
            byte[] rgb = input.toPixels(optimised);
            input.load(rgb, x);
            double probability = Softmax.of(model.forward(x).toArray())[classIndex];
            return new ClassImage(classIndex, input.classes().get(classIndex), size, rgb, probability,
                    inputProbability, startLogit, logits[classIndex], optimised);
        }
    }

    /** Grey with seeded Gaussian noise of {@value #NOISE_STD}, as RGB bytes. */
    static byte[] noise(int size, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ NOISE_STREAM);
        byte[] rgb = new byte[size * size * 3];
        for (int i = 0; i < rgb.length; i++) {
            double v = Math.rint(255 * (0.5 + NOISE_STD * gaussian(random)));
            rgb[i] = (byte) Math.max(0, Math.min(255, v));
        }
        return rgb;
    }

    /** A standard normal draw (Box-Muller), so the noise does not depend on a JDK's Random internals. */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** Each channel plane of a {@code [3,size,size]} array shifted circularly by dx columns and dy rows. */
    static float[] roll(float[] chw, int size, int dx, int dy) {
        float[] out = new float[chw.length];
        int plane = size * size;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                int ty = Math.floorMod(y + dy, size);
                for (int x = 0; x < size; x++) {
                    out[c * plane + ty * size + Math.floorMod(x + dx, size)] = chw[c * plane + y * size + x];
                }
            }
        }
        return out;
    }

    /** Each channel plane blurred with OpenCV's Gaussian of {@code sigma} (reflected border). */
    @SuppressWarnings("try") // the PointerScope frees the native planes and Mats
    static float[] blur(float[] chw, int size, double sigma) {
        float[] out = new float[chw.length];
        int plane = size * size;
        try (PointerScope scope = new PointerScope()) {
            FloatPointer p = new FloatPointer(plane);
            Mat m = new Mat(size, size, CV_32FC1, p);
            Size auto = new Size(0, 0);
            for (int c = 0; c < 3; c++) {
                p.put(chw, c * plane, plane);
                opencv_imgproc.GaussianBlur(m, m, auto, sigma); // border: BORDER_DEFAULT, reflect-101
                p.get(out, c * plane, plane);
            }
        }
        return out;
    }
}
