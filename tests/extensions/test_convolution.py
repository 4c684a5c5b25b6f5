"""Convolution: values against SciPy/NumPy correlations, weight sharing, bad input.

The rules the expected values follow (no flip, centre n // 2 or n // 2 - 1, sub-sampling
centres, 'max'/'min' starting from 0, 'mean' over the whole bank) were measured on ANNarchy
4.8.2: docs/reference_facts.md section Q1. Each test builds its expected values with
``scipy.signal.correlate`` on the input padded as the rule says, or with NumPy sliding
windows.
"""

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import correlate

import annarray as ann
from annarray.errors import AnnarrayError, NetworkError
from annarray.extensions.convolution import Convolution

INPUT = ann.Neuron(parameters="r = 0.0")
OUTPUT = ann.Neuron(equations="r = sum(exc)")


def _centre(n):
    return n // 2 if n % 2 else n // 2 - 1


def _pad(image, shape, value=0.0):
    """``image`` padded so that a 'valid' correlation with a filter of ``shape`` gives one
    value per neuron, centred as the reference centres filters."""
    widths = [(_centre(n), n - 1 - _centre(n)) for n in shape] + [(0, 0)] * (image.ndim - len(shape))
    if value == "border":
        return np.pad(image, widths, mode="edge")
    return np.pad(image, widths, constant_values=value)


def _expected(image, w, padding=0.0):
    """Cross-correlation of ``image`` and ``w`` at every neuron (same shape as ``image``)."""
    return correlate(_pad(image, w.shape, padding), w, mode="valid")


def _run(pre_shape, post_shape, connect, seed=0, psp="pre.r * w", operation="sum"):
    """Random rates in [-1, 1] on ``pre_shape``, one step; returns (rates, post.r, proj)."""
    rng = np.random.default_rng(seed)
    pre = ann.Population(pre_shape, INPUT)
    post = ann.Population(post_shape, OUTPUT)
    proj = Convolution(pre, post, "exc", psp=psp, operation=operation)
    connect(proj)
    ann.compile()
    rates = rng.uniform(-1, 1, pre_shape)
    pre.r = rates
    ann.step()
    return rates, post.r, proj


@pytest.mark.parametrize("pre_shape,filter_shape", [((7, 9), (3, 3)), ((6, 5), (2, 4)), ((8,), (5,)),
                                                    ((4,), (4,)), ((3, 4, 5), (3, 3, 3))])
def test_convolution_is_a_correlation_without_flip(paradigm, pre_shape, filter_shape):
    """post = correlate(pre zero-padded, w) for odd and even filters in 1-3 dimensions (Q1)."""
    w = np.random.default_rng(1).uniform(-1, 1, filter_shape)
    rates, out, _ = _run(pre_shape, pre_shape, lambda p: p.connect_filter(w))
    np.testing.assert_allclose(out, _expected(rates, w), atol=1e-12)


def test_asymmetric_filter_picks_the_right_neighbour(paradigm):
    """w = [0, 0, 1] reads the right neighbour, [1, 0, 0] the left one (no flip; Q1)."""
    pre = ann.Population(5, INPUT)
    right, left = ann.Population(5, OUTPUT), ann.Population(5, OUTPUT)
    Convolution(pre, right, "exc").connect_filter([0.0, 0.0, 1.0])
    Convolution(pre, left, "exc").connect_filter([1.0, 0.0, 0.0])
    ann.compile()
    pre.r = [1.0, 2.0, 3.0, 4.0, 5.0]
    ann.step()
    np.testing.assert_array_equal(right.r, [2.0, 3.0, 4.0, 5.0, 0.0])
    np.testing.assert_array_equal(left.r, [0.0, 1.0, 2.0, 3.0, 4.0])


@pytest.mark.parametrize("padding", [0.5, "border"])
def test_padding_is_the_rate_read_outside(paradigm, padding):
    """A number is the rate outside pre (psp w * padding), 'border' repeats the border
    neurons: correlate(np.pad(..., constant or edge), w) (manual; Q1 for 'border')."""
    w = np.random.default_rng(2).uniform(-1, 1, (3, 3))
    rates, out, _ = _run((5, 6), (5, 6), lambda p: p.connect_filter(w, padding=padding))
    np.testing.assert_allclose(out, _expected(rates, w, padding), atol=1e-12)


@pytest.mark.parametrize("post_shape", [(3, 3), (2, 2), (6, 2)])
def test_subsampling_from_geometries(paradigm, post_shape):
    """Post smaller by s along a dimension: centres (s - 1) // 2 + s i (Q1)."""
    w = np.random.default_rng(3).uniform(-1, 1, (3, 3))
    rates, out, _ = _run((6, 6), post_shape, lambda p: p.connect_filter(w))
    full = _expected(rates, w)
    rows = [(6 // post_shape[0] - 1) // 2 + (6 // post_shape[0]) * i for i in range(post_shape[0])]
    cols = [(6 // post_shape[1] - 1) // 2 + (6 // post_shape[1]) * j for j in range(post_shape[1])]
    np.testing.assert_allclose(out, full[np.ix_(rows, cols)], atol=1e-12)


def test_subsampling_list_gives_the_centres(paradigm):
    """subsampling=[[0, 0], [1, 3], [4, 5], [2, 2]]: post rank k reads around centre k (Q1)."""
    w = np.random.default_rng(4).uniform(-1, 1, (3, 3))
    centres = [[0, 0], [1, 3], [4, 5], [2, 2]]
    rates, out, proj = _run((5, 6), (2, 2), lambda p: p.connect_filter(w, subsampling=centres))
    full = _expected(rates, w)
    np.testing.assert_allclose(out.reshape(-1), [full[i, j] for i, j in centres], atol=1e-12)
    assert proj.center(3) == (2, 2)
    assert proj.center(0, 1) == (1, 3)


def test_keep_last_dimension_filters_each_slice(paradigm):
    """(4, 5, 3) * (3, 3) -> (4, 5, 3): slice c of post is the correlation of slice c (Q1)."""
    w = np.random.default_rng(5).uniform(-1, 1, (3, 3))
    rates, out, _ = _run((4, 5, 3), (4, 5, 3), lambda p: p.connect_filter(w, keep_last_dimension=True))
    for c in range(3):
        np.testing.assert_allclose(out[:, :, c], _expected(rates[:, :, c], w), atol=1e-12)


def test_filter_spanning_the_dimension_post_lacks(paradigm):
    """(4, 5, 2) * (3, 3, 2) -> (4, 5): the filter covers the whole last dimension (Q1)."""
    w = np.random.default_rng(6).uniform(-1, 1, (3, 3, 2))
    rates, out, _ = _run((4, 5, 2), (4, 5), lambda p: p.connect_filter(w))
    expected = correlate(_pad(rates, (3, 3)), w, mode="valid")[:, :, 0]
    np.testing.assert_allclose(out, expected, atol=1e-12)


@pytest.mark.parametrize("pre_shape,post_shape", [((5, 6), (5, 6, 3)), ((6, 6), (3, 3, 3))])
def test_bank_of_filters_fills_the_last_dimension(paradigm, pre_shape, post_shape):
    """connect_filters((3, 3, 3)): post[..., f] is filter f's correlation, sub-sampled as
    for one filter (Q1)."""
    bank = np.random.default_rng(7).uniform(-1, 1, (3, 3, 3))
    rates, out, proj = _run(pre_shape, post_shape, lambda p: p.connect_filters(bank))
    centres = [[(s - 1) // 2 + s * i for i in range(n)]
               for s, n in ((p // q, q) for p, q in zip(pre_shape, post_shape[:2], strict=True))]
    for f in range(3):
        np.testing.assert_allclose(out[..., f], _expected(rates, bank[f])[np.ix_(*centres)], atol=1e-12)
    assert proj.w.shape == (3, 3, 3)


def test_bank_over_a_three_dimensional_input(paradigm):
    """(4, 5, 2) with filters (2, 3, 3, 2) -> (4, 5, 2): each filter spans the last
    dimension (Q1)."""
    bank = np.random.default_rng(8).uniform(-1, 1, (2, 3, 3, 2))
    rates, out, _ = _run((4, 5, 2), (4, 5, 2), lambda p: p.connect_filters(bank))
    for f in range(2):
        np.testing.assert_allclose(out[..., f], correlate(_pad(rates, (3, 3)), bank[f], mode="valid")[:, :, 0],
                                   atol=1e-12)


def _windows(rates, shape, fill):
    """(…, K) sliding windows of ``rates`` padded with ``fill`` (centred as the reference)."""
    padded = _pad(rates, shape, fill)
    return sliding_window_view(padded, shape).reshape(rates.shape + (-1,))


@pytest.mark.parametrize("operation", ["max", "min"])
def test_max_and_min_skip_outside_and_start_from_zero(paradigm, operation):
    """max/min of w * pre.r over the positions inside pre, bounded by 0 (the reference's
    initial value: all-negative windows give 0 for max; Q1)."""
    w = np.random.default_rng(9).uniform(-1, 1, (3, 3))
    rates, out, _ = _run((5, 6), (5, 6), lambda p: p.connect_filter(w), operation=operation)
    inside = _windows(np.ones((5, 6)), (3, 3), 0.0) > 0
    psp = _windows(rates, (3, 3), 0.0) * w.reshape(-1)
    if operation == "max":
        expected = np.maximum(np.where(inside, psp, -np.inf).max(axis=-1), 0.0)
    else:
        expected = np.minimum(np.where(inside, psp, np.inf).min(axis=-1), 0.0)
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_max_of_negative_inputs_is_zero(paradigm):
    """r = -1 ... -5, filter [1, 1, 1], 'max': 0 everywhere (measured, Q1)."""
    pre, post = ann.Population(5, INPUT), ann.Population(5, OUTPUT)
    Convolution(pre, post, "exc", operation="max").connect_filter([1.0, 1.0, 1.0])
    ann.compile()
    pre.r = -np.arange(1.0, 6.0)
    ann.step()
    np.testing.assert_array_equal(post.r, np.zeros(5))


def test_mean_divides_by_the_number_of_weights(paradigm):
    """'mean' = sum / 9 for a 3x3 filter (Q1)."""
    w = np.random.default_rng(10).uniform(-1, 1, (3, 3))
    rates, out, _ = _run((5, 6), (5, 6), lambda p: p.connect_filter(w), operation="mean")
    np.testing.assert_allclose(out, _expected(rates, w) / 9.0, atol=1e-12)


def test_mean_of_a_bank_divides_by_the_whole_bank(paradigm):
    """Filters [[1, 1, 1], [0, 3, 0]] on r = 1 ... 5: measured [[0.5, 0.5], [1, 1], [1.5, 1.5],
    [2, 2], [1.5, 2.5]] (sums / 6; Q1)."""
    pre, post = ann.Population(5, INPUT), ann.Population((5, 2), OUTPUT)
    Convolution(pre, post, "exc", operation="mean").connect_filters([[1.0, 1.0, 1.0], [0.0, 3.0, 0.0]])
    ann.compile()
    pre.r = np.arange(1.0, 6.0)
    ann.step()
    np.testing.assert_allclose(post.r, [[0.5, 0.5], [1.0, 1.0], [1.5, 1.5], [2.0, 2.0], [1.5, 2.5]])


@pytest.mark.parametrize("psp,function", [
    ("w * log(1 + pre.r*pre.r)", lambda w, r: w * np.log(1 + r ** 2)),  # w * g(pre): one product
    ("w*w*pre.r + pre.r", lambda w, r: w * w * r + r),  # not linear in w: per position
])
@pytest.mark.parametrize("padding", [0.0, 0.5])
def test_nonlinear_psp(paradigm, psp, function, padding):
    """Any psp, summed, with pre.r = padding outside: NumPy sliding windows (Q1 for the
    first psp with zero padding; the manual's padding rule otherwise)."""
    w = np.random.default_rng(11).uniform(-1, 1, (3, 3))
    rates, out, _ = _run((5, 6), (5, 6), lambda p: p.connect_filter(w, padding=padding), psp=psp)
    values = _windows(rates, (3, 3), padding)
    np.testing.assert_allclose(out, function(w.reshape(-1), values).sum(axis=-1), atol=1e-12)


def test_psp_reading_a_post_attribute(paradigm):
    """psp = w * pre.r * post.g with g = 2: twice the plain correlation."""
    w = np.random.default_rng(16).uniform(-1, 1, (3, 3))
    pre = ann.Population((4, 5), INPUT)
    post = ann.Population((4, 5), ann.Neuron(parameters="g = 2.0", equations="r = sum(exc)"))
    Convolution(pre, post, "exc", psp="w * pre.r * post.g").connect_filter(w)
    ann.compile()
    rates = np.random.default_rng(17).uniform(-1, 1, (4, 5))
    pre.r = rates
    ann.step()
    np.testing.assert_allclose(post.r, 2 * _expected(rates, w), atol=1e-12)


def test_weights_are_the_filter_and_can_be_set(paradigm):
    """proj.w and proj.weights are the filter; new values act at the next step (Q1: 2 w
    doubles the output)."""
    w = np.random.default_rng(12).uniform(-1, 1, (3, 3))
    rates, out, proj = _run((5, 6), (5, 6), lambda p: p.connect_filter(w))
    np.testing.assert_array_equal(proj.w, w)
    np.testing.assert_array_equal(proj.weights, w)
    assert (proj.size, proj.nb_synapses) == (30, 0)
    proj.weights = 2 * w
    ann.step()
    np.testing.assert_allclose(proj.post.r, 2 * out, atol=1e-12)
    proj.w = -w
    ann.step()
    np.testing.assert_allclose(proj.post.r, -out, atol=1e-12)


def test_same_as_the_equivalent_projection_with_delays(paradigm):
    """A delayed convolution equals a regular projection built from its connectivity matrix
    with the same delay (Q1: the same lag), step by step with changing inputs."""
    w = np.random.default_rng(13).uniform(-1, 1, (3, 3))
    pre = ann.Population((4, 4), ann.Neuron(parameters="k = 1.0", equations="r = k * sin(0.3 * t + k)"))
    conv_post, dense_post = ann.Population((4, 4), OUTPUT), ann.Population((4, 4), OUTPUT)
    conv = Convolution(pre, conv_post, "exc").connect_filter(w, delays=3.0)
    matrix = conv.connectivity_matrix()
    ann.Projection(pre, dense_post, "exc").connect_from_matrix(np.where(matrix != 0, matrix, None), delays=3.0)
    m1, m2 = ann.Monitor(conv_post, "r"), ann.Monitor(dense_post, "r")
    ann.compile()
    pre.k = np.linspace(0.5, 2.0, 16).reshape(4, 4)
    ann.simulate(12)
    conv_r, dense_r = m1.get("r"), m2.get("r")
    np.testing.assert_allclose(conv_r, dense_r, atol=1e-12)
    assert np.abs(conv_r[:3]).max() == 0.0 and np.abs(conv_r[3:]).min() > 0


def test_convolution_into_spiking_neurons(paradigm):
    """A spiking post population receives the convolution in g_exc (v = g_exc shows it)."""
    pre = ann.Population(5, INPUT)
    post = ann.Population(5, ann.Neuron(equations="v = g_exc", spike="v > 1e9"))
    Convolution(pre, post, "exc").connect_filter([1.0, 2.0, 3.0])
    ann.compile()
    pre.r = np.arange(1.0, 6.0)
    ann.step()
    np.testing.assert_allclose(post.v, correlate(np.pad(np.arange(1.0, 6.0), 1), [1.0, 2.0, 3.0], mode="valid"))


def test_network_copy_transmits_the_same(paradigm):
    """Network(everything=True) copies the convolution with its filter."""
    w = np.random.default_rng(14).uniform(-1, 1, (3, 3))
    pre, post = ann.Population((5, 5), INPUT), ann.Population((5, 5), OUTPUT)
    Convolution(pre, post, "exc").connect_filter(w, padding="border")
    net = ann.Network(everything=True)
    net.compile()
    rates = np.random.default_rng(15).uniform(-1, 1, (5, 5))
    net.get(pre).r = rates
    net.step()
    np.testing.assert_allclose(net.get(post).r, _expected(rates, w, "border"), atol=1e-12)


# -- bad input --------------------------------------------------------------------------------
def _conv(pre_shape, post_shape, **kwargs):
    return Convolution(ann.Population(pre_shape, INPUT), ann.Population(post_shape, OUTPUT), "exc", **kwargs)


@pytest.mark.parametrize("pre_shape,post_shape,weights,kwargs,words", [
    ((6, 6), (6, 6), np.ones((3, 3, 3)), {}, "connect_filters"),
    ((6, 6), (6, 6), np.ones(3), {}, "keep_last_dimension"),
    ((6, 6, 2), (6, 6, 3), np.ones((3, 3)), {"keep_last_dimension": True}, "same last dimension"),
    ((6, 6), (6, 6), np.ones((3, 3)), {"keep_last_dimension": True}, "one dimension less"),
    ((6, 6), (4, 4), np.ones((3, 3)), {}, "not a multiple"),
    ((6, 6, 2), (6, 6), np.ones((3, 3, 3)), {}, "must span"),
    ((6, 6), (6, 6, 2), np.ones((3, 3)), {}, "more dimensions"),
    ((6, 6), (2, 2), np.ones((3, 3)), {"subsampling": [[0, 0], [1, 1]]}, "4 elements"),
    ((6, 6), (1, 1), np.ones((3, 3)), {"subsampling": [[10, 1]]}, "inside"),
    ((6, 6), (6, 6), np.ones((3, 3)), {"padding": "reflect"}, "'border'"),
    ((6, 6), (6, 6), np.ones((3, 3)), {"delays": [1.0, 2.0]}, "one number"),
    ((6, 6), (6, 6), [], {}, "non-empty"),
])
def test_bad_filter_refused(pre_shape, post_shape, weights, kwargs, words):
    """Geometries and arguments that define no convolution raise NetworkError naming the fix
    (the reference refuses most of them too, Q1) and leave the projection unconnected."""
    proj = _conv(pre_shape, post_shape)
    with pytest.raises(NetworkError, match=words):
        proj.connect_filter(weights, **kwargs)
    assert proj._pattern is None and proj._conn is None


@pytest.mark.parametrize("post_shape,weights,kwargs,words", [
    ((6, 6, 3), np.ones((2, 3, 3)), {}, "number of filters"),
    ((6, 6, 2), np.ones((2, 3, 3)), {"keep_last_dimension": True}, "keep_last_dimension"),
    ((6, 6, 2), np.ones((2, 3)), {}, "as many dimensions"),
])
def test_bad_bank_refused(post_shape, weights, kwargs, words):
    """A bank whose count or shape does not fit the populations raises NetworkError (Q1)."""
    proj = _conv((6, 6), post_shape)
    with pytest.raises(NetworkError, match=words):
        proj.connect_filters(weights, **kwargs)


def test_bad_populations_refused():
    """A view, a spiking pre population, a second connect: NetworkError (AnnarrayError)."""
    pre = ann.Population((4, 4), INPUT)
    post = ann.Population((4, 4), OUTPUT)
    with pytest.raises(NetworkError, match="whole Population"):
        Convolution(pre[:2], post, "exc")
    with pytest.raises(NetworkError, match="rate-coded"):
        Convolution(ann.Population((4, 4), ann.Izhikevich), post, "exc")
    proj = Convolution(pre, post, "exc").connect_filter(np.ones((3, 3)))
    with pytest.raises(AnnarrayError, match="already connected"):
        proj.connect_filter(np.ones((3, 3)))
    with pytest.raises(NetworkError, match="shape"):
        proj.w = np.ones((2, 2))
    with pytest.raises(NetworkError, match="no dendrites"):
        proj.dendrite(0)
    with pytest.raises(NetworkError, match="no attribute 'w' to record"):
        ann.Monitor(proj, "w")
