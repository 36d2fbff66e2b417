/*
 * What every launcher shares: grid sizing for grid-stride kernels, the stream cast, and the error
 * handling around a launch (clear before, check after). Launchers never synchronize: errors inside a kernel surface at the caller's
 * next synchronizing call.
 */
#ifndef GG_LAUNCH_CUH
#define GG_LAUNCH_CUH

#include <cuda_runtime.h>

#include "gargoyle_kernels.h"

#define GG_THREADS 256

/*
 * The usual cap on a grid-stride kernel's blocks: the kernels stride over the rest, and a few
 * thousand blocks already fill every SM of an H100/H200 many times over.
 */
#define GG_MAX_BLOCKS 65535u

/* Enough blocks to cover n elements, at most cap. */
static inline unsigned int gg_blocks(long long n, long long per_block, unsigned int cap) {
    long long b = (n + per_block - 1) / per_block;
    return b > (long long)cap ? cap : (unsigned int)b;
}

static inline cudaStream_t gg_stream(void *stream) {
    return (cudaStream_t)stream;
}

/*
 * Call right before a launch. The runtime's last error may still hold an earlier, unrelated call's
 * non-sticky error (a refused cudaSetDevice, a failed cudaMalloc); cleared here, it is not blamed on
 * this launch. Sticky errors (a kernel that crashed) cannot be cleared, and every later launch rightly
 * reports them.
 */
static inline void gg_clear_last_error(void) {
    (void)cudaGetLastError();
}

/*
 * This launch's own error (the one before was cleared), peeked without resetting: the caller reads,
 * and so clears, it with cudaGetLastError to name it.
 */
static inline int gg_launched(void) {
    return cudaPeekAtLastError() == cudaSuccess ? GG_OK : GG_LAUNCH_FAILED;
}

/* First index of this thread and the stride of a grid-stride loop, in 64 bits. */
__device__ __forceinline__ long long gg_first_index(void) {
    return (long long)blockIdx.x * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ long long gg_grid_stride(void) {
    return (long long)gridDim.x * blockDim.x;
}

#endif
