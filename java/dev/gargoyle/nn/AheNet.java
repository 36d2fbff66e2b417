package dev.gargoyle.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The AHE (Architectural Heritage Elements) CNN, exactly this PyTorch model, whose {@code state_dict}
 * names our checkpoints use:
 * <pre>
 * features = Sequential(Conv2d(3,32,3,p=1), BatchNorm2d(32), ReLU(), MaxPool2d(2,2), ... 64, 128, 256 ...,
 *                       Conv2d(256,512,3,p=1), BatchNorm2d(512), ReLU())
 * classifier = Sequential(Flatten(), Dropout(d), Linear(512*(size/16)^2, 1024), ReLU(),
 *                         Dropout(d), Linear(1024, 512), ReLU(), Dropout(d), Linear(512, classes))
 * </pre>
 */
public final class AheNet {
    /** Convolution widths, one block each; every block but the last ends with 2x2 max pooling. */
    static final int[] WIDTHS = {32, 64, 128, 256, 512};

    private AheNet() {
    }

    /**
     * The model for {@code size x size} RGB inputs ({@code size} a multiple of 16) and {@code classes} outputs.
     */
    public static Sequential create(int classes, int size, double dropout) {
        if (size < 16 || size % 16 != 0) {
            throw new IllegalArgumentException("AheNet: image size must be a positive multiple of 16, got " + size);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("AheNet: need at least 2 classes, got " + classes);
        }
        Module[] features = new Module[WIDTHS.length * 4 - 1];
        int in = 3;
        int i = 0;
        for (int b = 0; b < WIDTHS.length; b++) {
            features[i++] = new Conv2d(in, WIDTHS[b], 3, 1, 1);
            features[i++] = new BatchNorm2d(WIDTHS[b]);
            features[i++] = new ReLU();
            if (b < WIDTHS.length - 1) {
                features[i++] = new MaxPool2d(2, 2);
            }
            in = WIDTHS[b];
        }
        int side = size / 16;
        Map<String, Module> named = new LinkedHashMap<>();
        named.put("features", new Sequential(features));
        named.put("classifier", new Sequential(new Flatten(), new Dropout(dropout),
                new Linear(512 * side * side, 1024), new ReLU(), new Dropout(dropout), new Linear(1024, 512),
                new ReLU(), new Dropout(dropout), new Linear(512, classes)));
        return new Sequential(named);
    }

    /** The names of the five conv layers in {@code features}, in order ({@code features.0}, {@code features.4}, ...). */
    public static String[] convLayerNames() {
        String[] names = new String[WIDTHS.length];
        for (int b = 0; b < WIDTHS.length; b++) {
            names[b] = "features." + (b * 4);
        }
        return names;
    }
}
