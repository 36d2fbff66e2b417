/*
 * GG_HD marks the per-element math as callable from kernels and from the host-only test, which
 * g++ compiles without CUDA.
 */
#ifndef GG_MATH_HD_CUH
#define GG_MATH_HD_CUH

#ifdef __CUDACC__
#define GG_HD __host__ __device__ __forceinline__
#else
#define GG_HD inline
#endif

#endif
