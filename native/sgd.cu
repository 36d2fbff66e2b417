/* SGD step over the flat parameter buffer: one pass, math in math/sgd.cuh. */
#include "launch.cuh"
#include "math/sgd.cuh"

__global__ void gg_sgd_kernel(float *param, const float *grad, float *velocity, long long n, gg_sgd_params p) {
    for (long long i = gg_first_index(); i < n; i += gg_grid_stride()) {
        gg_sgd_update(&param[i], grad[i], velocity == NULL ? NULL : &velocity[i], p);
    }
}

extern "C" int gg_sgd_step(float *param, const float *grad, float *velocity, long long n, float lr, float momentum,
                           float weight_decay, int nesterov, void *stream) {
    if (param == NULL || grad == NULL || (momentum != 0.0f && velocity == NULL) || n < 0) {
        return GG_INVALID_ARGUMENT;
    }
    if (n == 0) {
        return GG_OK;
    }
    gg_sgd_params p = {lr, momentum, weight_decay, nesterov};
    gg_clear_last_error();
    gg_sgd_kernel<<<gg_blocks(n, GG_THREADS, GG_MAX_BLOCKS), GG_THREADS, 0, gg_stream(stream)>>>(
        param, grad, velocity, n, p);
    return gg_launched();
}
