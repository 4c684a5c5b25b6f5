"""The GPU backend's random numbers (kernels/random.cuh, kernels/random_fill.cu), run through the
CPU build of the kernels (annarray.backend.cuda_host) and compiled for the GPU with nvcc.

Expected values: Philox4x32-10 against the published known-answer vectors of Random123 (its
kat_vectors file, Salmon et al. SC'11) and against an independent NumPy implementation written
here; the counter layout and the conversions against that NumPy reference; the distributions
against SciPy's (Kolmogorov-Smirnov or chi-square test, mean and variance within 4 standard
errors). Keys are fixed, so every test is deterministic.
"""

import numpy as np
import pytest
import scipy.stats as stats

from annarray.backend.cuda_host import device_check, host_module, nvcc
from annarray.backend.cuda_source import module_source

N = 20_000
KEY = (0x2545F491, 0x4F6CDD1D)
REALS = ["double", "float"]
DTYPES = {"double": np.float64, "float": np.float32}
MIN_P_VALUE = 1e-3

# Philox4x32-10 known-answer vectors (counter, key, output) from Random123's kat_vectors.
KAT_VECTORS = [
    ((0x00000000, 0x00000000, 0x00000000, 0x00000000), (0x00000000, 0x00000000),
     (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF),
     (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344), (0xA4093822, 0x299F31D0),
     (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1)),
]

# Test kernels exposing random.cuh's functions: the bare generator, and the draw of the counter
# layout (element, step, slot, iteration).
PROBE_KERNELS = r"""
ANN_KERNEL void probe_philox(long long n, const unsigned int* counters, const unsigned int* keys,
                             unsigned int* out) {
    ANN_FOR_EACH(i, n) {
        ann_rng_words c;
        c.x = counters[4 * i]; c.y = counters[4 * i + 1]; c.z = counters[4 * i + 2]; c.w = counters[4 * i + 3];
        ann_rng_words r = ann_philox4x32_10(c, keys[2 * i], keys[2 * i + 1]);
        out[4 * i] = r.x; out[4 * i + 1] = r.y; out[4 * i + 2] = r.z; out[4 * i + 3] = r.w;
    }
}

ANN_KERNEL void probe_draw(long long n, unsigned int key0, unsigned int key1, const long long* element,
                           const long long* steps, const unsigned int* slots, const unsigned int* its,
                           unsigned int* out) {
    ANN_FOR_EACH(i, n) {
        ann_rng_words r = ann_rng_draw(key0, key1, element[i], steps[i], slots[i], its[i]);
        out[4 * i] = r.x; out[4 * i + 1] = r.y; out[4 * i + 2] = r.z; out[4 * i + 3] = r.w;
    }
}
"""

_MASK = np.uint64(0xFFFFFFFF)


def philox_reference(counter, key):
    """Philox4x32-10 in NumPy (uint64 arithmetic), vectorised over arrays of words."""
    c = [np.asarray(word, dtype=np.uint64) for word in counter]
    k0, k1 = (np.asarray(word, dtype=np.uint64) for word in key)
    for round_ in range(10):
        if round_:
            k0 = (k0 + np.uint64(0x9E3779B9)) & _MASK
            k1 = (k1 + np.uint64(0xBB67AE85)) & _MASK
        p0 = np.uint64(0xD2511F53) * c[0]
        p1 = np.uint64(0xCD9E8D57) * c[2]
        c = [(p1 >> np.uint64(32)) ^ c[1] ^ k0, p1 & _MASK, (p0 >> np.uint64(32)) ^ c[3] ^ k1, p0 & _MASK]
    return c


def counter_reference(element, step, slot, it):
    """The documented counter layout for element i, step s, slot and iteration."""
    i = np.asarray(element, dtype=np.int64).astype(np.uint64)
    s = np.asarray(step, dtype=np.int64).astype(np.uint64)
    slot, it = np.asarray(slot, dtype=np.uint64), np.asarray(it, dtype=np.uint64)
    high = (((s >> np.uint64(32)) & np.uint64(0xFF)) << np.uint64(24)) | (slot << np.uint64(8)) | it
    return [i & _MASK, i >> np.uint64(32), s & _MASK, high]


def random_module(real):
    return host_module(module_source("random_fill.cu", real=real))


def probe_module(real):
    return host_module(module_source("random.cuh", PROBE_KERNELS, real=real))


def fill(kernel, real, *extra, n=N, key=KEY, slot=0, step=0, initial=np.nan):
    """out[0..n) of fill kernel `kernel` (extra: its distribution parameters, NumPy scalars)."""
    out = np.full(n, initial, dtype=DTYPES[real])
    random_module(real)[kernel](np.int64(n), np.uint32(key[0]), np.uint32(key[1]), np.uint32(slot),
                                np.array([step], dtype=np.int64), out, *extra)
    return out


def check_moments(samples, distribution):
    """Sample mean and variance within 4 standard errors of the distribution's (the variance's
    standard error from Var(s^2) = (mu4 - (n-3)/(n-1) sigma^4) / n)."""
    n = samples.size
    mean, var, kurtosis = (float(v) for v in distribution.stats(moments="mvk"))
    fourth_central = var**2 * (kurtosis + 3.0)
    x = samples.astype(np.float64)
    assert abs(x.mean() - mean) < 4.0 * np.sqrt(var / n)
    assert abs(x.var(ddof=1) - var) < 4.0 * np.sqrt((fourth_central - (n - 3) / (n - 1) * var**2) / n)


def chi_square_p_value(samples, distribution, trials):
    """Chi-square test of integer samples against a discrete distribution on 0..trials, with
    neighbouring values pooled until each group expects at least 5 samples."""
    k = np.arange(trials + 1)
    expected = distribution.pmf(k)
    expected *= samples.size / expected.sum()
    observed = np.bincount(samples.astype(np.int64), minlength=trials + 1).astype(np.float64)
    assert observed.size == trials + 1, "a sample outside 0..trials"
    groups_expected, groups_observed = [], []
    pending_expected = pending_observed = 0.0
    for e, o in zip(expected, observed, strict=True):
        pending_expected += e
        pending_observed += o
        if pending_expected >= 5.0:
            groups_expected.append(pending_expected)
            groups_observed.append(pending_observed)
            pending_expected = pending_observed = 0.0
    groups_expected[-1] += pending_expected
    groups_observed[-1] += pending_observed
    assert len(groups_expected) >= 2
    return stats.chisquare(groups_observed, groups_expected).pvalue


# --- Philox4x32-10 and the counter layout ------------------------------------------------------


@pytest.mark.parametrize("real", REALS)
def test_philox_known_answer_vectors(real):
    """ann_philox4x32_10 gives Random123's published known-answer outputs."""
    counters = np.array([c for c, _, _ in KAT_VECTORS], dtype=np.uint32)
    keys = np.array([k for _, k, _ in KAT_VECTORS], dtype=np.uint32)
    out = np.zeros_like(counters)
    probe_module(real)["probe_philox"](np.int64(len(KAT_VECTORS)), counters, keys, out)
    np.testing.assert_array_equal(out, np.array([o for _, _, o in KAT_VECTORS], dtype=np.uint32))


def test_numpy_reference_matches_known_answer_vectors():
    """The NumPy reference used below gives the published known-answer outputs too."""
    for counter, key, expected in KAT_VECTORS:
        assert [int(word) for word in philox_reference(counter, key)] == list(expected)


def test_philox_matches_numpy_reference_on_random_inputs():
    rng = np.random.default_rng(11)
    counters = rng.integers(0, 2**32, size=(500, 4), dtype=np.uint64).astype(np.uint32)
    keys = rng.integers(0, 2**32, size=(500, 2), dtype=np.uint64).astype(np.uint32)
    out = np.zeros_like(counters)
    probe_module("double")["probe_philox"](np.int64(500), counters, keys, out)
    expected = philox_reference(counters.T.astype(np.uint64), keys.T.astype(np.uint64))
    np.testing.assert_array_equal(out, np.stack(expected, axis=1).astype(np.uint32))


def test_draw_follows_counter_layout():
    """ann_rng_draw(key, i, s, slot, it) is Philox of the documented counter, also for element
    indices and steps beyond 2^32 (the high words) and the largest slot and iteration."""
    rng = np.random.default_rng(12)
    n = 400
    element = rng.integers(0, 2**62, size=n, dtype=np.int64)
    element[:4] = [0, 1, 2**32 - 1, 2**32]
    steps = rng.integers(0, 2**40, size=n, dtype=np.int64)
    steps[:4] = [0, 2**32 - 1, 2**32, 2**40 - 1]
    slots = rng.integers(0, 2**16, size=n, dtype=np.int64).astype(np.uint32)
    slots[:2] = [0, 0xFFFF]
    its = rng.integers(0, 256, size=n, dtype=np.int64).astype(np.uint32)
    its[:2] = [0, 255]
    out = np.zeros((n, 4), dtype=np.uint32)
    probe_module("double")["probe_draw"](np.int64(n), np.uint32(KEY[0]), np.uint32(KEY[1]), element, steps,
                                         slots, its, out)
    expected = philox_reference(counter_reference(element, steps, slots, its), KEY)
    np.testing.assert_array_equal(out, np.stack(expected, axis=1).astype(np.uint32))


@pytest.mark.parametrize("real", REALS)
def test_uniform_and_normal_are_the_documented_conversions(real):
    """fill_uniform and fill_normal at a step beyond 2^32 equal the documented conversions of the
    NumPy reference's words: U = 53 bits (x >> 5, y >> 6) / 2^53 for double, (x >> 8) / 2^24
    for float; Box-Muller sqrt(-2 log(1 - u1)) cos(2 pi u2)."""
    n, step, slot = 2000, 2**33 + 5, 7
    words = philox_reference(counter_reference(np.arange(n), step, slot, 0), KEY)
    x, y, z, w = (word.astype(np.float64) for word in words)
    if real == "double":
        u1 = (np.floor(x / 32) * 2.0**26 + np.floor(y / 64)) / 2.0**53
        u2 = (np.floor(z / 32) * 2.0**26 + np.floor(w / 64)) / 2.0**53
    else:
        u1, u2 = np.floor(x / 256) / 2.0**24, np.floor(y / 256) / 2.0**24
    uniform = fill("fill_uniform", real, n=n, slot=slot, step=step)
    np.testing.assert_array_equal(uniform, u1.astype(DTYPES[real]))
    normal = fill("fill_normal", real, n=n, slot=slot, step=step)
    expected = np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(2.0 * np.pi * u2)
    tolerance = 1e-12 if real == "double" else 2e-5
    np.testing.assert_allclose(normal, expected, rtol=tolerance, atol=tolerance)


# --- distributions against SciPy ----------------------------------------------------------------


@pytest.mark.parametrize("real", REALS)
def test_uniform_distribution(real):
    samples = fill("fill_uniform", real, slot=1, step=3)
    assert samples.min() >= 0.0 and samples.max() < 1.0
    distribution = stats.uniform()
    assert stats.kstest(samples.astype(np.float64), distribution.cdf).pvalue > MIN_P_VALUE
    check_moments(samples, distribution)


@pytest.mark.parametrize("real", REALS)
def test_normal_distribution(real):
    samples = fill("fill_normal", real, slot=2, step=3)
    assert np.all(np.isfinite(samples))
    distribution = stats.norm()
    assert stats.kstest(samples.astype(np.float64), distribution.cdf).pvalue > MIN_P_VALUE
    check_moments(samples, distribution)


@pytest.mark.parametrize("real", REALS)
@pytest.mark.parametrize("shape, scale", [(0.3, 1.0), (1.0, 2.0), (2.5, 0.5), (40.0, 1.0)])
def test_gamma_distribution(real, shape, scale):
    """Marsaglia-Tsang (shape 0.3 through the U^(1/shape) boost) against scipy.stats.gamma with
    the parameters as the kernel sees them (rounded to float for float)."""
    dtype = DTYPES[real]
    samples = fill("fill_gamma", real, dtype(shape), dtype(scale), slot=3, step=5)
    assert np.all(np.isfinite(samples)) and samples.min() >= 0.0
    distribution = stats.gamma(float(dtype(shape)), scale=float(dtype(scale)))
    assert stats.kstest(samples.astype(np.float64), distribution.cdf).pvalue > MIN_P_VALUE
    check_moments(samples, distribution)


@pytest.mark.parametrize("real", REALS)
def test_gamma_of_non_positive_shape_is_zero(real):
    dtype = DTYPES[real]
    for shape in (0.0, -1.0, np.nan):
        samples = fill("fill_gamma", real, dtype(shape), dtype(1.0), n=100)
        np.testing.assert_array_equal(samples, 0.0)


@pytest.mark.parametrize("real", REALS)
@pytest.mark.parametrize("trials, p", [(1, 0.5), (10, 0.3), (20, 0.8), (50, 0.5), (100_000, 0.3),
                                       (1_000_000, 2e-5), (1000, 0.999)])
def test_binomial_distribution(real, trials, p):
    """Exact inversion against scipy.stats.binom (chi-square): small and large trials, p above
    1/2 (drawn by symmetry), and cases where (1 - p)^trials underflows (100000 x 0.3)."""
    dtype = DTYPES[real]
    samples = fill("fill_binomial", real, np.int32(trials), np.float64(p), slot=4, step=9)
    np.testing.assert_array_equal(samples, np.round(samples))
    distribution = stats.binom(trials, float(dtype(p)))
    assert chi_square_p_value(samples, distribution, trials) > MIN_P_VALUE
    check_moments(samples, distribution)


@pytest.mark.parametrize("real", REALS)
def test_binomial_edge_cases(real):
    """p <= 0 (or NaN) gives 0, p >= 1 gives trials, trials <= 0 gives 0."""
    dtype = DTYPES[real]
    cases = [(7, 0.0, 0), (7, -0.5, 0), (7, np.nan, 0), (7, 1.0, 7), (7, 1.5, 7), (0, 0.5, 0), (-3, 0.5, 0)]
    for trials, p, expected in cases:
        samples = fill("fill_binomial", real, np.int32(trials), np.float64(p), n=200)
        np.testing.assert_array_equal(samples, float(expected))


def test_binomial_same_in_both_precisions():
    """The binomial's arithmetic is in double for both state types: the same values for a p that
    float represents exactly."""
    double = fill("fill_binomial", "double", np.int32(30), np.float64(0.375), n=2000, slot=5)
    single = fill("fill_binomial", "float", np.int32(30), np.float64(0.375), n=2000, slot=5)
    np.testing.assert_array_equal(double, single.astype(np.float64))


# --- streams: independent of everything but (key, slot, step, element) ---------------------------


def test_different_slot_step_key_and_element_give_different_numbers():
    """Fills differing only in slot, step (low or high word) or key share no value, are
    uncorrelated (|r| < 4/sqrt(n)), and no two elements of a fill are equal (53-bit doubles)."""
    variants = {
        "base": {},
        "slot 1": {"slot": 1},
        "slot 65535": {"slot": 65535},
        "step 1": {"step": 1},
        "step 2^32": {"step": 2**32},
        "key": {"key": (KEY[0] ^ 1, KEY[1])},
        "key high": {"key": (KEY[0], KEY[1] ^ 1)},
    }
    fills = {name: fill("fill_uniform", "double", **args) for name, args in variants.items()}
    for samples in fills.values():
        assert np.unique(samples).size == N
    names = list(fills)
    for a, name_a in enumerate(names):
        for name_b in names[a + 1:]:
            assert not np.any(fills[name_a] == fills[name_b]), (name_a, name_b)
            assert abs(np.corrcoef(fills[name_a], fills[name_b])[0, 1]) < 4.0 / np.sqrt(N), (name_a, name_b)
    neighbours = fills["base"]
    assert abs(np.corrcoef(neighbours[:-1], neighbours[1:])[0, 1]) < 4.0 / np.sqrt(N)


@pytest.mark.parametrize("real", REALS)
def test_fills_depend_only_on_key_slot_step_and_element(real):
    """The same arguments give identical arrays whatever the output held before, and element i
    does not depend on the number of elements filled."""
    dtype = DTYPES[real]
    kernels = {
        "fill_uniform": (),
        "fill_normal": (),
        "fill_gamma": (dtype(0.7), dtype(1.5)),
        "fill_binomial": (np.int32(40), np.float64(0.35)),
    }
    for kernel, extra in kernels.items():
        first = fill(kernel, real, *extra, n=5000, slot=6, step=12)
        again = fill(kernel, real, *extra, n=5000, slot=6, step=12, initial=0.0)
        np.testing.assert_array_equal(first, again)
        prefix = fill(kernel, real, *extra, n=777, slot=6, step=12, initial=-1.0)
        np.testing.assert_array_equal(first[:777], prefix)
        other_step = fill(kernel, real, *extra, n=5000, slot=6, step=13)
        assert not np.array_equal(first, other_step)


# --- the GPU build -----------------------------------------------------------------------------


@pytest.mark.skipif(nvcc() is None, reason="nvcc is not installed")
@pytest.mark.parametrize("real", REALS)
def test_random_kernels_compile_for_the_gpu(real):
    """random_fill.cu (with random.cuh) and the probe kernels compile with nvcc to PTX."""
    ptx = device_check(module_source("random_fill.cu", real=real))
    for kernel in ("fill_uniform", "fill_normal", "fill_gamma", "fill_binomial"):
        assert f".entry {kernel}(" in ptx
    assert ".entry probe_draw(" in device_check(module_source("random.cuh", PROBE_KERNELS, real=real))
