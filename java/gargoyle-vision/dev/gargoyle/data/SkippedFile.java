package dev.gargoyle.data;

import java.nio.file.Path;

/** An image file left out of a data set because it could not be read or decoded, and why. */
public record SkippedFile(Path path, String reason) {
}
