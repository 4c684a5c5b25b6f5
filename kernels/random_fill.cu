/* random_fill.cu: arrays of random numbers (uniform, normal, gamma, binomial).
 *
 * Every kernel fills out[0..n) (out: ann_real[n]). Element i is a pure function of
 * (key0, key1, slot, step[0], i) through Philox4x32-10 and the counter layout of random.cuh:
 * the same arguments give the same numbers whatever the grid and block sizes, and different
 * slots, steps or elements give independent numbers. Each thread computes the elements of a
 * grid-stride loop (ANN_FOR_EACH), one at a time; no thread reads what another writes.
 *
 * `step` is the device clock (long long[1], advanced by advance_clock); it is only read here.
 * `slot` (0..65535) tells apart the draws made at the same step (one per random variable of
 * the model); `it` (0..255, the low byte of the counter) numbers a rejection sampler's rounds.
 */
#include "random.cuh"

/* out[i] ~ U[0, 1) for i < n: 53 bits for double (words x, y), 24 bits for float (word x) of
 * iteration 0; the thread of element i computes out[i] */
ANN_KERNEL void fill_uniform(long long n, unsigned int key0, unsigned int key1, unsigned int slot,
                             const long long* step, ann_real* out) {
    const long long s = step[0];
    ANN_FOR_EACH(i, n) {
        ann_rng_words r = ann_rng_draw(key0, key1, i, s, slot, 0u);
        out[i] = ann_rng_uniform(r.x, r.y);
    }
}

/* out[i] ~ N(0, 1) for i < n, by Box-Muller from iteration 0 (random.cuh, ann_rng_normal); the
 * thread of element i computes out[i] */
ANN_KERNEL void fill_normal(long long n, unsigned int key0, unsigned int key1, unsigned int slot,
                            const long long* step, ann_real* out) {
    const long long s = step[0];
    ANN_FOR_EACH(i, n) {
        out[i] = ann_rng_normal(ann_rng_draw(key0, key1, i, s, slot, 0u));
    }
}

/* Gamma(shape, scale) of element i: Marsaglia and Tsang's method ("A simple method for
 * generating gamma variables", ACM TOMS 2000) with d = a - 1/3, c = 1/sqrt(9d):
 *   x ~ N(0, 1), v = (1 + c x)^3; accept d v when v > 0 and
 *   u < 1 - 0.0331 x^4  or  log(u) < x^2/2 + d (1 - v + log v),   u ~ U(0, 1].
 * Rejection round k (k = 0, 1, ...) uses iteration it = k, whose four words give
 *   double: x from u1 = 53 bits of (x, y) and u2 = 32 bits of z; u = 1 - (32 bits of w);
 *   float:  x from u1 = 24 bits of x and u2 = 24 bits of y; u = 1 - (24 bits of z).
 * For shape < 1, a = shape + 1 and the result is multiplied by U^(1/shape), U = 1 - (53 bits of
 * iteration 255), which is reserved for it. The rounds stop at iteration 254: a round accepts with
 * probability above 0.95 (a >= 1), so 255 rejections do not happen in practice (the value would
 * then be d, the mode-like centre). shape <= 0 (or NaN) gives 0. */
ANN_DEVICE ann_real ann_rng_gamma(unsigned int key0, unsigned int key1, long long i, long long s,
                                  unsigned int slot, ann_real shape) {
    if (!(shape > (ann_real)0)) return (ann_real)0;
    const bool boost = shape < (ann_real)1;
    const ann_real a = boost ? shape + (ann_real)1 : shape;
    const ann_real d = a - (ann_real)1 / (ann_real)3;
    const ann_real c = (ann_real)1 / ann_rng_sqrt((ann_real)9 * d);
    ann_real result = d;
    for (unsigned int it = 0; it < 255u; ++it) {
        ann_rng_words r = ann_rng_draw(key0, key1, i, s, slot, it);
        ann_real u1, u2, u;
        if (sizeof(ann_real) == sizeof(double)) {
            u1 = (ann_real)ann_rng_u01_53(r.x, r.y);
            u2 = (ann_real)((double)r.z * (1.0 / 4294967296.0));
            u = (ann_real)(1.0 - (double)r.w * (1.0 / 4294967296.0));
        } else {
            u1 = (ann_real)ann_rng_u01_24(r.x);
            u2 = (ann_real)ann_rng_u01_24(r.y);
            u = (ann_real)1 - (ann_real)ann_rng_u01_24(r.z);
        }
        const ann_real x = ann_rng_box_muller(u1, u2);
        ann_real v = (ann_real)1 + c * x;
        if (v <= (ann_real)0) continue;
        v = v * v * v;
        const ann_real x2 = x * x;
        if (u < (ann_real)1 - (ann_real)0.0331 * x2 * x2 ||
            ann_rng_log(u) < (ann_real)0.5 * x2 + d * ((ann_real)1 - v + ann_rng_log(v))) {
            result = d * v;
            break;
        }
    }
    if (boost) {
        ann_rng_words r = ann_rng_draw(key0, key1, i, s, slot, 255u);
        const ann_real u = (ann_real)1 - ann_rng_uniform(r.x, r.y);  /* in (0, 1] */
        result *= ann_rng_exp(ann_rng_log(u) / shape);
    }
    return result;
}

/* out[i] ~ Gamma(shape, scale) for i < n: ann_rng_gamma times scale; the thread of element i
 * runs element i's rejection rounds and writes out[i] */
ANN_KERNEL void fill_gamma(long long n, unsigned int key0, unsigned int key1, unsigned int slot,
                           const long long* step, ann_real* out, ann_real shape, ann_real scale) {
    const long long s = step[0];
    ANN_FOR_EACH(i, n) {
        out[i] = ann_rng_gamma(key0, key1, i, s, slot, shape) * scale;
    }
}

/* Binomial(trials, p) from one uniform u in [0, 1) (53 bits), exactly: inversion over the
 * support taken outward from the mode m = floor((trials + 1) p), in the order m, m+1, m-1,
 * m+2, m-2, ... (values outside 0..trials skipped): u is reduced by each probability in turn
 * until it falls below one, whose value is returned. Any fixed order of the support gives the
 * binomial distribution; this one takes O(1 + sqrt(trials p (1-p))) steps and needs no
 * probability that underflows (P(m) is at least about 1/(trials+1)). P(m) comes from lgamma,
 * its neighbours from the ratios P(k+1)/P(k) = (trials-k)/(k+1) p/(1-p).
 * p > 1/2 is drawn as trials - Binomial(trials, 1-p); p <= 0 (or NaN) gives 0, p >= 1 gives
 * trials, trials <= 0 gives 0. The arithmetic is in double for both state types (float would
 * lose the small probabilities), so the result is the same for both. If rounding leaves u above
 * the total (at most about 1e-15), the mode is returned. */
ANN_DEVICE double ann_rng_binomial(int trials, double p, double u) {
    if (trials <= 0 || !(p > 0.0)) return 0.0;
    if (p >= 1.0) return (double)trials;
    const bool flip = p > 0.5;
    if (flip) p = 1.0 - p;  /* exact for p in (1/2, 1) */
    const double n = (double)trials;
    const double ratio = p / (1.0 - p);
    long long m = (long long)floor((n + 1.0) * p);
    if (m > trials) m = trials;
    const double fm = exp(lgamma(n + 1.0) - lgamma((double)m + 1.0) - lgamma(n - (double)m + 1.0) +
                          (double)m * log(p) + (n - (double)m) * log1p(-p));
    long long k = m;
    if (u >= fm) {
        u -= fm;
        long long up = m, down = m;
        double f_up = fm, f_down = fm;
        /* a side ends at 0 or trials, or where its probabilities have underflowed to 0 */
        while ((up < trials && f_up > 0.0) || (down > 0 && f_down > 0.0)) {
            if (up < trials && f_up > 0.0) {
                f_up *= (n - (double)up) / ((double)up + 1.0) * ratio;
                ++up;
                if (u < f_up) { k = up; break; }
                u -= f_up;
            }
            if (down > 0 && f_down > 0.0) {
                f_down *= (double)down / (n - (double)down + 1.0) / ratio;
                --down;
                if (u < f_down) { k = down; break; }
                u -= f_down;
            }
        }
    }
    return flip ? (double)(trials - k) : (double)k;
}

/* out[i] ~ Binomial(trials, p) for i < n (ann_rng_binomial; p is a double in both precisions) from the 53-bit uniform of words x, y
 * of iteration 0, in both precisions; the thread of element i computes out[i] */
ANN_KERNEL void fill_binomial(long long n, unsigned int key0, unsigned int key1, unsigned int slot,
                              const long long* step, ann_real* out, int trials, double p) {
    const long long s = step[0];
    ANN_FOR_EACH(i, n) {
        ann_rng_words r = ann_rng_draw(key0, key1, i, s, slot, 0u);
        out[i] = (ann_real)ann_rng_binomial(trials, (double)p, ann_rng_u01_53(r.x, r.y));
    }
}
