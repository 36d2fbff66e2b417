/* One element of torch.optim.Adam / AdamW (amsgrad and maximize off). */
#ifndef GG_MATH_ADAM_CUH
#define GG_MATH_ADAM_CUH

#include <math.h>

#include "hd.cuh"

/*
 * The per-step scalars step_size = lr / (1 - beta1^step) and sqrt(1 - beta2^step) come from the host,
 * folded in double and rounded once to float, as torch and the CPU backend fold them.
 */
struct gg_adam_params {
    float lr;
    float beta1;
    float beta2;
    float eps;
    float weight_decay;
    int decoupled;
    float step_size;
    float bias_correction2_sqrt;
};

GG_HD void gg_adam_update(float *param, float grad, float *m, float *v, gg_adam_params p) {
    float w = *param;
    float g = grad;
    if (p.weight_decay != 0.0f) {
        if (p.decoupled) {
            w = w * (1.0f - p.lr * p.weight_decay);
        } else {
            g = g + p.weight_decay * w;
        }
    }
    /* torch: exp_avg.lerp_(grad, 1 - beta1); exp_avg_sq.mul_(beta2).addcmul_(grad, grad, 1 - beta2) */
    float mt = *m + (1.0f - p.beta1) * (g - *m);
    float vt = p.beta2 * *v + (1.0f - p.beta2) * g * g;
    *m = mt;
    *v = vt;
    float denom = sqrtf(vt) / p.bias_correction2_sqrt + p.eps;
    *param = w - p.step_size * (mt / denom);
}

#endif
