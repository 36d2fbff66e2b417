/* One element of torch.optim.SGD (dampening 0, maximize off). */
#ifndef GG_MATH_SGD_CUH
#define GG_MATH_SGD_CUH

#include "hd.cuh"

struct gg_sgd_params {
    float lr;
    float momentum;
    float weight_decay;
    int nesterov;
};

/* Updates *param and, when momentum != 0, *velocity; velocity is not touched otherwise. */
GG_HD void gg_sgd_update(float *param, float grad, float *velocity, gg_sgd_params p) {
    float g = grad;
    if (p.weight_decay != 0.0f) {
        g = g + p.weight_decay * *param;
    }
    if (p.momentum != 0.0f) {
        float v = p.momentum * *velocity + g;
        *velocity = v;
        g = p.nesterov ? g + p.momentum * v : v;
    }
    *param = *param - p.lr * g;
}

#endif
