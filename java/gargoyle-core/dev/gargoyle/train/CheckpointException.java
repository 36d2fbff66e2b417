package dev.gargoyle.train;

import dev.gargoyle.tensor.GargoyleException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A checkpoint or run-directory file that cannot be read or written, is malformed, or does not
 * hold what a model needs; the message names the file and what was expected.
 */
public class CheckpointException extends GargoyleException {
    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }

    /** {@code file} could not be read or written ({@code action}), with the reason in words. */
    public static CheckpointException io(Path file, String action, IOException e) {
        return new CheckpointException(file, "cannot " + action + ": " + reason(e), e);
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
