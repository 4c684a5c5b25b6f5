"""The GPU backend's hand-written kernels (kernels/clock.cu, spike_propagation.cu,
row_reductions.cu, delay_ring.cu), run through the CPU build of the kernels
(annarray.backend.cuda_host) and compiled for the GPU with nvcc.

Expected values are NumPy's: conductances from np.add.at over the spiking neurons' synapses,
row reductions from np.sum/max/min/mean of each row, delayed values from a Python history of
the pushed arrays. Every case runs in double and in float.
"""

import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

from annarray.backend.cuda_host import device_check, host_compiler, host_module, nvcc
from annarray.backend.cuda_source import module_source

REALS = ["double", "float"]
DTYPES = {"double": np.float64, "float": np.float32}
KERNEL_FILES = ["clock.cu", "spike_propagation.cu", "row_reductions.cu", "delay_ring.cu"]
KERNELS = {
    "clock.cu": ["advance_clock"],
    "spike_propagation.cu": ["spike_ring_push", "propagate_spikes", "propagate_spikes_direct",
                             "propagate_spikes_scalar"],
    "row_reductions.cu": ["reduce_rows_sum", "reduce_rows_max", "reduce_rows_min", "reduce_rows_mean"],
    "delay_ring.cu": ["delay_push", "delay_gather"],
}
# steps at which the runs start: 0, just below 2^31 and just below 2^32 (the clock is 64-bit)
START_STEPS = [0, 2**31 - 3, 2**32 - 2]


def kernels(real):
    """All four kernel files in one module (which also checks that their names do not clash)."""
    return host_module(module_source(*KERNEL_FILES, real=real))


def close(real):
    """Tolerances for sums: the additions' order differs from NumPy's on a GPU; float rounds."""
    return {"rtol": 1e-12, "atol": 1e-12} if real == "double" else {"rtol": 2e-5, "atol": 2e-5}


@pytest.mark.parametrize("name", KERNEL_FILES)
@pytest.mark.parametrize("real", REALS)
def test_each_file_builds_alone(name, real):
    """Every kernel file is a complete module on its own (CPU build) and defines its kernels."""
    assert host_compiler() is not None
    module = host_module(module_source(name, real=real))
    for kernel in KERNELS[name]:
        module[kernel]


# --- clock ------------------------------------------------------------------------------------


@pytest.mark.parametrize("start", [0, 2**31 - 1, 2**32 - 1])
def test_advance_clock_adds_one_per_launch(start):
    step = np.array([start], dtype=np.int64)
    for launches in range(1, 4):
        kernels("double")["advance_clock"](step)
        assert int(step[0]) == start + launches


# --- spike ring and propagation -----------------------------------------------------------------


def scipy_connectivity(n_pre, n_post, dtype, seed):
    """scipy.sparse.random CSR (one synapse per pair), with every fourth presynaptic neuron
    without synapses."""
    matrix = sp.random(n_pre, n_post, density=0.15, format="csr", random_state=seed, dtype=np.float64)
    keep = np.ones(n_pre)
    keep[::4] = 0.0
    matrix = (sp.diags(keep) @ matrix).tocsr()
    matrix.eliminate_zeros()
    matrix.data = matrix.data - 0.5
    return (matrix.indptr[:-1].astype(np.int32), np.diff(matrix.indptr).astype(np.int32),
            matrix.indices.astype(np.int32), matrix.data.astype(dtype))


def repeated_connectivity(n_pre, n_post, dtype, seed):
    """Rows with repeated postsynaptic neurons (several synapses per pair), some rows empty, and
    the rows stored in a shuffled order (row_start is not increasing)."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 3 * n_post // 2, size=n_pre).astype(np.int32)
    lengths[rng.choice(n_pre, size=n_pre // 5, replace=False)] = 0
    order = rng.permutation(n_pre)
    starts = np.zeros(n_pre, dtype=np.int32)
    starts[order] = np.concatenate([[0], np.cumsum(lengths[order])[:-1]])
    post = rng.integers(0, n_post, size=int(lengths.sum())).astype(np.int32)
    weights = rng.normal(size=post.size).astype(dtype)
    return starts, lengths, post, weights


CONNECTIVITY = {"scipy": scipy_connectivity, "repeated": repeated_connectivity}


def expected_conductance(g, spikes, starts, lengths, post, weight):
    """NumPy reference: g[post[k]] += weight[k] over the synapses k of every spiking neuron."""
    expected = g.astype(np.float64)
    synapses = [np.arange(starts[pre], starts[pre] + lengths[pre]) for pre in spikes]
    synapses = np.concatenate(synapses) if synapses else np.zeros(0, dtype=np.int64)
    values = np.broadcast_to(np.asarray(weight, dtype=np.float64), synapses.shape) if np.ndim(weight) == 0 \
        else weight[synapses].astype(np.float64)
    np.add.at(expected, post[synapses], values)
    return expected


def spike_sets(n_pre, steps, seed):
    """Random spike sets (ranks in random order, no repeats), empty at every third step."""
    rng = np.random.default_rng(seed)
    sets = []
    for index in range(steps):
        count = 0 if index % 3 == 2 else int(rng.integers(1, n_pre // 2))
        sets.append(rng.choice(n_pre, size=count, replace=False).astype(np.int32))
    return sets


@pytest.mark.parametrize("real", REALS)
@pytest.mark.parametrize("depth", [1, 5])
@pytest.mark.parametrize("connectivity", list(CONNECTIVITY))
def test_spike_ring_and_delayed_propagation(real, depth, connectivity):
    """Each step: spike_ring_push of this step's spikes, propagate_spikes for several delays
    `back` (0 .. depth-1), advance_clock. g equals NumPy's sum of the weights of the spikes
    emitted `back` steps earlier (none before the run's first step), over 13 steps (the ring
    wraps) from starts 0, 2^31 - 3 and 2^32 - 2."""
    dtype = DTYPES[real]
    module = kernels(real)
    n_pre, n_post = 40, 30
    starts, lengths, post, weights = CONNECTIVITY[connectivity](n_pre, n_post, dtype, seed=depth)
    backs = sorted({0, 1, depth - 1} & set(range(depth)))
    rng = np.random.default_rng(7)
    for start in START_STEPS:
        step = np.array([start], dtype=np.int64)
        ring_ranks = np.full(depth * n_pre, -1, dtype=np.int32)
        ring_counts = np.zeros(depth, dtype=np.int32)
        history = {}
        for offset, spikes in enumerate(spike_sets(n_pre, 13, seed=start % 1000 + depth)):
            s = start + offset
            history[s] = spikes
            buffer = np.zeros(n_pre, dtype=np.int32)
            buffer[:spikes.size] = spikes
            module["spike_ring_push"](step, np.int32(depth), np.int32(n_pre),
                                      np.array([spikes.size], dtype=np.int32), buffer, ring_ranks, ring_counts)
            row = s % depth
            assert ring_counts[row] == spikes.size
            np.testing.assert_array_equal(ring_ranks[row * n_pre: row * n_pre + spikes.size], spikes)
            for back in backs:
                g = rng.normal(size=n_post).astype(dtype)
                expected = expected_conductance(g, history.get(s - back, []), starts, lengths, post, weights)
                module["propagate_spikes"](step, np.int32(depth), np.int32(back), ring_ranks, ring_counts,
                                           np.int32(n_pre), starts, lengths, post, weights, g)
                np.testing.assert_allclose(g, expected, **close(real))
            module["advance_clock"](step)
            assert int(step[0]) == s + 1


@pytest.mark.parametrize("real", REALS)
@pytest.mark.parametrize("connectivity", list(CONNECTIVITY))
def test_undelayed_propagation(real, connectivity):
    """propagate_spikes_direct (per-synapse weights) and propagate_spikes_scalar (one shared
    weight w_scalar[0]) against np.add.at, for random spike sets including empty ones and sets
    whose synapses reach the same post neuron several times."""
    dtype = DTYPES[real]
    module = kernels(real)
    n_pre, n_post = 50, 20
    starts, lengths, post, weights = CONNECTIVITY[connectivity](n_pre, n_post, dtype, seed=3)
    rng = np.random.default_rng(8)
    for spikes in spike_sets(n_pre, 9, seed=4):
        count = np.array([spikes.size], dtype=np.int32)
        buffer = np.concatenate([spikes, np.full(n_pre - spikes.size, -1, dtype=np.int32)])
        g = rng.normal(size=n_post).astype(dtype)
        expected = expected_conductance(g, spikes, starts, lengths, post, weights)
        module["propagate_spikes_direct"](count, buffer, starts, lengths, post, weights, g)
        np.testing.assert_allclose(g, expected, **close(real))
        w_scalar = np.array([rng.normal()], dtype=dtype)
        g = rng.normal(size=n_post).astype(dtype)
        expected = expected_conductance(g, spikes, starts, lengths, post, w_scalar[0])
        module["propagate_spikes_scalar"](count, buffer, starts, lengths, post, w_scalar, g)
        np.testing.assert_allclose(g, expected, **close(real))


# --- row reductions -----------------------------------------------------------------------------


@pytest.mark.parametrize("real", REALS)
def test_row_reductions(real):
    """reduce_rows_sum/max/min/mean against NumPy per row: empty rows give 0, rows of negative
    values keep their negative maximum, one long row (5000 values)."""
    dtype = DTYPES[real]
    module = kernels(real)
    rng = np.random.default_rng(9)
    lengths = rng.integers(0, 25, size=60)
    lengths[[0, 7, 8, 59]] = 0
    lengths[30] = 5000
    row_ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    values = rng.normal(loc=0.3, size=int(row_ptr[-1])).astype(dtype)
    values[row_ptr[3]:row_ptr[4]] = -np.abs(values[row_ptr[3]:row_ptr[4]]) - 1.0
    values[row_ptr[4]:row_ptr[5]] = np.abs(values[row_ptr[4]:row_ptr[5]]) + 1.0
    assert lengths[3] > 0 and lengths[4] > 0
    rows = [values[row_ptr[r]:row_ptr[r + 1]].astype(np.float64) for r in range(lengths.size)]
    references = {"sum": np.sum, "max": np.max, "min": np.min, "mean": np.mean}
    for op, reference in references.items():
        out = np.full(lengths.size, np.nan, dtype=dtype)
        module[f"reduce_rows_{op}"](np.int32(lengths.size), row_ptr, values, out)
        expected = np.array([reference(row) if row.size else 0.0 for row in rows])
        if op in ("max", "min"):
            np.testing.assert_array_equal(out, expected.astype(dtype))
        else:
            np.testing.assert_allclose(out, expected, **close(real))


# --- rate-coded delay ring ----------------------------------------------------------------------


@pytest.mark.parametrize("real", REALS)
@pytest.mark.parametrize("depth", [1, 4])
def test_delay_ring(real, depth):
    """Each step: delay_push of a random source, delay_gather of random (back, pre) pairs,
    advance_clock. out[k] is NumPy's history value of pre[k] back[k] steps ago (zeros, the
    buffer's initial content, before the run's first step), over 11 steps (the ring wraps)
    from starts 0, 2^31 - 3 and 2^32 - 2."""
    dtype = DTYPES[real]
    module = kernels(real)
    size, n = 7, 40
    rng = np.random.default_rng(depth)
    for start in START_STEPS:
        step = np.array([start], dtype=np.int64)
        buffer = np.zeros(depth * size, dtype=dtype)
        history = {}
        for offset in range(11):
            s = start + offset
            source = rng.normal(size=size).astype(dtype)
            history[s] = source.copy()
            module["delay_push"](step, np.int32(depth), np.int32(size), source, buffer)
            back = rng.integers(0, depth, size=n).astype(np.int32)
            pre = rng.integers(0, size, size=n).astype(np.int32)
            out = np.full(n, np.nan, dtype=dtype)
            module["delay_gather"](step, np.int32(depth), np.int32(size), np.int64(n), back, pre, buffer, out)
            zeros = np.zeros(size, dtype=dtype)
            expected = np.array([history.get(s - int(b), zeros)[p] for b, p in zip(back, pre, strict=True)])
            np.testing.assert_array_equal(out, expected)
            module["advance_clock"](step)


# --- the GPU code paths, in an emulated grid ------------------------------------------------------

# A C++ program that runs the kernels' GPU code (the module compiled WITHOUT ANNARRAY_HOST) in an
# emulation of CUDA's execution model, for grids of 1 to 40 blocks of 1 to 1024 threads, and
# compares with values it computes directly: row reductions (the shared-memory halving and its
# barriers), spike ring and propagation, delay ring, clock, and fills (equal to a 1-thread launch).
EMULATOR = r"""// CUDA's execution model on the CPU, for the GPU code paths of annarray's kernels: the blocks of
// a launch run one after another; the threads of a block are coroutines (ucontext) run in turn
// (in increasing or decreasing order) up to their next __syncthreads, which is a barrier that all
// threads of the block must reach (checked); __shared__ arrays are static (one block at a time).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>
#include <ucontext.h>
using std::cos; using std::exp; using std::floor; using std::lgamma; using std::log; using std::log1p; using std::sqrt;

struct Index { unsigned x = 0; };
Index threadIdx, blockIdx, blockDim, gridDim;

struct Fiber { ucontext_t context; std::vector<char> stack = std::vector<char>(1 << 16); bool done = false; };
std::vector<Fiber> fibers(1024);
ucontext_t scheduler;
std::function<void()> fiber_body;
unsigned current = 0;
bool reverse_order = false;
int barrier_errors = 0;
void fiber_entry() { fiber_body(); fibers[current].done = true; }

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
void __syncthreads() { swapcontext(&fibers[current].context, &scheduler); }
template <class T> T atomicAdd(T* a, T v) { T o = *a; *a = o + v; return o; }
template <class T> T atomicCAS(T* a, T c, T v) { T o = *a; if (o == c) *a = v; return o; }
double __longlong_as_double(unsigned long long b) { double d; std::memcpy(&d, &b, 8); return d; }
unsigned long long __double_as_longlong(double d) { unsigned long long b; std::memcpy(&b, &d, 8); return b; }
float __uint_as_float(unsigned b) { float d; std::memcpy(&d, &b, 4); return d; }
unsigned __float_as_uint(float d) { unsigned b; std::memcpy(&b, &d, 4); return b; }
unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((unsigned long long)a * b) >> 32); }

#include "module.inc"

/* one block: every thread runs to its next barrier (or its end) in turn, until all have ended;
   a pass where some threads ended and others wait at a barrier is an error (a GPU would hang) */
void run_block(unsigned block) {
    for (unsigned t = 0; t < block; ++t) {
        Fiber& f = fibers[t];
        f.done = false;
        getcontext(&f.context);
        f.context.uc_stack.ss_sp = f.stack.data();
        f.context.uc_stack.ss_size = f.stack.size();
        f.context.uc_link = &scheduler;
        makecontext(&f.context, fiber_entry, 0);
    }
    for (;;) {
        unsigned ended = 0;
        for (unsigned n = 0; n < block; ++n) {
            const unsigned t = reverse_order ? block - 1 - n : n;
            if (fibers[t].done) { ++ended; continue; }
            current = t; threadIdx.x = t;
            swapcontext(&scheduler, &fibers[t].context);
            if (fibers[t].done) ++ended;
        }
        if (ended == block) return;
        if (ended != 0) { ++barrier_errors; std::printf("FAIL: threads ended while others wait at a barrier\n"); return; }
    }
}

template <class... A, class... B> void launch(void (*kernel)(A...), unsigned grid, unsigned block, B... args) {
    gridDim.x = grid; blockDim.x = block;
    fiber_body = [&] { kernel(args...); };
    for (unsigned b = 0; b < grid; ++b) { blockIdx.x = b; run_block(block); }
}

int failures = 0;
void check(bool ok, const char* what, unsigned grid, unsigned block) {
    if (!ok && ++failures <= 20) std::printf("FAIL %s, grid %u, block %u\n", what, grid, block);
}
unsigned state = 12345u;
double next_value() { state = state * 1664525u + 1013904223u; return (state >> 8) / 16777216.0 - 0.4; }

int main() {
    const unsigned configs[][2] = {{1, 1}, {1, 3}, {1, 32}, {1, 33}, {1, 100}, {2, 7}, {3, 64}, {5, 2}, {40, 3}, {2, 256}, {1, 1024}};
    const double tolerance = sizeof(ann_real) == 8 ? 1e-12 : 1e-5;
    /* rows: empty ones, shorter and longer than the blocks */
    const int lengths[] = {0, 1, 2, 3, 5, 0, 31, 32, 33, 64, 65, 100, 0, 257, 1000, 7, 0};
    const int n_rows = sizeof(lengths) / sizeof(lengths[0]);
    std::vector<int> row_ptr = {0};
    for (int l : lengths) row_ptr.push_back(row_ptr.back() + l);
    std::vector<ann_real> values(row_ptr.back());
    for (auto& v : values) v = (ann_real)next_value();
    /* synapses of 30 neurons onto 12 (every fifth neuron without synapses), 9 spikes */
    const int n_pre = 30, n_post = 12, depth = 3;
    std::vector<int> start(n_pre), length(n_pre), post;
    std::vector<ann_real> w;
    for (int p = 0; p < n_pre; ++p) {
        start[p] = (int)post.size();
        length[p] = p % 5 == 0 ? 0 : 1 + (p * 7) % 40;
        for (int j = 0; j < length[p]; ++j) { post.push_back((p * 13 + j * 5) % n_post); w.push_back((ann_real)next_value()); }
    }
    std::vector<int> spikes = {3, 7, 1, 0, 29, 12, 13, 14, 5};
    const int n_spikes = (int)spikes.size();
    std::vector<double> g_ref(n_post, 1.0);
    for (int p : spikes) for (int j = 0; j < length[p]; ++j) g_ref[post[start[p] + j]] += w[start[p] + j];

    for (int order = 0; order < 2; ++order)
    for (const auto& config : configs) {
        reverse_order = order == 1;
        const unsigned grid = config[0], block = config[1];
        const int* rp = row_ptr.data();
        const ann_real* v = values.data();
        std::vector<ann_real> sum(n_rows, -9), max(n_rows, -9), min(n_rows, -9), mean(n_rows, -9);
        launch(reduce_rows_sum, grid, block, n_rows, rp, v, sum.data());
        launch(reduce_rows_max, grid, block, n_rows, rp, v, max.data());
        launch(reduce_rows_min, grid, block, n_rows, rp, v, min.data());
        launch(reduce_rows_mean, grid, block, n_rows, rp, v, mean.data());
        for (int r = 0; r < n_rows; ++r) {
            if (lengths[r] == 0) { check(sum[r] == 0 && max[r] == 0 && min[r] == 0 && mean[r] == 0, "empty row", grid, block); continue; }
            double s = 0; ann_real hi = values[row_ptr[r]], lo = hi;
            for (int k = row_ptr[r]; k < row_ptr[r + 1]; ++k) { s += values[k]; hi = std::max(hi, values[k]); lo = std::min(lo, values[k]); }
            check(std::fabs(sum[r] - s) <= tolerance * (1 + lengths[r]), "reduce_rows_sum", grid, block);
            check(max[r] == hi, "reduce_rows_max", grid, block);
            check(min[r] == lo, "reduce_rows_min", grid, block);
            check(std::fabs(mean[r] - s / lengths[r]) <= tolerance * (1 + lengths[r]), "reduce_rows_mean", grid, block);
        }

        std::vector<ann_real> g(n_post, 1);
        launch(propagate_spikes_direct, grid, block, &n_spikes, (const int*)spikes.data(), (const int*)start.data(),
               (const int*)length.data(), (const int*)post.data(), (const ann_real*)w.data(), g.data());
        for (int q = 0; q < n_post; ++q) check(std::fabs(g[q] - g_ref[q]) <= tolerance * 300, "propagate_spikes_direct", grid, block);
        /* push at step 7 (row 1), deliver at step 9 with back 2 */
        long long step = 7;
        std::vector<int> ring(depth * n_pre, -1), counts(depth, 5);
        launch(spike_ring_push, grid, block, (const long long*)&step, depth, n_pre, &n_spikes, (const int*)spikes.data(),
               ring.data(), counts.data());
        check(counts[0] == 5 && counts[1] == n_spikes && counts[2] == 5, "spike_ring_push counts", grid, block);
        check(std::equal(spikes.begin(), spikes.end(), ring.begin() + n_pre), "spike_ring_push ranks", grid, block);
        launch(advance_clock, grid, block, &step);
        launch(advance_clock, grid, block, &step);
        check(step == 9, "advance_clock", grid, block);
        std::fill(g.begin(), g.end(), (ann_real)1);
        launch(propagate_spikes, grid, block, (const long long*)&step, depth, 2, (const int*)ring.data(), (const int*)counts.data(),
               n_pre, (const int*)start.data(), (const int*)length.data(), (const int*)post.data(), (const ann_real*)w.data(), g.data());
        for (int q = 0; q < n_post; ++q) check(std::fabs(g[q] - g_ref[q]) <= tolerance * 300, "propagate_spikes", grid, block);

        /* delay ring: push at step 9 (row 0 of 3), gather at step 10 with back 1 */
        std::vector<ann_real> buffer(depth * n_post, 0), out(50, -9);
        std::vector<int> backs(50, 1), pres(50);
        for (int k = 0; k < 50; ++k) pres[k] = (k * 7) % n_post;
        launch(delay_push, grid, block, (const long long*)&step, depth, n_post, (const ann_real*)g.data(), buffer.data());
        launch(advance_clock, grid, block, &step);
        launch(delay_gather, grid, block, (const long long*)&step, depth, n_post, 50LL, (const int*)backs.data(),
               (const int*)pres.data(), (const ann_real*)buffer.data(), out.data());
        for (int k = 0; k < 50; ++k) check(out[k] == g[pres[k]], "delay_gather", grid, block);

        /* fills: the same numbers as one thread's */
        std::vector<ann_real> one(3000), many(3000, -9);
        const long long fill_step = 4;
        launch(fill_gamma, 1, 1, 3000LL, 1u, 2u, 3u, &fill_step, one.data(), (ann_real)0.5, (ann_real)2);
        launch(fill_gamma, grid, block, 3000LL, 1u, 2u, 3u, &fill_step, many.data(), (ann_real)0.5, (ann_real)2);
        check(one == many, "fill_gamma", grid, block);
        launch(fill_binomial, 1, 1, 3000LL, 1u, 2u, 3u, &fill_step, one.data(), 40, (ann_real)0.3);
        launch(fill_binomial, grid, block, 3000LL, 1u, 2u, 3u, &fill_step, many.data(), 40, (ann_real)0.3);
        check(one == many, "fill_binomial", grid, block);
    }
    std::printf("%d failures, %d barrier errors\n", failures, barrier_errors);
    return failures + barrier_errors != 0;
}
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the emulator uses ucontext (Linux)")
@pytest.mark.parametrize("real", REALS)
def test_gpu_code_paths_in_an_emulated_grid(real, tmp_path):
    """The kernels' GPU branches (shared memory, __syncthreads, grid-stride and block loops) give
    the directly computed values for many grid and block sizes, with the threads of a block run
    in increasing and in decreasing order between barriers (a missing barrier shows as a wrong
    value, a barrier not reached by all threads as an error)."""
    (tmp_path / "module.inc").write_text(module_source(*KERNEL_FILES, "random_fill.cu", real=real))
    (tmp_path / "emulator.cpp").write_text(EMULATOR)
    program = tmp_path / "emulator"
    build = subprocess.run([host_compiler(), "-std=c++17", "-O1", "-o", str(program), str(tmp_path / "emulator.cpp")],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[:4000]
    result = subprocess.run([str(program)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "0 failures, 0 barrier errors" in result.stdout


# --- the GPU build -----------------------------------------------------------------------------


@pytest.mark.skipif(nvcc() is None, reason="nvcc is not installed")
@pytest.mark.parametrize("real", REALS)
@pytest.mark.parametrize("name", KERNEL_FILES)
def test_kernel_files_compile_for_the_gpu(name, real):
    """Each kernel file compiles with nvcc to PTX (sm_80) and defines its kernels."""
    ptx = device_check(module_source(name, real=real))
    for kernel in KERNELS[name]:
        assert f".entry {kernel}(" in ptx


@pytest.mark.skipif(nvcc() is None, reason="nvcc is not installed")
def test_all_kernel_files_compile_together_for_the_gpu():
    """All kernel files, random_fill.cu included, in one module (helpers shared by several files
    are defined once)."""
    ptx = device_check(module_source(*KERNEL_FILES, "random_fill.cu", real="float"))
    assert ".entry propagate_spikes(" in ptx and ".entry fill_gamma(" in ptx
