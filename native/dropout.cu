/* Inverted dropout with DropoutRandom's counter-based uniforms: same seed, same mask as the JVM. */
#include "launch.cuh"
#include "math/dropout.cuh"

__global__ void gg_dropout_kernel(const float *x, unsigned long long seed, float p, float scale, float *mask,
                                  float *y, long long n) {
    for (long long i = gg_first_index(); i < n; i += gg_grid_stride()) {
        float m = gg_dropout_mask(seed, i, p, scale);
        mask[i] = m;
        y[i] = x[i] * m;
    }
}

extern "C" int gg_dropout_forward(const float *x, float p, unsigned long long seed, float *mask, float *y,
                                  long long n, void *stream) {
    if (x == NULL || mask == NULL || y == NULL || n < 0 || !(p >= 0.0f && p < 1.0f)) {
        return GG_INVALID_ARGUMENT;
    }
    if (n == 0) {
        return GG_OK;
    }
    gg_clear_last_error();
    gg_dropout_kernel<<<gg_blocks(n, GG_THREADS, GG_MAX_BLOCKS), GG_THREADS, 0, gg_stream(stream)>>>(
        x, seed, p, gg_dropout_scale(p), mask, y, n);
    return gg_launched();
}
