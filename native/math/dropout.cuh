/* Dropout's counter-based uniforms, bit for bit those of dev.gargoyle.tensor.DropoutRandom. */
#ifndef GG_MATH_DROPOUT_CUH
#define GG_MATH_DROPOUT_CUH

#include "hd.cuh"

/* splitmix64 of seed + (index + 1) * golden ratio, top 24 bits as a float in [0, 1). */
GG_HD float gg_dropout_uniform(unsigned long long seed, long long index) {
    unsigned long long z = seed + (unsigned long long)(index + 1) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z = z ^ (z >> 31);
    return (float)(z >> 40) * (1.0f / 16777216.0f);
}

/* The kept elements' factor 1 / (1 - p), rounded once in float as Java does. */
GG_HD float gg_dropout_scale(float p) {
    return 1.0f / (1.0f - p);
}

GG_HD float gg_dropout_mask(unsigned long long seed, long long index, float p, float scale) {
    return gg_dropout_uniform(seed, index) >= p ? scale : 0.0f;
}

#endif
