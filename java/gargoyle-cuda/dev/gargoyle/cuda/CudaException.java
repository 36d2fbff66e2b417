package dev.gargoyle.cuda;

import dev.gargoyle.tensor.BackendException;

/** A CUDA, cuDNN, cuBLAS or Gargoyle kernel call that failed; the message names the call and the reason. */
public class CudaException extends BackendException {
    private static final long serialVersionUID = 1L;

    public CudaException(String message) {
        super(message);
    }
}
