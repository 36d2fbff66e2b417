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
    /** System property that turns TF32 on ({@code --tf32} sets it). */
    public static final String TF32_PROPERTY = "gargoyle.cuda.tf32";
    /** System property that restricts convolutions to deterministic algorithms. */
    public static final String DETERMINISTIC_PROPERTY = "gargoyle.cuda.deterministic";
    /** System property with the search workspace limit in MiB. */
    public static final String SEARCH_WORKSPACE_PROPERTY = "gargoyle.cuda.searchWorkspaceMiB";

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

    /** The defaults, overridden by the {@code gargoyle.cuda.*} system properties that are set. */
    public static CudaOptions fromSystemProperties() {
        String mib = System.getProperty(SEARCH_WORKSPACE_PROPERTY);
        long limit = DEFAULT_SEARCH_WORKSPACE;
        if (mib != null) {
            try {
                limit = Long.parseLong(mib.trim()) << 20;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(SEARCH_WORKSPACE_PROPERTY + " must be a whole number of MiB, got '"
                        + mib + "'", e);
            }
        }
        return new CudaOptions(Boolean.getBoolean(TF32_PROPERTY), Boolean.getBoolean(DETERMINISTIC_PROPERTY), limit);
    }

    public CudaOptions withTf32(boolean on) {
        return new CudaOptions(on, deterministic, searchWorkspaceLimitBytes);
    }

    public CudaOptions withDeterministic(boolean on) {
        return new CudaOptions(tf32, on, searchWorkspaceLimitBytes);
    }
}
