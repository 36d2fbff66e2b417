package dev.gargoyle.data;

import java.util.List;

/**
 * A data set opened by {@link ImageFolder#open}: its training and test parts (same classes), how
 * they were found, and the image files left out because they could not be decoded.
 */
public record DataSplits(ImageFolder train, ImageFolder test, Layout layout, List<SkippedFile> skipped) {

    /** Where the test images came from. */
    public enum Layout {
        /** {@code root/train/<class>} and {@code root/test/<class>} (or {@code root/val/<class>}). */
        TRAIN_TEST,
        /** {@code root/<class>}, split per class with a seeded shuffle. */
        SPLIT
    }

    public DataSplits {
        skipped = List.copyOf(skipped);
    }

    /** The class names, in label order (the same for both parts). */
    public List<String> classes() {
        return train.classes();
    }

    /** One line for the training log, e.g. {@code 10 classes, 1000 train + 250 test images (split), 2 skipped}. */
    public String summary() {
        return classes().size() + " classes, " + train.size() + " train + " + test.size() + " test images ("
                + (layout == Layout.TRAIN_TEST ? "train/test folders" : "seeded split") + "), "
                + skipped.size() + " unreadable file" + (skipped.size() == 1 ? "" : "s") + " skipped";
    }
}
