package dev.gargoyle.data;

import dev.gargoyle.train.DataException;
import java.nio.file.Path;

/** An image file that cannot be read or decoded; the message names the file and says why. */
public final class UnreadableImageException extends DataException {
    private final transient Path file;
    private final String reason;

    public UnreadableImageException(Path file, String reason, Throwable cause) {
        super("cannot load image " + file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    public Path file() {
        return file;
    }

    /** Why, without the file name. */
    public String reason() {
        return reason;
    }
}
