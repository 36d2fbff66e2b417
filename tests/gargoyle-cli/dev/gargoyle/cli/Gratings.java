package dev.gargoyle.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Two related synthetic tasks for transfer learning: tinted, noisy stripe patterns whose class is
 * the stripes' orientation (within ±10°). Features learnt on one set of orientations are what the
 * other needs, so a fine-tuned model should learn the second task faster than a fresh one.
 */
final class Gratings {
    private Gratings() {
    }

    /** Writes {@code root/train/classK} and {@code root/test/classK}, one class per angle in degrees. */
    static Path write(Path root, double[] angles, int trainPerClass, int testPerClass, int size, long seed)
            throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        for (String part : List.of("train", "test")) {
            for (int c = 0; c < angles.length; c++) {
                Path dir = Files.createDirectories(root.resolve(part).resolve("class" + c));
                int n = part.equals("train") ? trainPerClass : testPerClass;
                for (int i = 0; i < n; i++) {
                    ImageIO.write(grating(angles[c] + r.nextDouble(-10, 10), size, r), "png",
                            dir.resolve(i + ".png").toFile());
                }
            }
        }
        return root;
    }

    private static BufferedImage grating(double degrees, int size, SplittableRandom r) {
        double theta = Math.toRadians(degrees);
        double frequency = r.nextDouble(0.15, 0.3);
        double phase = r.nextDouble(0, 2 * Math.PI);
        int[] tint = {r.nextInt(60, 200), r.nextInt(60, 200), r.nextInt(60, 200)};
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double s = Math.sin(2 * Math.PI * frequency * (x * Math.cos(theta) + y * Math.sin(theta)) + phase);
                int rgb = 0;
                for (int k = 0; k < 3; k++) {
                    int v = (int) Math.max(0, Math.min(255, tint[k] + 55 * s + r.nextDouble(-20, 20)));
                    rgb = rgb << 8 | v;
                }
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }
}
