/* fill, mul and add: plain grid-stride loops over n floats. */
#include "launch.cuh"

__global__ void gg_fill_kernel(float *x, long long n, float value) {
    for (long long i = gg_first_index(); i < n; i += gg_grid_stride()) {
        x[i] = value;
    }
}

__global__ void gg_mul_kernel(const float *a, const float *b, float *out, long long n) {
    for (long long i = gg_first_index(); i < n; i += gg_grid_stride()) {
        out[i] = a[i] * b[i];
    }
}

__global__ void gg_add_kernel(const float *a, const float *b, float *out, long long n) {
    for (long long i = gg_first_index(); i < n; i += gg_grid_stride()) {
        out[i] = a[i] + b[i];
    }
}

extern "C" int gg_fill(float *x, long long n, float value, void *stream) {
    if (x == NULL || n < 0) {
        return GG_INVALID_ARGUMENT;
    }
    if (n == 0) {
        return GG_OK;
    }
    gg_clear_last_error();
    gg_fill_kernel<<<gg_blocks(n, GG_THREADS, GG_MAX_BLOCKS), GG_THREADS, 0, gg_stream(stream)>>>(
        x, n, value);
    return gg_launched();
}

extern "C" int gg_mul(const float *a, const float *b, float *out, long long n, void *stream) {
    if (a == NULL || b == NULL || out == NULL || n < 0) {
        return GG_INVALID_ARGUMENT;
    }
    if (n == 0) {
        return GG_OK;
    }
    gg_clear_last_error();
    gg_mul_kernel<<<gg_blocks(n, GG_THREADS, GG_MAX_BLOCKS), GG_THREADS, 0, gg_stream(stream)>>>(
        a, b, out, n);
    return gg_launched();
}

extern "C" int gg_add(const float *a, const float *b, float *out, long long n, void *stream) {
    if (a == NULL || b == NULL || out == NULL || n < 0) {
        return GG_INVALID_ARGUMENT;
    }
    if (n == 0) {
        return GG_OK;
    }
    gg_clear_last_error();
    gg_add_kernel<<<gg_blocks(n, GG_THREADS, GG_MAX_BLOCKS), GG_THREADS, 0, gg_stream(stream)>>>(
        a, b, out, n);
    return gg_launched();
}
