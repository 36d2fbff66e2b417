package dev.gargoyle.data;

import java.nio.file.Path;

/** One labelled image file; {@code label} indexes {@link ImageFolder#classes()}. */
public record Sample(Path path, int label) {
}
