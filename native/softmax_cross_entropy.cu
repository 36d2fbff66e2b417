/*
 * Fused softmax cross-entropy, forward and backward in one pass pair: one warp per row (a CNN's
 * few to a thousand classes fit a warp's strided loop well). Pass one folds the row into an online
 * (max, sum) pair per lane and merges the lanes by butterfly shuffles; pass two writes the gradient.
 */
#include "launch.cuh"
#include "math/softmax_ce.cuh"

#define GG_FULL_WARP 0xffffffffu

__global__ void gg_softmax_ce_kernel(const float *logits, const int *labels, int n, int k, float scale,
                                     float *loss, float *dlogits) {
    int lane = threadIdx.x & 31;
    long long first_row = gg_first_index() >> 5;
    long long rows_per_grid = gg_grid_stride() >> 5;
    for (long long row = first_row; row < n; row += rows_per_grid) {
        const float *x = logits + row * k;
        gg_max_sum acc = gg_max_sum_empty();
        for (int j = lane; j < k; j += 32) {
            acc = gg_max_sum_push(acc, x[j]);
        }
        for (int offset = 16; offset > 0; offset >>= 1) {
            gg_max_sum other;
            other.max = __shfl_xor_sync(GG_FULL_WARP, acc.max, offset);
            other.sum = __shfl_xor_sync(GG_FULL_WARP, acc.sum, offset);
            acc = gg_max_sum_merge(acc, other);
        }
        int label = labels[row];
        /* An out-of-range label poisons its row (loss and gradient) rather than reading out of bounds. */
        int valid = label >= 0 && label < k;
        if (lane == 0) {
            loss[row] = valid ? gg_ce_loss(acc, x[label]) : NAN;
        }
        if (dlogits != NULL) {
            float *dx = dlogits + row * k;
            for (int j = lane; j < k; j += 32) {
                dx[j] = valid ? gg_ce_grad(acc, x[j], j == label, scale) : NAN;
            }
        }
    }
}

extern "C" int gg_softmax_cross_entropy(const float *logits, const int *labels, int n, int k, float grad_scale,
                                        float *loss, float *dlogits, void *stream) {
    if (logits == NULL || labels == NULL || loss == NULL || n < 0 || k <= 0) {
        return GG_INVALID_ARGUMENT;
    }
    if (n == 0) {
        return GG_OK;
    }
    float scale = grad_scale / (float)n;
    long long rows_per_block = GG_THREADS / 32;
    gg_clear_last_error();
    gg_softmax_ce_kernel<<<gg_blocks(n, rows_per_block, GG_MAX_BLOCKS), GG_THREADS, 0, gg_stream(stream)>>>(
        logits, labels, n, k, scale, loss, dlogits);
    return gg_launched();
}
