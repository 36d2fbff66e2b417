/* uint8 HWC pixels to normalised float NCHW: index mapping and per-value normalisation. */
#ifndef GG_MATH_IMAGES_CUH
#define GG_MATH_IMAGES_CUH

#include "hd.cuh"

/* Where output element `out` of [n, 3, height, width] comes from in the packed [n, height, width, 3] input. */
GG_HD long long gg_hwc_source(long long out, long long plane) {
    long long pixel = out % plane;
    long long channel = (out / plane) % 3;
    long long image = out / (3 * plane);
    return (image * plane + pixel) * 3 + channel;
}

/* (pixel / 255 - mean) / std, in that order, as the Java reference computes it. */
GG_HD float gg_normalize(unsigned char pixel, float mean, float std) {
    return ((float)pixel / 255.0f - mean) / std;
}

/* Channel of output element `out`. */
GG_HD int gg_nchw_channel(long long out, long long plane) {
    return (int)((out / plane) % 3);
}

#endif
