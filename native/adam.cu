/* Adam / AdamW step over the flat parameter buffer: one pass, math in math/adam.cuh. */
#include "launch.cuh"
#include "math/adam.cuh"

__global__ void gg_adam_kernel(float *param, const float *grad, float *m, float *v, long long n,
                               gg_adam_params p) {
    for (long long i = gg_first_index(); i < n; i += gg_grid_stride()) {
        gg_adam_update(&param[i], grad[i], &m[i], &v[i], p);
    }
}

extern "C" int gg_adam_step(float *param, const float *grad, float *m, float *v, long long n, float lr,
                            float beta1, float beta2, float eps, float weight_decay, int decoupled,
                            float step_size, float bias_correction2_sqrt, void *stream) {
    if (param == NULL || grad == NULL || m == NULL || v == NULL || n < 0 || !(bias_correction2_sqrt > 0.0f)) {
        return GG_INVALID_ARGUMENT;
    }
    if (n == 0) {
        return GG_OK;
    }
    gg_adam_params p = {lr, beta1, beta2, eps, weight_decay, decoupled, step_size, bias_correction2_sqrt};
    gg_clear_last_error();
    gg_adam_kernel<<<gg_blocks(n, GG_THREADS, GG_MAX_BLOCKS), GG_THREADS, 0, gg_stream(stream)>>>(
        param, grad, m, v, n, p);
    return gg_launched();
}
