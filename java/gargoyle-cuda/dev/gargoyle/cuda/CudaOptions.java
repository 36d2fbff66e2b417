package dev.gargoyle.cuda;

/**
 * How a {@link CudaBackend} trades precision, reproducibility and memory.
 *
 * @param tf32                      allow TF32 tensor-core math in convolutions and GEMMs (faster on
 *                                  Ampere and later, about 10 mantissa bits); off keeps full FP32
 * @param deterministic             only run convolution algorithms cuDNN marks deterministic
 * @param searchWorkspaceLimitBytes the most device memory an algorithm search may borrow to time
 *                                  the algorithms that need a large workspace
 */
public record CudaOptions(boolean tf32, boolean deterministic, long searchWorkspaceLimitBytes) {
    private static final long DEFAULT_SEARCH_WORKSPACE = 1L << 30;

    public CudaOptions {
        if (searchWorkspaceLimitBytes < 0) {
            throw new IllegalArgumentException("CUDA search workspace limit must be >= 0 bytes, got "
                    + searchWorkspaceLimitBytes);
        }
    }

    /** FP32, fastest algorithms, searches may borrow 1 GiB. */
    public static CudaOptions defaults() {
        return new CudaOptions(false, false, DEFAULT_SEARCH_WORKSPACE);
    }

    public CudaOptions withTf32(boolean on) {
        return new CudaOptions(on, deterministic, searchWorkspaceLimitBytes);
    }

    public CudaOptions withDeterministic(boolean on) {
        return new CudaOptions(tf32, on, searchWorkspaceLimitBytes);
    }
}
