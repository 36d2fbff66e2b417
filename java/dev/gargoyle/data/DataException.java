package dev.gargoyle.data;

/** A data set that cannot be used as asked: a missing folder, an unreadable image, mismatched classes. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
