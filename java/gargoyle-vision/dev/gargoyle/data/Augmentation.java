package dev.gargoyle.data;

import java.util.Locale;

/**
 * The random training augmentation, applied per image with OpenCV: a random resized crop, a
 * horizontal flip, a small rotation and brightness/contrast jitter (torchvision's
 * {@code RandomResizedCrop}, {@code RandomHorizontalFlip}, {@code RandomRotation}, {@code ColorJitter}).
 *
 * @param minArea         smallest crop, as a fraction of the image area (1 with maxArea 1: no crop)
 * @param maxArea         largest crop fraction
 * @param minAspect       smallest crop aspect ratio (width / height)
 * @param maxAspect       largest crop aspect ratio
 * @param flipProbability chance of a horizontal flip
 * @param maxRotation     rotation drawn from {@code [-maxRotation, maxRotation]} degrees, reflected border
 * @param brightness      brightness factor drawn from {@code [1 - brightness, 1 + brightness]}
 * @param contrast        contrast factor drawn from {@code [1 - contrast, 1 + contrast]}
 */
public record Augmentation(double minArea, double maxArea, double minAspect, double maxAspect,
                           double flipProbability, double maxRotation, double brightness, double contrast) {

    public Augmentation {
        check(minArea > 0 && minArea <= maxArea && maxArea <= 1, "crop area fractions must satisfy 0 < min <= max <= 1",
                minArea + ".." + maxArea);
        check(minAspect > 0 && minAspect <= maxAspect, "crop aspect ratios must satisfy 0 < min <= max",
                minAspect + ".." + maxAspect);
        check(flipProbability >= 0 && flipProbability <= 1, "flip probability must be in [0, 1]", flipProbability);
        check(maxRotation >= 0 && maxRotation <= 180, "max rotation must be in [0, 180] degrees", maxRotation);
        check(brightness >= 0 && brightness < 1, "brightness jitter must be in [0, 1)", brightness);
        check(contrast >= 0 && contrast < 1, "contrast jitter must be in [0, 1)", contrast);
    }

    /** AHE's training augmentation: crop 80-100 % of the area at aspect 3/4..4/3, flip, ±10°, ±0.2 jitter. */
    public static Augmentation standard() {
        return new Augmentation(0.8, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0.5, 10.0, 0.2, 0.2);
    }

    /** No augmentation: the image is only resized (what evaluation always gets). */
    public static Augmentation none() {
        return new Augmentation(1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0);
    }

    /** {@code "standard"} or {@code "none"}, as given on the command line. */
    public static Augmentation named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "standard", "default" -> standard();
            case "none", "off" -> none();
            default -> throw new IllegalArgumentException(
                    "unknown augmentation '" + name + "': expected 'standard' or 'none'");
        };
    }

    /** True when the image is left as it is (only resized). */
    public boolean isNone() {
        return equals(none());
    }

    private static void check(boolean ok, String rule, Object got) {
        if (!ok) {
            throw new IllegalArgumentException("augmentation: " + rule + ", got " + got);
        }
    }
}
