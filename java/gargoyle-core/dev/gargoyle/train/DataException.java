package dev.gargoyle.train;

import dev.gargoyle.tensor.GargoyleException;

/** A data set that cannot be used as asked: a missing folder, an unreadable image, mismatched classes. */
public class DataException extends GargoyleException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
