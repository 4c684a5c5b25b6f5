/* annarray_device.cuh: the definitions every annarray kernel source starts with.
 *
 * annarray's kernel text compiles two ways:
 *   - for the GPU, by NVRTC (through CuPy) or nvcc: kernels are __global__ functions whose
 *     threads walk the elements with a grid-stride loop;
 *   - for the CPU, with ANNARRAY_HOST defined, by a C++ compiler: kernels are plain
 *     functions, the grid-stride loop is a sequential loop and atomics are plain updates.
 * The CPU build is how the generated code is checked on machines without a GPU
 * (annarray.backend.cuda_host); it has the same arithmetic, element by element.
 *
 * The source assembler (annarray.backend.cuda_source) puts `typedef <type> ann_real;` (double
 * or float, the state precision) before this header. NVRTC has no C library headers: only
 * built-in types and CUDA's math functions are used here.
 */
#ifndef ANNARRAY_DEVICE_CUH
#define ANNARRAY_DEVICE_CUH

#ifdef ANNARRAY_HOST
#include <math.h>

#define ANN_KERNEL extern "C"
#define ANN_DEVICE static inline
/* element i of n, one after another */
#define ANN_FOR_EACH(i, n) for (long long i = 0; i < (long long)(n); ++i)
/* two-level loops: item s of n (one block each on the GPU), then part j of m of that item
   (the threads of the block); on the CPU both are sequential loops */
#define ANN_FOR_BLOCKS(s, n) for (long long s = 0; s < (long long)(n); ++s)
#define ANN_FOR_THREADS(j, m) for (long long j = 0; j < (long long)(m); ++j)

ANN_DEVICE double ann_atomic_add(double* address, double value) { double old = *address; *address = old + value; return old; }
ANN_DEVICE float ann_atomic_add(float* address, float value) { float old = *address; *address = old + value; return old; }
ANN_DEVICE int ann_atomic_add(int* address, int value) { int old = *address; *address = old + value; return old; }
ANN_DEVICE double ann_atomic_max(double* address, double value) { double old = *address; if (value > old) *address = value; return old; }
ANN_DEVICE double ann_atomic_min(double* address, double value) { double old = *address; if (value < old) *address = value; return old; }
ANN_DEVICE float ann_atomic_max(float* address, float value) { float old = *address; if (value > old) *address = value; return old; }
ANN_DEVICE float ann_atomic_min(float* address, float value) { float old = *address; if (value < old) *address = value; return old; }

#else

#define ANN_KERNEL extern "C" __global__
#define ANN_DEVICE __device__ __forceinline__
/* element i of n, for every thread of the grid in turn (grid-stride loop) */
#define ANN_FOR_EACH(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(n); \
         i += (long long)blockDim.x * gridDim.x)
/* item s of n for each block of the grid in turn; part j of m for each thread of the block */
#define ANN_FOR_BLOCKS(s, n) for (long long s = blockIdx.x; s < (long long)(n); s += gridDim.x)
#define ANN_FOR_THREADS(j, m) for (long long j = threadIdx.x; j < (long long)(m); j += blockDim.x)

ANN_DEVICE double ann_atomic_add(double* address, double value) { return atomicAdd(address, value); }
ANN_DEVICE float ann_atomic_add(float* address, float value) { return atomicAdd(address, value); }
ANN_DEVICE int ann_atomic_add(int* address, int value) { return atomicAdd(address, value); }

/* max/min of floating-point values by compare-and-swap on their bits */
ANN_DEVICE double ann_atomic_max(double* address, double value) {
    unsigned long long* bits = (unsigned long long*)address;
    unsigned long long old = *bits, assumed;
    do {
        assumed = old;
        if (__longlong_as_double(assumed) >= value) break;
        old = atomicCAS(bits, assumed, __double_as_longlong(value));
    } while (assumed != old);
    return __longlong_as_double(old);
}
ANN_DEVICE double ann_atomic_min(double* address, double value) {
    unsigned long long* bits = (unsigned long long*)address;
    unsigned long long old = *bits, assumed;
    do {
        assumed = old;
        if (__longlong_as_double(assumed) <= value) break;
        old = atomicCAS(bits, assumed, __double_as_longlong(value));
    } while (assumed != old);
    return __longlong_as_double(old);
}
ANN_DEVICE float ann_atomic_max(float* address, float value) {
    unsigned int* bits = (unsigned int*)address;
    unsigned int old = *bits, assumed;
    do {
        assumed = old;
        if (__uint_as_float(assumed) >= value) break;
        old = atomicCAS(bits, assumed, __float_as_uint(value));
    } while (assumed != old);
    return __uint_as_float(old);
}
ANN_DEVICE float ann_atomic_min(float* address, float value) {
    unsigned int* bits = (unsigned int*)address;
    unsigned int old = *bits, assumed;
    do {
        assumed = old;
        if (__uint_as_float(assumed) <= value) break;
        old = atomicCAS(bits, assumed, __float_as_uint(value));
    } while (assumed != old);
    return __uint_as_float(old);
}

#endif

/* An operand of a division, modulo, power or math function in generated expressions: integers
   become double (numexpr computes integer / float in double), booleans the state type, and
   floating-point values stay as they are (a double such as the time is not rounded to float in
   single precision; C++ promotes float with double to double, as numexpr does). */
ANN_DEVICE ann_real ann_num(bool x) { return (ann_real)x; }
ANN_DEVICE double ann_num(int x) { return (double)x; }
ANN_DEVICE double ann_num(long long x) { return (double)x; }
ANN_DEVICE double ann_num(unsigned int x) { return (double)x; }
ANN_DEVICE double ann_num(unsigned long long x) { return (double)x; }
ANN_DEVICE float ann_num(float x) { return x; }
ANN_DEVICE double ann_num(double x) { return x; }

/* row of step s in a ring buffer of depth rows: s mod depth in [0, depth), also for s < 0 */
ANN_DEVICE long long ann_ring_row(long long s, int depth) {
    long long row = s % (long long)depth;
    return row < 0 ? row + depth : row;
}

#endif /* ANNARRAY_DEVICE_CUH */
