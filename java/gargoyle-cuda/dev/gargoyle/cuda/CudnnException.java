package dev.gargoyle.cuda;

/** A cuDNN call that failed; the message names the call, cuDNN's status and the shapes involved. */
public final class CudnnException extends CudaException {
    private static final long serialVersionUID = 1L;

    private final int status;

    CudnnException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The {@code cudnnStatus_t} value. */
    public int status() {
        return status;
    }
}
