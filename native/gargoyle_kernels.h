/*
 * Gargoyle's own CUDA kernels: the whole interface. Bound to Java by dev.gargoyle.cuda.Kernels.
 *
 * Every launcher checks its preconditions, enqueues its work on `stream` (a cudaStream_t passed as
 * void* so this header needs no CUDA include), and returns a status; none exits or synchronizes.
 * Pointers are device pointers unless the parameter says host. The kernels round every multiply and
 * add on its own (no fused multiply-add), as Java does, so the optimizers and dropout give the CPU
 * backend's bits.
 */
#ifndef GARGOYLE_KERNELS_H
#define GARGOYLE_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

enum gg_status {
    GG_OK = 0,
    GG_INVALID_ARGUMENT = 1, /* a null pointer, a negative size, a label out of range */
    GG_LAUNCH_FAILED = 2,    /* the launch (or its cudaMemsetAsync) set the runtime's last error, which the
                                launcher cleared just before, so an earlier call's error is not reported;
                                left set for the caller's cudaGetLastError, which names it */
    GG_NOT_BUILT = 3         /* returned only by the Java side when the library is absent */
};

/* A short English description of a status, e.g. "invalid argument". */
const char *gg_status_string(int status);

/* Version of this kernel library, major*10000 + minor*100 + patch. */
int gg_version(void);

/* x[i] = value for i in [0, n). */
int gg_fill(float *x, long long n, float value, void *stream);

/* out[i] = a[i] * b[i]; out may alias a or b (dropout backward). */
int gg_mul(const float *a, const float *b, float *out, long long n, void *stream);

/* out[i] = a[i] + b[i]; out may alias a or b. */
int gg_add(const float *a, const float *b, float *out, long long n, void *stream);

/* *result = sum of x[i]^2, accumulated in double; result is one device double. */
int gg_sum_of_squares(const float *x, long long n, double *result, void *stream);

/*
 * Softmax cross-entropy over logits [n, k] with labels [n] (device ints in [0, k)).
 * loss[i] = -log softmax(logits[i])[labels[i]] for each sample (device floats, n of them).
 * If dlogits is not null: dlogits[i, j] = grad_scale * (softmax(logits[i])[j] - (j == labels[i])) / n.
 * A label out of range makes the kernel write NaN into that sample's loss; callers check labels on the host.
 */
int gg_softmax_cross_entropy(const float *logits, const int *labels, int n, int k, float grad_scale,
                             float *loss, float *dlogits, void *stream);

/*
 * Inverted dropout with the counter-based generator of dev.gargoyle.tensor.DropoutRandom:
 * u = top 24 bits of splitmix64(seed + (i + 1) * 0x9E3779B97F4A7C15) / 2^24;
 * mask[i] = u >= p ? 1 / (1 - p) : 0; y[i] = x[i] * mask[i]. 0 <= p < 1.
 */
int gg_dropout_forward(const float *x, float p, unsigned long long seed, float *mask, float *y, long long n,
                       void *stream);

/*
 * SGD as torch.optim.SGD with dampening 0 over n elements:
 * g = grad + weight_decay * param; if momentum != 0: v = momentum * v + g, g = nesterov ? g + momentum * v : v;
 * param -= lr * g. velocity may be null when momentum == 0.
 */
int gg_sgd_step(float *param, const float *grad, float *velocity, long long n, float lr, float momentum,
                float weight_decay, int nesterov, void *stream);

/*
 * Adam (decoupled == 0: L2 added to the gradient) or AdamW (decoupled != 0: param *= 1 - lr * weight_decay)
 * as torch.optim. step_size = lr / (1 - beta1^step) and bias_correction2_sqrt = sqrt(1 - beta2^step)
 * (> 0) are computed on the host in double and rounded once to float, as torch does.
 */
int gg_adam_step(float *param, const float *grad, float *m, float *v, long long n, float lr, float beta1,
                 float beta2, float eps, float weight_decay, int decoupled, float step_size,
                 float bias_correction2_sqrt, void *stream);

/*
 * n uint8 RGB images of height x width x 3 (HWC, packed) into dst [n, 3, height, width] floats:
 * dst = (pixel / 255 - mean[c]) / std[c]. mean and std are host arrays of 3 floats (passed by value
 * to the kernel).
 */
int gg_images_to_nchw(const unsigned char *hwc, int n, int height, int width, const float *mean,
                      const float *std, float *dst, void *stream);

#ifdef __cplusplus
}
#endif

#endif /* GARGOYLE_KERNELS_H */
