package dev.gargoyle.tensor;

/**
 * The root of Gargoyle's own failures, unchecked: catch it to handle anything the library reports
 * about data, checkpoints, backends or a diverging run. Misuse of an API (a bad argument, a closed
 * object, the wrong thread) stays {@link IllegalArgumentException} or {@link IllegalStateException}.
 */
public class GargoyleException extends RuntimeException {
    public GargoyleException(String message) {
        super(message);
    }

    public GargoyleException(String message, Throwable cause) {
        super(message, cause);
    }
}
