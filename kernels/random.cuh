/* random.cuh: counter-based random numbers for annarray's kernels (Philox4x32-10).
 *
 * Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC'11) maps a 128-bit counter and a 64-bit key to 128 random bits with 10 rounds of
 * multiply / xor. It keeps no state: every draw is a pure function of (key, counter), so a
 * kernel's results do not depend on its grid, its block size or the order of its threads.
 *
 * Counter layout (fixed; the GPU backend and the tests rely on it). For element i of a fill at
 * simulation step s, in draw slot `slot` (0..65535), iteration `it` (0..255):
 *     counter = { i & 0xffffffff, i >> 32, s & 0xffffffff,
 *                 ((s >> 32) & 0xff) << 24 | slot << 8 | it }
 *     key     = { key0, key1 }
 * so element indices run to 2^63, steps to 2^40, and every (slot, step, element, iteration)
 * has its own 128 bits.
 *
 * Conversions of the 32-bit words:
 *   ann_rng_u01_53(a, b): uniform in [0, 1) with 53 bits (27 from a, 26 from b), a double;
 *   ann_rng_u01_24(a):    uniform in [0, 1) with 24 bits, a float;
 *   ann_rng_uniform(a, b): the ann_real one (53 bits from a, b for double; 24 from a for float);
 *   ann_rng_normal(r):    N(0, 1) by Box-Muller from the words of r (all four for double, the
 *                         first two for float), using log(1 - u) so that log(0) cannot occur.
 *
 * Only unsigned int / unsigned long long arithmetic and CUDA's math functions are used (NVRTC
 * has no C library headers). This file needs `ann_real` and annarray_device.cuh before it.
 */
#ifndef ANNARRAY_RANDOM_CUH
#define ANNARRAY_RANDOM_CUH

/* four 32-bit words: a Philox counter or its output */
struct ann_rng_words {
    unsigned int x, y, z, w;
};

#define ANN_PHILOX_M0 0xD2511F53u
#define ANN_PHILOX_M1 0xCD9E8D57u
#define ANN_PHILOX_W0 0x9E3779B9u
#define ANN_PHILOX_W1 0xBB67AE85u

/* the high 32 bits of the 64-bit product a * b */
ANN_DEVICE unsigned int ann_rng_mulhi(unsigned int a, unsigned int b) {
#ifdef ANNARRAY_HOST
    return (unsigned int)(((unsigned long long)a * (unsigned long long)b) >> 32);
#else
    return __umulhi(a, b);
#endif
}

/* one Philox round: two 32x32->64 products, their high halves mixed with the other words and
   the key, the words permuted */
ANN_DEVICE ann_rng_words ann_philox_round(ann_rng_words c, unsigned int k0, unsigned int k1) {
    ann_rng_words r;
    unsigned int hi0 = ann_rng_mulhi(ANN_PHILOX_M0, c.x);
    unsigned int lo0 = ANN_PHILOX_M0 * c.x;
    unsigned int hi1 = ann_rng_mulhi(ANN_PHILOX_M1, c.z);
    unsigned int lo1 = ANN_PHILOX_M1 * c.z;
    r.x = hi1 ^ c.y ^ k0;
    r.y = lo1;
    r.z = hi0 ^ c.w ^ k1;
    r.w = lo0;
    return r;
}

/* Philox4x32-10 of counter c and key (k0, k1): ten rounds, the key advanced by the Weyl
   constants between rounds (unsigned arithmetic wraps modulo 2^32) */
ANN_DEVICE ann_rng_words ann_philox4x32_10(ann_rng_words c, unsigned int k0, unsigned int k1) {
    c = ann_philox_round(c, k0, k1);
    for (int round = 1; round < 10; ++round) {
        k0 += ANN_PHILOX_W0;
        k1 += ANN_PHILOX_W1;
        c = ann_philox_round(c, k0, k1);
    }
    return c;
}

/* the 128 random bits of element i at step s, draw slot `slot`, iteration `it` (layout above) */
ANN_DEVICE ann_rng_words ann_rng_draw(unsigned int key0, unsigned int key1, long long i, long long s,
                                      unsigned int slot, unsigned int it) {
    unsigned long long ui = (unsigned long long)i, us = (unsigned long long)s;
    ann_rng_words c;
    c.x = (unsigned int)(ui & 0xffffffffull);
    c.y = (unsigned int)(ui >> 32);
    c.z = (unsigned int)(us & 0xffffffffull);
    c.w = ((unsigned int)((us >> 32) & 0xffull) << 24) | ((slot & 0xffffu) << 8) | (it & 0xffu);
    return ann_philox4x32_10(c, key0, key1);
}

/* uniform in [0, 1): 53 bits (a >> 5: 27 high bits, b >> 6: 26 low bits), exact in double */
ANN_DEVICE double ann_rng_u01_53(unsigned int a, unsigned int b) {
    return ((double)(a >> 5) * 67108864.0 + (double)(b >> 6)) * (1.0 / 9007199254740992.0);
}

/* uniform in [0, 1): the 24 high bits of a, exact in float */
ANN_DEVICE float ann_rng_u01_24(unsigned int a) {
    return (float)(a >> 8) * (1.0f / 16777216.0f);
}

/* math functions of the state type, without relying on C++ overloads of the C library */
ANN_DEVICE double ann_rng_log(double x) { return log(x); }
ANN_DEVICE float ann_rng_log(float x) { return logf(x); }
ANN_DEVICE double ann_rng_sqrt(double x) { return sqrt(x); }
ANN_DEVICE float ann_rng_sqrt(float x) { return sqrtf(x); }
ANN_DEVICE double ann_rng_cos(double x) { return cos(x); }
ANN_DEVICE float ann_rng_cos(float x) { return cosf(x); }
ANN_DEVICE double ann_rng_exp(double x) { return exp(x); }
ANN_DEVICE float ann_rng_exp(float x) { return expf(x); }

/* uniform in [0, 1) of type ann_real: 53 bits from (a, b) for double, 24 bits from a for float
   (the test on sizeof is resolved by the compiler) */
ANN_DEVICE ann_real ann_rng_uniform(unsigned int a, unsigned int b) {
    if (sizeof(ann_real) == sizeof(double)) return (ann_real)ann_rng_u01_53(a, b);
    return (ann_real)ann_rng_u01_24(a);
}

/* Box-Muller: sqrt(-2 log(1 - u1)) cos(2 pi u2), with 1 - u1 in (0, 1] */
ANN_DEVICE ann_real ann_rng_box_muller(ann_real u1, ann_real u2) {
    const ann_real two_pi = (ann_real)6.283185307179586476925;
    ann_real radius = ann_rng_sqrt((ann_real)-2 * ann_rng_log((ann_real)1 - u1));
    return radius * ann_rng_cos(two_pi * u2);
}

/* standard normal of type ann_real from the words of r: u1 from (x, y) and u2 from (z, w) for
   double (53 bits each); u1 from x and u2 from y for float (24 bits each) */
ANN_DEVICE ann_real ann_rng_normal(ann_rng_words r) {
    if (sizeof(ann_real) == sizeof(double))
        return ann_rng_box_muller(ann_rng_uniform(r.x, r.y), ann_rng_uniform(r.z, r.w));
    return ann_rng_box_muller(ann_rng_uniform(r.x, 0u), ann_rng_uniform(r.y, 0u));
}

#endif /* ANNARRAY_RANDOM_CUH */
