package dev.gargoyle.tensor;

/**
 * A device or native library failed (a oneDNN, CUDA, cuDNN or cuBLAS status, a device that cannot
 * be used, memory that cannot be had); the message names the call and what it was given.
 */
public class BackendException extends GargoyleException {
    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
