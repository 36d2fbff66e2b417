package dev.gargoyle.cpu;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_version_t;

/** What oneDNN reports about itself and this machine, for {@code gargoyle info} and logs. */
final class CpuInfo {
    private CpuInfo() {
    }

    /** The version of the loaded library, e.g. {@code 3.11.0}. */
    static String version() {
        dnnl_version_t v = dnnl_version();
        return v.major() + "." + v.minor() + "." + v.patch();
    }

    /** The version with its threading runtime and commit, when the library knows it. */
    static String versionDetails() {
        dnnl_version_t v = dnnl_version();
        String hash = v.hash() == null || v.hash().isNull() ? "N/A" : v.hash().getString();
        String runtime = switch (v.cpu_runtime()) {
            case DNNL_RUNTIME_OMP -> "OpenMP";
            case DNNL_RUNTIME_THREADPOOL -> "threadpool";
            default -> "runtime " + v.cpu_runtime();
        };
        return version() + " (" + runtime + " runtime" + (hash.equals("N/A") ? "" : ", commit " + hash) + ")";
    }

    /** The instruction set oneDNN dispatches to, by family and oneDNN's name, e.g. {@code AVX-512 (avx512_core)}. */
    static String isa() {
        int isa = dnnl_get_effective_cpu_isa();
        return switch (isa) {
            case dnnl_cpu_isa_sse41 -> "SSE4.1 (sse41)";
            case dnnl_cpu_isa_avx -> "AVX (avx)";
            case dnnl_cpu_isa_avx2 -> "AVX2 (avx2)";
            case dnnl_cpu_isa_avx2_vnni -> "AVX2 (avx2_vnni)";
            case dnnl_cpu_isa_avx2_vnni_2 -> "AVX2 (avx2_vnni_2)";
            case dnnl_cpu_isa_avx512_core -> "AVX-512 (avx512_core)";
            case dnnl_cpu_isa_avx512_core_vnni -> "AVX-512 (avx512_core_vnni)";
            case dnnl_cpu_isa_avx512_core_bf16 -> "AVX-512 (avx512_core_bf16)";
            case dnnl_cpu_isa_avx512_core_fp16 -> "AVX-512 (avx512_core_fp16)";
            case dnnl_cpu_isa_avx512_core_amx -> "AVX-512 with AMX (avx512_core_amx)";
            case dnnl_cpu_isa_avx512_core_amx_fp16 -> "AVX-512 with AMX (avx512_core_amx_fp16)";
            case dnnl_cpu_isa_avx10_2_512 -> "AVX10.2 (avx10_2_512)";
            case dnnl_cpu_isa_avx10_2_512_amx_2 -> "AVX10.2 with AMX (avx10_2_512_amx_2)";
            default -> "ISA mask 0x" + Integer.toHexString(isa);
        };
    }

    /** Which layouts the ops run in at this ISA, for {@code info} and benchmark reports. */
    static String layouts() {
        String blocked = MemoryDesc.channelBlocked(16) == dnnl_aBcd16b ? "nChw16c" : "nChw8c";
        return "tensors nchw between ops; convolutions in the layouts oneDNN picks, batch-norm and pooling in "
                + blocked + " where the channels fill its blocks, each reordered in and out";
    }

    /** Why bf16 convolutions cannot run here, or null when they can. */
    static String bf16Refusal() {
        return bf16Refusal(dnnl_get_effective_cpu_isa(), isa());
    }

    /** oneDNN has bf16 convolutions from AVX-512 BF16 on (AMX and later ISAs include it). */
    static String bf16Refusal(int isaMask, String isaName) {
        if ((isaMask & dnnl_cpu_isa_avx512_core_bf16) == dnnl_cpu_isa_avx512_core_bf16) {
            return null;
        }
        return "bf16 convolutions need a CPU with AVX-512 BF16 or AMX; oneDNN runs at " + isaName + " here";
    }

    /** The short family name for one-line summaries, e.g. {@code AVX-512}. */
    static String isaFamily() {
        String full = isa();
        int paren = full.indexOf(" (");
        return paren < 0 ? full : full.substring(0, paren);
    }

    /**
     * oneDNN's OpenMP team size. The preset does not expose {@code omp_get_max_threads}, so this
     * follows OpenMP's own rule: {@code OMP_NUM_THREADS} when set, else one thread per processor
     * the process may run on.
     */
    static int threads() {
        String env = System.getenv("OMP_NUM_THREADS");
        if (env != null) {
            try {
                int first = Integer.parseInt(env.split(",")[0].trim());
                if (first > 0) {
                    return first;
                }
            } catch (NumberFormatException e) {
                // OpenMP ignores a malformed value too and falls back to the processor count
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    static String threadsDetails() {
        String env = System.getenv("OMP_NUM_THREADS");
        return threads() + (env != null ? " (OMP_NUM_THREADS=" + env + ")"
                : " (OpenMP default: one per available processor; set OMP_NUM_THREADS to change)");
    }
}
