package dev.gargoyle.tensor;

/**
 * Precision and reproducibility choices a backend may honour. The CPU backend computes in FP32
 * and deterministically either way; the CUDA backend maps them onto cuDNN and cuBLAS math modes.
 *
 * @param tf32          allow TF32 tensor-core math (faster, about 10 mantissa bits); off is full FP32
 * @param deterministic only use algorithms whose results do not vary from run to run
 */
public record BackendOptions(boolean tf32, boolean deterministic) {

    /** FP32, fastest algorithms. */
    public static BackendOptions defaults() {
        return new BackendOptions(false, false);
    }
}
