package dev.gargoyle.cpu;

import dev.gargoyle.tensor.BackendException;

/** A oneDNN call returned a status other than success; the message names the call and the status. */
public final class DnnlException extends BackendException {
    private final int status;

    DnnlException(String call, int status) {
        super(call + ": " + Dnnl.statusName(status));
        this.status = status;
    }

    /** The raw {@code dnnl_status_t}. */
    public int status() {
        return status;
    }
}
