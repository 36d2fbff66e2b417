package dev.gargoyle.cuda;

/** A cuBLAS call that failed; the message names the call, cuBLAS's status and the shapes involved. */
public final class CublasException extends CudaException {
    private static final long serialVersionUID = 1L;

    private final int status;

    CublasException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The {@code cublasStatus_t} value. */
    public int status() {
        return status;
    }
}
