"""The cuda backend's operations, emulated (its CUDA kernels built for the CPU, on NumPy
arrays): each is compared with the NumPy computation it stands for. On a GPU the same
operations run through CuPy (``ANNARRAY_CUDA_MODE=gpu``); see ``test_paradigm_parity.py``."""

import numpy as np
import pytest

from annarray.backend import cuda_host
from annarray.backend.cuda import CudaBackend
from annarray.parser.items import RandomDraw

pytestmark = pytest.mark.skipif(cuda_host.host_compiler() is None, reason="no C++ compiler")


@pytest.fixture(params=["double", "float"])
def backend(request):
    return CudaBackend(precision=request.param, emulate=True)


def test_elementwise_kernel_reads_population_wide_values(backend):
    dtype = backend.float_dtype
    v, tau, out = np.linspace(-1, 1, 11).astype(dtype), np.array(4.0, dtype=dtype), np.zeros(11, dtype=dtype)
    kernel = backend.elementwise_kernel("v / tau + where(v > 0.0, 1.0, 0.0)", ["v", "tau"], [dtype, dtype])
    kernel([v, tau], out)
    np.testing.assert_allclose(out, v / 4.0 + (v > 0), rtol=1e-6)


@pytest.mark.parametrize("op", ["sum", "max", "min"])
def test_segment_reductions(backend, op):
    values = np.arange(10, dtype=backend.float_dtype) - 4.5
    starts = np.array([0, 3, 4, 8])
    out = np.zeros(4, dtype=backend.float_dtype)
    backend.reduce_rows(op, values, starts, out)
    expected = {"sum": np.add, "max": np.maximum, "min": np.minimum}[op].reduceat(values, starts)
    np.testing.assert_allclose(out, expected)


def test_sparse_product_follows_later_weight_changes(backend):
    dtype = backend.float_dtype
    indptr, indices = np.array([0, 2, 2, 3]), np.array([0, 2, 1])
    w = np.array([1.0, 2.0, 3.0], dtype=dtype)
    x, out = np.array([1.0, 10.0, 100.0], dtype=dtype), np.zeros(3, dtype=dtype)
    matvec = backend.csr_matvec_plan((3, 3), indptr, indices, w)
    matvec(x, out)
    np.testing.assert_array_equal(out, [201.0, 0.0, 30.0])
    w[0] = 5.0  # in place: the plan reads the same array
    matvec(x, out)
    np.testing.assert_array_equal(out, [201.0 + 205.0, 0.0, 60.0])


def test_draws_differ_between_steps_slots_and_owners(backend):
    seeds = np.random.SeedSequence(5).spawn(2)
    first, other = backend.new_generator(seeds[0]), backend.new_generator(seeds[1])
    a, b, c = (np.zeros(1000, dtype=backend.float_dtype) for _ in range(3))
    draw_a = backend.draw_op(first, RandomDraw("_rand_0", "uniform"), a)
    draw_b = backend.draw_op(first, RandomDraw("_rand_1", "uniform"), b)
    draw_c = backend.draw_op(other, RandomDraw("_rand_0", "uniform"), c)
    draw_a(), draw_b(), draw_c()
    step0 = a.copy()
    draw_a()
    for x, y in [(step0, b), (step0, c), (step0, a)]:
        assert not np.any(x == y)
    assert 0.45 < a.mean() < 0.55 and a.min() >= 0.0 and a.max() < 1.0


def test_same_seed_gives_the_same_draws(backend):
    values = []
    for _ in range(2):
        rng = backend.new_generator(np.random.SeedSequence(11))
        out = np.zeros(500, dtype=backend.float_dtype)
        draw = backend.draw_op(rng, RandomDraw("_rand_0", "normal"), out)
        draw(), draw()
        values.append(out.copy())
    np.testing.assert_array_equal(values[0], values[1])
    assert abs(values[0].mean()) < 0.2 and 0.8 < values[0].std() < 1.2


def test_binomial_draws_fill_integer_buffers(backend):
    out = np.zeros(2000, dtype=np.int64)
    backend.draw_op(backend.new_generator(np.random.SeedSequence(2)), RandomDraw("_rand_0", "binomial", (10, 0.3)), out)()
    assert out.min() >= 0 and out.max() <= 10
    assert abs(out.mean() - 3.0) < 4 * np.sqrt(10 * 0.3 * 0.7 / 2000)


def test_unknown_distributions_are_refused(backend):
    from annarray.errors import InvalidConfiguration

    with pytest.raises(InvalidConfiguration, match="cannot draw from the distribution 'pareto'"):
        backend.draw_op(backend.new_generator(), RandomDraw("_rand_0", "pareto", (1.0,)), np.zeros(3))


@pytest.mark.parametrize("op", ["max", "min"])
def test_segment_extrema_propagate_nan_as_numpy(backend, op):
    """A NaN anywhere in a segment makes its max/min NaN (np.maximum.reduceat does; found in review)."""
    values = np.array([1.0, np.nan, 3.0, 2.0, 5.0], dtype=backend.float_dtype)
    starts = np.array([0, 3])
    out = np.zeros(2, dtype=backend.float_dtype)
    backend.reduce_rows(op, values, starts, out)
    expected = {"max": np.maximum, "min": np.minimum}[op].reduceat(values, starts)
    np.testing.assert_array_equal(out, expected)


def test_segment_ranges_match_the_cpu_backend(backend):
    """The cuda backend finds each position's segment by search (no repeat with counts);
    the CPU backend repeats; both give the hand-built concatenation of the ranges."""
    from annarray.backend.cpu import CPUBackend

    starts, lengths = np.array([5, 0, 9, 2]), np.array([2, 0, 3, 1])
    expected = [5, 6, 9, 10, 11, 2]
    assert backend.segment_ranges(starts, lengths).tolist() == expected
    assert CPUBackend().segment_ranges(starts, lengths, 6).tolist() == expected
    assert backend.segment_ranges(starts, np.zeros(4, dtype=np.int64)).shape == (0,)
