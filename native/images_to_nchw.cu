/* Packed uint8 HWC images to normalised float NCHW, one output element per loop step (coalesced writes). */
#include "launch.cuh"
#include "math/images.cuh"

/* mean and std travel by value in the kernel's parameters: no device copy, no extra launch. */
struct gg_channel_stats {
    float mean[3];
    float std[3];
};

__global__ void gg_images_kernel(const unsigned char *hwc, long long total, long long plane, gg_channel_stats s,
                                 float *dst) {
    for (long long i = gg_first_index(); i < total; i += gg_grid_stride()) {
        int c = gg_nchw_channel(i, plane);
        dst[i] = gg_normalize(hwc[gg_hwc_source(i, plane)], s.mean[c], s.std[c]);
    }
}

extern "C" int gg_images_to_nchw(const unsigned char *hwc, int n, int height, int width, const float *mean,
                                 const float *std, float *dst, void *stream) {
    if (hwc == NULL || mean == NULL || std == NULL || dst == NULL || n < 0 || height < 0 || width < 0) {
        return GG_INVALID_ARGUMENT;
    }
    gg_channel_stats s;
    for (int c = 0; c < 3; c++) {
        if (std[c] == 0.0f) {
            return GG_INVALID_ARGUMENT;
        }
        s.mean[c] = mean[c];
        s.std[c] = std[c];
    }
    long long plane = (long long)height * width;
    long long total = (long long)n * 3 * plane;
    if (total == 0) {
        return GG_OK;
    }
    gg_clear_last_error();
    gg_images_kernel<<<gg_blocks(total, GG_THREADS, GG_MAX_BLOCKS), GG_THREADS, 0, gg_stream(stream)>>>(
        hwc, total, plane, s, dst);
    return gg_launched();
}
