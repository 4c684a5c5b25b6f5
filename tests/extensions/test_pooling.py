"""Pooling: values against NumPy reductions over reshaped blocks, bad input.

The rules (windows starting at i * extent, windows cut at the border, 'mean' over the full
extent, 'max' starting from the smallest positive double) were measured on ANNarchy 4.8.2:
docs/reference_facts.md section Q2.
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import NetworkError
from annarray.extensions.convolution import Pooling

INPUT = ann.Neuron(parameters="r = 0.0")
OUTPUT = ann.Neuron(equations="r = sum(exc)")
TINY = np.finfo(np.float64).tiny


def _run(pre_shape, post_shape, operation="max", psp="pre.r", seed=0, **kwargs):
    rates = np.random.default_rng(seed).uniform(-1, 1, pre_shape)
    pre, post = ann.Population(pre_shape, INPUT), ann.Population(post_shape, OUTPUT)
    Pooling(pre, post, "exc", psp=psp, operation=operation).connect_pooling(**kwargs)
    ann.compile()
    pre.r = rates
    ann.step()
    return rates, post.r


def _blocks(rates, extent):
    """(post..., block elements) view of ``rates`` cut into blocks of ``extent``."""
    shape = []
    for n, e in zip(rates.shape, extent, strict=True):
        shape += [n // e, e]
    blocks = rates.reshape(shape)
    nd = rates.ndim
    blocks = blocks.transpose(list(range(0, 2 * nd, 2)) + list(range(1, 2 * nd, 2)))
    return blocks.reshape(blocks.shape[:nd] + (-1,))


@pytest.mark.parametrize("operation,reduce", [("max", np.max), ("min", np.min), ("mean", np.mean)])
@pytest.mark.parametrize("pre_shape,post_shape", [((4, 6), (2, 3)), ((8,), (2,)), ((4, 6, 2), (2, 2, 1))])
def test_pooling_equals_block_reductions(paradigm, operation, reduce, pre_shape, post_shape):
    """Without extent: blocks of pre / post neurons reduced (Q2: matches for (4, 6) -> (2, 3));
    'max' bounded below by the smallest positive double (Q2)."""
    rates, out = _run(pre_shape, post_shape, operation)
    extent = tuple(p // q for p, q in zip(pre_shape, post_shape, strict=True))
    expected = reduce(_blocks(rates, extent), axis=-1)
    if operation == "max":
        expected = np.maximum(expected, TINY)
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_extent_over_a_dimension_post_lacks(paradigm):
    """(4, 4, 3) -> (2, 2) with extent (2, 2, 3): max over 2 x 2 x 3 blocks (Q2)."""
    rates, out = _run((4, 4, 3), (2, 2), extent=(2, 2, 3))
    np.testing.assert_allclose(out, np.maximum(_blocks(rates, (2, 2, 3)).max(axis=-1)[..., 0], TINY))


def test_windows_are_cut_at_the_border(paradigm):
    """(5, 5) -> (3, 3), extent (2, 2): the last row and column of windows hold one neuron
    per dimension; 'mean' still divides by 4 (Q2)."""
    rates, out = _run((5, 5), (3, 3), operation="mean", extent=(2, 2))
    padded = np.pad(rates, ((0, 1), (0, 1)))
    np.testing.assert_allclose(out, _blocks(padded, (2, 2)).sum(axis=-1) / 4.0, atol=1e-12)


def test_explicit_extent_may_leave_neurons_out(paradigm):
    """(4, 6) -> (2, 2), extent (2, 3): windows start at 0, 2 and 0, 3 (Q2)."""
    rates, out = _run((4, 6), (2, 2), extent=(2, 3))
    np.testing.assert_allclose(out, np.maximum(_blocks(rates, (2, 3)).max(axis=-1), TINY))


def test_max_of_negative_rates(paradigm):
    """r = -0.5, -0.2, -0.3, -0.9: max gives 2.2250738585072014e-308, min -0.9 (Q2)."""
    pre = ann.Population((2, 2), INPUT)
    high, low = ann.Population((1, 1), OUTPUT), ann.Population((1, 1), OUTPUT)
    Pooling(pre, high, "exc", operation="max").connect_pooling()
    Pooling(pre, low, "exc", operation="min").connect_pooling()
    ann.compile()
    pre.r = [[-0.5, -0.2], [-0.3, -0.9]]
    ann.step()
    assert high.r[0, 0] == 2.2250738585072014e-308
    assert low.r[0, 0] == -0.9


def test_pooled_psp(paradigm):
    """psp = 2 * pre.r + 1: the pooled values are transformed first (Q2)."""
    rates, out = _run((4, 6), (2, 3), psp="2*pre.r + 1")
    np.testing.assert_allclose(out, np.maximum(_blocks(2 * rates + 1, (2, 2)).max(axis=-1), TINY))


def test_pooling_delay(paradigm):
    """delays=2.0 with pre.r set to k + 1 before step k: 'mean' is 0, 0, then 1, 2, 3, 4 (Q2:
    measured lag of 2 steps)."""
    pre, post = ann.Population((3, 3), INPUT), ann.Population((1, 1), OUTPUT)
    Pooling(pre, post, "exc", operation="mean").connect_pooling(delays=2.0)
    ann.compile()
    rows = []
    for k in range(6):
        pre.r = np.full((3, 3), k + 1.0)
        ann.step()
        rows.append(post.r[0, 0])
    np.testing.assert_allclose(rows, [0.0, 0.0, 1.0, 2.0, 3.0, 4.0])


def test_pooling_attributes():
    """size = post.size, nb_synapses = 0 (Q2); no weights."""
    pre, post = ann.Population((4, 6), INPUT), ann.Population((2, 3), OUTPUT)
    proj = Pooling(pre, post, "exc").connect_pooling()
    assert (proj.size, proj.nb_synapses, proj.extent) == (6, 0, (2, 2))
    with pytest.raises(NetworkError, match="no weights"):
        proj.get("w")


@pytest.mark.parametrize("pre_shape,post_shape,kwargs,words", [
    ((6, 6), (4, 4), {}, "not a multiple"),
    ((6, 6, 2), (3, 3), {}, "same number of dimensions"),
    ((6, 6), (3, 3), {"extent": (2,)}, "tuple of 2"),
    ((6, 6), (3, 3), {"extent": (2, 2, 2)}, "tuple of 2"),
    ((6, 6), (3, 3), {"extent": (2, 0)}, "positive"),
    ((4, 6), (3, 3), {"extent": (2, 2)}, "do not fit"),
    ((6, 6), (3, 3, 2), {"extent": (2, 2)}, "more dimensions"),
    ((6, 6), (3, 3), {"delays": [1.0]}, "one number"),
])
def test_bad_pooling_refused(pre_shape, post_shape, kwargs, words):
    """Extents that define no pooling raise NetworkError naming the fix (the reference
    accepts some of them and pools garbage, Q2); the projection stays unconnected."""
    proj = Pooling(ann.Population(pre_shape, INPUT), ann.Population(post_shape, OUTPUT), "exc")
    with pytest.raises(NetworkError, match=words):
        proj.connect_pooling(**kwargs)
    assert proj._pattern is None


def test_pooling_operation_must_be_max_min_or_mean():
    """operation='sum' is refused, as in the reference (Q2)."""
    with pytest.raises(NetworkError, match="'max', 'min' or 'mean'"):
        Pooling(ann.Population(4, INPUT), ann.Population(2, OUTPUT), "exc", operation="sum")
