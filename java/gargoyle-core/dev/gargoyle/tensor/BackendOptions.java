package dev.gargoyle.tensor;

/**
 * Precision and reproducibility choices a backend may honour. The CPU backend computes
 * deterministically either way; the CUDA backend maps them onto cuDNN and cuBLAS math modes.
 *
 * @param tf32          allow TF32 tensor-core math on CUDA (faster, about 10 mantissa bits); off is full FP32
 * @param deterministic only use algorithms whose results do not vary from run to run
 * @param bf16          CPU only: convolutions multiply in bfloat16 (8 mantissa bits) and accumulate in FP32,
 *                      and the activations and their gradients between convolutions, batch-norm and pooling
 *                      are kept in bfloat16 (read as FP32 by anything else); weights, their gradients,
 *                      statistics and the loss stay FP32. Needs a CPU with AVX-512 BF16 or AMX; a backend
 *                      refuses it elsewhere
 */
public record BackendOptions(boolean tf32, boolean deterministic, boolean bf16) {

    /** FP32 on both devices. */
    public BackendOptions(boolean tf32, boolean deterministic) {
        this(tf32, deterministic, false);
    }

    /** FP32, fastest algorithms. */
    public static BackendOptions defaults() {
        return new BackendOptions(false, false);
    }

    /** The same options with bf16 convolutions on the CPU on or off. */
    public BackendOptions withBf16(boolean on) {
        return new BackendOptions(tf32, deterministic, on);
    }
}
