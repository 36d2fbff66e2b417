package dev.gargoyle.dist;

import dev.gargoyle.tensor.GargoyleException;

/** A collective that failed or did not complete in time: another rank failed, hangs, or the engine broke. */
public class CommunicationException extends GargoyleException {
    public CommunicationException(String message) {
        super(message);
    }

    public CommunicationException(String message, Throwable cause) {
        super(message, cause);
    }
}
