/*
 * Host-only checks of the kernels' per-element math (the headers in native/math), compiled by the host C++
 * compiler so they run without a GPU. Expected values are hand-computed or come from an
 * independent float64 loop here, never from the code under test.
 * Usage: math_test NAME (one ctest test per NAME) or math_test (all).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <functional>
#include <vector>

#include "../gargoyle_kernels.h"
#include "../math/adam.cuh"
#include "../math/dropout.cuh"
#include "../math/images.cuh"
#include "../math/sgd.cuh"
#include "../math/softmax_ce.cuh"

static int failures = 0;

static void expect_near(const char *what, double got, double want, double tol) {
    if (!(fabs(got - want) <= tol)) {
        printf("  FAIL %s: got %.9g, want %.9g (tolerance %.3g)\n", what, got, want, tol);
        failures++;
    }
}

static void expect_true(const char *what, bool ok) {
    if (!ok) {
        printf("  FAIL %s\n", what);
        failures++;
    }
}

static unsigned int float_bits(float f) {
    unsigned int u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* Values printed by dev.gargoyle.tensor.DropoutRandom.uniform(seed, index) as raw float bits. */
static void test_dropout() {
    struct {
        unsigned long long seed;
        long long index;
        unsigned int bits;
    } java[] = {
        {0x0000000000000000ULL, 0LL, 0x3F6220A8}, {0x0000000000000000ULL, 1LL, 0x3EDCF13C},
        {0x0000000000000000ULL, 2LL, 0x3CD88BA0}, {0x0000000000000000ULL, 1000LL, 0x3E33E8BC},
        {0x0000000000000000ULL, 123456789012LL, 0x3EDD74F6}, {0x000000000000002AULL, 0LL, 0x3F3DD732},
        {0x000000000000002AULL, 1LL, 0x3E23BF8C}, {0x000000000000002AULL, 2LL, 0x3E8EA4CE},
        {0x000000000000002AULL, 1000LL, 0x3EAACDB6}, {0x000000000000002AULL, 123456789012LL, 0x3DE0D960},
        {0xFFFFFFFFFFFFFFFFULL, 0LL, 0x3F64D971}, {0xFFFFFFFFFFFFFFFFULL, 1LL, 0x3F699FF8},
        {0xFFFFFFFFFFFFFFFFULL, 2LL, 0x3E60BFE0}, {0xFFFFFFFFFFFFFFFFULL, 1000LL, 0x3F3758F7},
        {0xFFFFFFFFFFFFFFFFULL, 123456789012LL, 0x3D2E9B20}, {0x0123456789ABCDEFULL, 0LL, 0x3DABD1C0},
        {0x0123456789ABCDEFULL, 1LL, 0x3F557352}, {0x0123456789ABCDEFULL, 2LL, 0x3E3E42DC},
        {0x0123456789ABCDEFULL, 1000LL, 0x3F025A7E}, {0x0123456789ABCDEFULL, 123456789012LL, 0x3EC4E8B6},
    };
    for (auto &c : java) {
        float u = gg_dropout_uniform(c.seed, c.index);
        char what[96];
        snprintf(what, sizeof what, "uniform(seed=%llx, i=%lld) bits %08x, Java %08x", c.seed, c.index,
                 float_bits(u), c.bits);
        expect_true(what, float_bits(u) == c.bits);
    }
    /* Java: 1.0f / (1.0f - 0.3f) == 1.4285715f, bits 1068948334. */
    expect_true("scale(0.3) bits match Java", float_bits(gg_dropout_scale(0.3f)) == 1068948334u);
    /* seed 0, index 1 draws 0.43152797: kept at p = 0.43, dropped at p = 0.44. */
    expect_true("u >= p keeps", gg_dropout_mask(0, 1, 0.43f, 2.0f) == 2.0f);
    expect_true("u < p drops", gg_dropout_mask(0, 1, 0.44f, 2.0f) == 0.0f);
    expect_true("p = 0 keeps all", gg_dropout_mask(0, 2, 0.0f, gg_dropout_scale(0.0f)) == 1.0f);
}

/* The kernel's row algorithm: 32 lanes fold strided shares, then merge by an xor butterfly. */
static gg_max_sum row_as_warp(const float *x, int k) {
    gg_max_sum lane[32];
    for (int l = 0; l < 32; l++) {
        lane[l] = gg_max_sum_empty();
        for (int j = l; j < k; j += 32) {
            lane[l] = gg_max_sum_push(lane[l], x[j]);
        }
    }
    for (int offset = 16; offset > 0; offset >>= 1) {
        gg_max_sum next[32];
        for (int l = 0; l < 32; l++) {
            next[l] = gg_max_sum_merge(lane[l], lane[l ^ offset]);
        }
        for (int l = 0; l < 32; l++) {
            lane[l] = next[l];
        }
    }
    for (int l = 1; l < 32; l++) {
        expect_true("every lane ends with the same pair",
                    float_bits(lane[l].max) == float_bits(lane[0].max) && float_bits(lane[l].sum) == float_bits(lane[0].sum));
    }
    return lane[0];
}

static void test_softmax_ce_hand() {
    /* logits [1, 2, 3], label 2: log(1 + e^-1 + e^-2) = 0.40760596; softmax [0.0900306, 0.2447285, 0.6652410]. */
    float x[] = {1.0f, 2.0f, 3.0f};
    gg_max_sum row = row_as_warp(x, 3);
    expect_near("loss [1,2,3] label 2", gg_ce_loss(row, x[2]), 0.4076059644, 1e-6);
    expect_near("grad 0", gg_ce_grad(row, x[0], 0, 1.0f), 0.0900305732, 1e-7);
    expect_near("grad 1", gg_ce_grad(row, x[1], 0, 1.0f), 0.2447284711, 1e-7);
    expect_near("grad 2 (label)", gg_ce_grad(row, x[2], 1, 1.0f), 0.6652409558 - 1.0, 1e-7);
    expect_near("grad scaled by grad_scale / n = 0.5 / 4", gg_ce_grad(row, x[0], 0, 0.125f), 0.0900305732 / 8, 1e-8);
    /* Logits near 1000 overflow a naive exp; with the max subtracted the loss is log-sum-exp's 2.44018970. */
    float big[] = {1000.0f, 1001.0f, 1002.0f, 999.0f};
    gg_max_sum brow = row_as_warp(big, 4);
    expect_near("loss of logits near 1000", gg_ce_loss(brow, big[0]), 2.4401896986, 1e-5);
    expect_near("grad of logits near 1000", gg_ce_grad(brow, big[3], 0, 1.0f), 0.0320586033, 1e-7);
    float nan_row[] = {1.0f, NAN, 3.0f};
    expect_true("a NaN logit gives a NaN loss", isnan(gg_ce_loss(row_as_warp(nan_row, 3), 1.0f)));
    float with_minus_inf[] = {-INFINITY, 0.0f, 0.0f};
    expect_near("-inf logit adds nothing: log 2", gg_ce_loss(row_as_warp(with_minus_inf, 3), 0.0f), log(2.0), 1e-7);
}

/* Against a float64 loop over rows of several widths (fewer and more than 32 lanes). */
static void test_softmax_ce_reference() {
    int widths[] = {1, 2, 7, 31, 32, 33, 100, 1000};
    unsigned int state = 12345;
    for (int k : widths) {
        std::vector<float> x(k);
        for (int j = 0; j < k; j++) {
            state = state * 1664525u + 1013904223u;
            x[j] = ((int)(state >> 8) % 2000 - 1000) / 37.0f;
        }
        int label = (k * 7) / 11 % k;
        double m = -INFINITY;
        for (int j = 0; j < k; j++) {
            m = fmax(m, (double)x[j]);
        }
        double s = 0;
        for (int j = 0; j < k; j++) {
            s += exp((double)x[j] - m);
        }
        gg_max_sum row = row_as_warp(x.data(), k);
        char what[64];
        snprintf(what, sizeof what, "loss k=%d", k);
        double want_loss = log(s) - ((double)x[label] - m);
        expect_near(what, gg_ce_loss(row, x[label]), want_loss, 1e-5 * fmax(1.0, fabs(want_loss)));
        double grad_sum = 0;
        for (int j = 0; j < k; j++) {
            double want = exp((double)x[j] - m) / s - (j == label ? 1.0 : 0.0);
            float got = gg_ce_grad(row, x[j], j == label, 1.0f);
            grad_sum += got;
            snprintf(what, sizeof what, "grad k=%d j=%d", k, j);
            expect_near(what, got, want, 1e-6);
        }
        snprintf(what, sizeof what, "gradient row sums to 0, k=%d", k);
        expect_near(what, grad_sum, 0.0, 1e-5);
    }
}

static void test_sgd() {
    /* lr 0.1, momentum 0.9, weight decay 0.01, grad 0.5 twice from param 1:
     * step 1: g = 0.51, v = 0.51, param = 0.949; step 2: g = 0.50949, v = 0.96849, param = 0.852151. */
    gg_sgd_params p = {0.1f, 0.9f, 0.01f, 0};
    float w = 1.0f, v = 0.0f;
    gg_sgd_update(&w, 0.5f, &v, p);
    expect_near("sgd momentum step 1 param", w, 0.949, 1e-6);
    expect_near("sgd momentum step 1 velocity", v, 0.51, 1e-6);
    gg_sgd_update(&w, 0.5f, &v, p);
    expect_near("sgd momentum step 2 param", w, 0.852151, 1e-6);
    expect_near("sgd momentum step 2 velocity", v, 0.96849, 1e-6);
    /* Nesterov, same numbers: g = 0.51 + 0.9 * 0.51 = 0.969, param = 0.9031. */
    gg_sgd_params nesterov = {0.1f, 0.9f, 0.01f, 1};
    w = 1.0f;
    v = 0.0f;
    gg_sgd_update(&w, 0.5f, &v, nesterov);
    expect_near("sgd nesterov param", w, 0.9031, 1e-6);
    expect_near("sgd nesterov velocity", v, 0.51, 1e-6);
    /* Plain SGD needs no velocity: param = 1 - 0.1 * 0.5 = 0.95. */
    gg_sgd_params plain = {0.1f, 0.0f, 0.0f, 0};
    w = 1.0f;
    gg_sgd_update(&w, 0.5f, NULL, plain);
    expect_near("plain sgd", w, 0.95, 1e-7);
}

/* The host's per-step folding (CudaBackend.adamStep): in double, rounded once to float. */
static gg_adam_params adam_params(float lr, float beta1, float beta2, float eps, float weight_decay, int decoupled,
                                  double bias_correction1, double bias_correction2) {
    gg_adam_params p = {lr, beta1, beta2, eps, weight_decay, decoupled, (float)(lr / bias_correction1),
                        (float)sqrt(bias_correction2)};
    return p;
}

static double pow_int(double b, int e) {
    double r = 1;
    for (int i = 0; i < e; i++) {
        r *= b;
    }
    return r;
}

static void test_adam() {
    /* Step 1 from param 1, grad 0.5, lr 0.1: m = 0.05, v = 0.00025, m_hat = 0.5, sqrt(v_hat) = 0.5,
     * param = 1 - 0.1 * 0.5 / (0.5 + 1e-8) = 0.9000000020. */
    gg_adam_params adam = adam_params(0.1f, 0.9f, 0.999f, 1e-8f, 0.0f, 0, 1.0 - 0.9f, 1.0 - 0.999f);
    float w = 1.0f, m = 0.0f, v = 0.0f;
    gg_adam_update(&w, 0.5f, &m, &v, adam);
    expect_near("adam step 1 param", w, 0.9000000020, 1e-6);
    /* 1 - beta1 and 1 - beta2 are rounded in float (0.9f, 0.999f), hence relative tolerances of 1e-6 and 2e-5. */
    expect_near("adam step 1 m", m, 0.05, 0.05 * 1e-6);
    expect_near("adam step 1 v", v, 0.00025, 0.00025 * 2e-5);
    /* L2 (Adam, weight decay 0.1): g = 0.5 + 0.1 * 1 = 0.6, m = 0.06, v = 0.00036, param = 0.9. */
    gg_adam_params l2 = adam_params(0.1f, 0.9f, 0.999f, 1e-8f, 0.1f, 0, 1.0 - 0.9f, 1.0 - 0.999f);
    w = 1.0f, m = 0.0f, v = 0.0f;
    gg_adam_update(&w, 0.5f, &m, &v, l2);
    expect_near("adam L2 step 1 param", w, 0.9, 1e-6);
    expect_near("adam L2 step 1 m", m, 0.06, 0.06 * 1e-6);
    expect_near("adam L2 step 1 v", v, 0.00036, 0.00036 * 2e-5);
    /* AdamW (decoupled, weight decay 0.1): param = 1 * (1 - 0.01) - 0.1 = 0.89, gradient untouched. */
    gg_adam_params adamw = adam_params(0.1f, 0.9f, 0.999f, 1e-8f, 0.1f, 1, 1.0 - 0.9f, 1.0 - 0.999f);
    w = 1.0f, m = 0.0f, v = 0.0f;
    gg_adam_update(&w, 0.5f, &m, &v, adamw);
    expect_near("adamw step 1 param", w, 0.89, 1e-6);
    expect_near("adamw step 1 m", m, 0.05, 0.05 * 1e-6);

    /* Five steps of varying gradients against torch's formula in float64. */
    float grads[] = {0.3f, -1.2f, 0.05f, 2.0f, -0.7f};
    for (int decoupled = 0; decoupled <= 1; decoupled++) {
        double rw = 0.8, rm = 0, rv = 0;
        w = 0.8f, m = 0.0f, v = 0.0f;
        const double lr = 1e-2, b1 = 0.9, b2 = 0.99, eps = 1e-6, wd = 0.05;
        for (int step = 1; step <= 5; step++) {
            double g = grads[step - 1];
            if (decoupled) {
                rw *= 1 - lr * wd;
            } else {
                g += wd * rw;
            }
            rm = b1 * rm + (1 - b1) * g;
            rv = b2 * rv + (1 - b2) * g * g;
            double bc1 = 1 - pow_int(b1, step), bc2 = 1 - pow_int(b2, step);
            rw -= lr / bc1 * rm / (sqrt(rv) / sqrt(bc2) + eps);
            gg_adam_params p = adam_params((float)lr, (float)b1, (float)b2, (float)eps, (float)wd, decoupled, bc1, bc2);
            gg_adam_update(&w, grads[step - 1], &m, &v, p);
        }
        expect_near(decoupled ? "adamw 5 steps vs float64" : "adam 5 steps vs float64", w, rw, 2e-6);
    }
}

static float from_bits(unsigned int u) {
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/*
 * One element of each optimizer against the bits dev.gargoyle.cpu.Optimizers (the CPU backend's Java
 * loops) printed for the same inputs. Each case was picked where fusing a multiply-add changes the
 * result, so the test fails if the compiler contracts (see -ffp-contract=off) or the headers compute
 * in another order than the Java loops.
 */
static void test_optimizers_round_as_java() {
    /* lr 0.1, momentum 0.9, weight decay 0.01: param, grad, velocity in; param, velocity out. */
    struct {
        int nesterov;
        unsigned int param, grad, velocity, want_param, want_velocity;
    } sgd[] = {
        {0, 0x3E2F8E64, 0xBED64C1F, 0xBE91B8E8, 0x3E74785C, 0xBF2C48EA},
        {0, 0x3E5663A9, 0x3F255828, 0x3D0363C1, 0x3E1114B6, 0x3F2D4561},
        {0, 0xBE9C4F8D, 0xBF1BC91A, 0xBF065E33, 0xBE499F46, 0xBF8ABFC8},
        {1, 0x3E7FDF68, 0x3F76D556, 0x3EBBA4A6, 0x3D159478, 0x3FA5F4CB},
        {1, 0xBE5A047B, 0x3F1673F6, 0x3F6F88DE, 0xBECCC743, 0x3FB6BE9A},
        {1, 0x3F6DFEC0, 0x3F11A925, 0xBC0A21BF, 0x3F520ACE, 0x3F121923},
    };
    for (auto &c : sgd) {
        gg_sgd_params p = {0.1f, 0.9f, 0.01f, c.nesterov};
        float w = from_bits(c.param), v = from_bits(c.velocity);
        gg_sgd_update(&w, from_bits(c.grad), &v, p);
        char what[96];
        snprintf(what, sizeof what, "sgd%s from %08x: param %08x velocity %08x, Java %08x %08x",
                 c.nesterov ? " nesterov" : "", c.param, float_bits(w), float_bits(v), c.want_param, c.want_velocity);
        expect_true(what, float_bits(w) == c.want_param && float_bits(v) == c.want_velocity);
    }
    /* Step 3 of lr 1e-3, betas 0.9 and 0.999, eps 1e-8, weight decay 0.01; Java folded step_size and
     * sqrt(1 - beta2^3) in double: 0x3B71D489 and 0x3D603BCA. */
    struct {
        int decoupled;
        unsigned int param, grad, m, v, want_param, want_m, want_v;
    } adam[] = {
        {0, 0xBF45FD50, 0xBF5D69C3, 0xBD305FBC, 0x39FE763E, 0xBF45CE0E, 0xBE010A97, 0x3AA35C06},
        {0, 0x3F538E80, 0xBF72C0CC, 0x3DA9CF48, 0x3C132BEC, 0x3F539115, 0xBC9EB9B8, 0x3C218036},
        {0, 0x3EECA185, 0x3E9ADE65, 0xBD1AE636, 0x3BBAEADC, 0x3EECA2AD, 0xBB59F0C0, 0x3BBDD221},
        {1, 0xBE6A272C, 0xBF049692, 0x3D80BF3F, 0x3904D58C, 0xBE6A3353, 0x3B9CD420, 0x39CEFC60},
        {1, 0x3F215A94, 0x3EB8E369, 0xBD5A076A, 0x3C00F2DD, 0x3F215BE9, 0xBC4142F0, 0x3C02F4C9},
        {1, 0xBE8FEE93, 0xBF7EC5FE, 0x3DA964AB, 0x3998E99A, 0xBE8FDBA9, 0xBCCD75A0, 0x3AA801D8},
    };
    for (auto &c : adam) {
        gg_adam_params p = {1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, c.decoupled, from_bits(0x3B71D489), from_bits(0x3D603BCA)};
        float w = from_bits(c.param), m = from_bits(c.m), v = from_bits(c.v);
        gg_adam_update(&w, from_bits(c.grad), &m, &v, p);
        char what[128];
        snprintf(what, sizeof what, "%s from %08x: param %08x m %08x v %08x, Java %08x %08x %08x",
                 c.decoupled ? "adamw" : "adam", c.param, float_bits(w), float_bits(m), float_bits(v), c.want_param,
                 c.want_m, c.want_v);
        expect_true(what, float_bits(w) == c.want_param && float_bits(m) == c.want_m && float_bits(v) == c.want_v);
    }
    /* The host folding of those two scalars, as CudaBackend does it. */
    gg_adam_params folded = adam_params(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 0, 1.0 - pow_int(0.9f, 3),
                                        1.0 - pow_int(0.999f, 3));
    expect_true("step size folded in double", float_bits(folded.step_size) == 0x3B71D489u);
    expect_true("sqrt(1 - beta2^3) folded in double", float_bits(folded.bias_correction2_sqrt) == 0x3D603BCAu);
}

static void test_images() {
    /* 2 images of 2 x 3 pixels: every output element against direct NCHW <- HWC indexing. */
    const int n = 2, h = 2, w = 3;
    const long long plane = h * w;
    for (int img = 0; img < n; img++) {
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    long long out = ((long long)(img * 3 + c) * h + y) * w + x;
                    long long src = ((long long)(img * h + y) * w + x) * 3 + c;
                    expect_true("hwc source index", gg_hwc_source(out, plane) == src);
                    expect_true("nchw channel", gg_nchw_channel(out, plane) == c);
                }
            }
        }
    }
    /* Out index 7 is image 0, channel 1, pixel (0, 1): source (0 * 3 + 1) * 3 + 1 = 4. */
    expect_true("index 7 -> 4", gg_hwc_source(7, plane) == 4);
    /* ImageNet statistics: (1 - 0.485) / 0.229 = 2.2489083, (0 - 0.456) / 0.224 = -2.0357143. */
    expect_near("white red", gg_normalize(255, 0.485f, 0.229f), 2.2489082969, 1e-6);
    expect_near("black green", gg_normalize(0, 0.456f, 0.224f), -2.0357142857, 1e-6);
    expect_near("mid blue", gg_normalize(128, 0.406f, 0.225f), 0.4264923747, 1e-6);
    /* Beyond 2^31 elements the mapping stays in 64 bits. */
    long long big_plane = 50000LL * 50000LL;
    expect_true("64-bit index", gg_hwc_source(3 * big_plane + 2 * big_plane + 5, big_plane) == (big_plane + 5) * 3 + 2);
}

static void test_status() {
    expect_true("ok string", strcmp(gg_status_string(GG_OK), "ok") == 0);
    expect_true("invalid argument string", strcmp(gg_status_string(GG_INVALID_ARGUMENT), "invalid argument") == 0);
    expect_true("launch failed string", strcmp(gg_status_string(GG_LAUNCH_FAILED), "kernel launch failed") == 0);
    expect_true("unknown string", strcmp(gg_status_string(99), "unknown status") == 0);
    expect_true("version 1.0.0", gg_version() == 10000);
}

int main(int argc, char **argv) {
    struct {
        const char *name;
        std::function<void()> run;
    } tests[] = {
        {"dropout", test_dropout},
        {"softmax_ce_hand", test_softmax_ce_hand},
        {"softmax_ce_reference", test_softmax_ce_reference},
        {"sgd", test_sgd},
        {"adam", test_adam},
        {"optimizers_round_as_java", test_optimizers_round_as_java},
        {"images", test_images},
        {"status", test_status},
    };
    int ran = 0, failed = 0;
    for (auto &t : tests) {
        if (argc > 1 && strcmp(argv[1], t.name) != 0) {
            continue;
        }
        int before = failures;
        t.run();
        ran++;
        if (failures > before) {
            failed++;
        }
        printf("%s %s\n", failures > before ? "FAIL" : "ok  ", t.name);
    }
    if (ran == 0) {
        printf("no test named %s\n", argc > 1 ? argv[1] : "");
        return 2;
    }
    printf("%d passed, %d failed\n", ran - failed, failed);
    return failed == 0 ? 0 : 1;
}
