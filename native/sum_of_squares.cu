/*
 * sum of x[i]^2 in double: each thread folds a grid-stride share, each block reduces its threads
 * (warp shuffles, then one warp over the warps' sums) and adds its total to the result with one
 * double atomicAdd (native on sm_60 and later). Few blocks keep the atomics few.
 */
#include "launch.cuh"

#define GG_SUM_MAX_BLOCKS 1024u

__device__ __forceinline__ double gg_warp_sum(double v) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_down_sync(0xffffffffu, v, offset);
    }
    return v;
}

__global__ void gg_sum_of_squares_kernel(const float *x, long long n, double *result) {
    __shared__ double warp_sums[GG_THREADS / 32];
    double acc = 0.0;
    for (long long i = gg_first_index(); i < n; i += gg_grid_stride()) {
        double v = x[i];
        acc += v * v;
    }
    acc = gg_warp_sum(acc);
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    if (lane == 0) {
        warp_sums[warp] = acc;
    }
    __syncthreads();
    if (warp == 0) {
        acc = lane < (int)(blockDim.x >> 5) ? warp_sums[lane] : 0.0;
        acc = gg_warp_sum(acc);
        if (lane == 0) {
            atomicAdd(result, acc);
        }
    }
}

extern "C" int gg_sum_of_squares(const float *x, long long n, double *result, void *stream) {
    if (x == NULL || result == NULL || n < 0) {
        return GG_INVALID_ARGUMENT;
    }
    gg_clear_last_error();
    if (cudaMemsetAsync(result, 0, sizeof(double), gg_stream(stream)) != cudaSuccess) {
        return GG_LAUNCH_FAILED;
    }
    if (n == 0) {
        return GG_OK;
    }
    gg_sum_of_squares_kernel<<<gg_blocks(n, GG_THREADS, GG_SUM_MAX_BLOCKS), GG_THREADS, 0, gg_stream(stream)>>>(
        x, n, result);
    return gg_launched();
}
