/*
 * Softmax cross-entropy of one row as an online (max, sum) pair: each lane folds its share of the
 * row into a pair, the lanes' pairs are merged, and loss and gradient are read off the result.
 * Subtracting the running max keeps every exp() at most 1, so no logit overflows.
 */
#ifndef GG_MATH_SOFTMAX_CE_CUH
#define GG_MATH_SOFTMAX_CE_CUH

#include <math.h>

#include "hd.cuh"

/* max of the values seen, and sum of exp(value - max) over them. */
struct gg_max_sum {
    float max;
    float sum;
};

GG_HD gg_max_sum gg_max_sum_empty() {
    gg_max_sum r = {-INFINITY, 0.0f};
    return r;
}

/* Folds one logit in; a NaN logit makes the sum NaN, so the loss is NaN too; -inf adds nothing. */
GG_HD gg_max_sum gg_max_sum_push(gg_max_sum a, float x) {
    if (x > a.max) {
        a.sum = a.sum * expf(a.max - x) + 1.0f;
        a.max = x;
    } else if (x != -INFINITY) {
        a.sum += expf(x - a.max);
    }
    return a;
}

/* Merges two lanes' pairs; commutative bit for bit, so every lane of a butterfly gets the same pair. */
GG_HD gg_max_sum gg_max_sum_merge(gg_max_sum a, gg_max_sum b) {
    float m = fmaxf(a.max, b.max);
    gg_max_sum r;
    r.max = m;
    if (m == -INFINITY) {
        r.sum = a.sum + b.sum;
    } else {
        r.sum = a.sum * expf(a.max - m) + b.sum * expf(b.max - m);
    }
    return r;
}

/* -log softmax(x)[label] = log(sum) - (x[label] - max). */
GG_HD float gg_ce_loss(gg_max_sum row, float label_logit) {
    return logf(row.sum) - (label_logit - row.max);
}

/* scale * (softmax(x)[j] - onehot[j]), with scale = grad_scale / n. */
GG_HD float gg_ce_grad(gg_max_sum row, float logit, int is_label, float scale) {
    float p = expf(logit - row.max) / row.sum;
    return scale * (is_label ? p - 1.0f : p);
}

#endif
