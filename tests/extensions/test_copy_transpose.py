"""Copy and Transpose: transmission through another projection's synapses and weights.

Copy is compared with its original projection (the reference cannot run it, see
docs/reference_facts.md section Q3); Transpose's rate-coded values with W^T y and its
one-step lag measured on the reference (section Q4).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import NetworkError
from annarray.extensions.convolution import Convolution, Copy, Transpose

INPUT = ann.Neuron(parameters="r = 0.0")
OUTPUT = ann.Neuron(equations="r = sum(exc)")


def _original(pre_size=10, post_size=8, seed=1, **kwargs):
    pre, post = ann.Population(pre_size, INPUT), ann.Population(post_size, OUTPUT)
    proj = ann.Projection(pre, post, "exc")
    ann.set_seed(seed)
    proj.connect_fixed_probability(0.5, ann.Uniform(-1.0, 1.0), **kwargs)
    return proj


def test_copy_transmits_like_the_original(paradigm):
    """Same rates on both pre populations -> same sums; other rates -> W @ r of their own."""
    proj = _original()
    pre2, post2 = ann.Population(10, INPUT), ann.Population(8, OUTPUT)
    copy = Copy(pre2, post2, "exc").connect_copy(proj)
    ann.compile()
    rates = np.random.default_rng(2).uniform(-1, 1, 10)
    proj.pre.r, pre2.r = rates, 2 * rates
    ann.step()
    w = proj.connectivity_matrix()
    np.testing.assert_allclose(proj.post.r, w @ rates, atol=1e-12)
    np.testing.assert_allclose(post2.r, w @ (2 * rates), atol=1e-12)
    assert copy.nb_synapses == proj.nb_synapses and copy.size == proj.size


def test_copy_follows_new_weights(paradigm):
    """Weights set on the original after compile reach the copy at the next step."""
    proj = _original()
    post2 = ann.Population(8, OUTPUT)
    copy = Copy(proj.pre, post2, "exc").connect_copy(proj)
    ann.compile()
    rates = np.random.default_rng(3).uniform(-1, 1, 10)
    proj.pre.r = rates
    proj.w = np.linspace(-1, 1, proj.nb_synapses)
    ann.step()
    np.testing.assert_allclose(post2.r, proj.connectivity_matrix() @ rates, atol=1e-12)
    np.testing.assert_allclose(np.concatenate(copy.w), np.linspace(-1, 1, proj.nb_synapses))


def test_copy_with_its_own_operation(paradigm):
    """operation='max': the maximum of w * r over each dendrite of the original."""
    proj = _original()
    post2 = ann.Population(8, OUTPUT)
    Copy(proj.pre, post2, "exc", operation="max").connect_copy(proj)
    ann.compile()
    rates = np.random.default_rng(4).uniform(-1, 1, 10)
    proj.pre.r = rates
    ann.step()
    dense = proj.connectivity_matrix(fill=np.nan)
    expected = np.nanmax(np.where(np.isnan(dense), np.nan, dense * rates), axis=1)
    np.testing.assert_allclose(post2.r, np.nan_to_num(expected), atol=1e-12)


def test_copy_keeps_the_delays(paradigm):
    """The original's delay (2 steps) applies to the copy: same time series."""
    pre = ann.Population(4, ann.Neuron(parameters="k = 1.0", equations="r = k * (t + 1)"))
    pre.k = [1.0, 2.0, 3.0, 4.0]
    post1, post2 = ann.Population(3, OUTPUT), ann.Population(3, OUTPUT)
    proj = ann.Projection(pre, post1, "exc").connect_all_to_all(ann.Uniform(0.0, 1.0), delays=2.0)
    Copy(pre, post2, "exc").connect_copy(proj)
    m1, m2 = ann.Monitor(post1, "r"), ann.Monitor(post2, "r")
    ann.compile()
    ann.simulate(6)
    r1 = m1.get("r")
    np.testing.assert_allclose(m2.get("r"), r1, atol=1e-12)
    assert np.all(r1[:2] == 0.0) and np.all(r1[2:] != 0.0)


def test_bad_copies_refused():
    """Other geometries, shared projections, unconnected ones, setting w: NetworkError."""
    proj = _original()
    with pytest.raises(NetworkError, match="same geometry"):
        Copy(ann.Population(9, INPUT), ann.Population(8, OUTPUT), "exc").connect_copy(proj)
    conv = Convolution(ann.Population(5, INPUT), ann.Population(5, OUTPUT), "exc").connect_filter([1.0, 1.0])
    with pytest.raises(NetworkError, match="only ordinary projections"):
        Copy(ann.Population(5, INPUT), ann.Population(5, OUTPUT), "exc").connect_copy(conv)
    unconnected = ann.Projection(ann.Population(10, INPUT), ann.Population(8, OUTPUT), "exc")
    with pytest.raises(NetworkError, match="no synapses"):
        Copy(ann.Population(10, INPUT), ann.Population(8, OUTPUT), "exc").connect_copy(unconnected)
    copy = Copy(ann.Population(10, INPUT), ann.Population(8, OUTPUT), "exc").connect_copy(proj)
    with pytest.raises(NetworkError, match="set them on that projection"):
        copy.w = 1.0


def test_transpose_rate_coded(paradigm):
    """X -> Y (r = sum(exc)), Transpose into X's sum(fb): s = W^T Y.r of the previous step
    (Q4: 0 after step 0, W^T y after step 1)."""
    x = ann.Population(6, ann.Neuron(parameters="r = 0.0", equations="s = sum(fb)"))
    y = ann.Population(4, OUTPUT)
    proj = ann.Projection(x, y, "exc")
    ann.set_seed(5)
    proj.connect_fixed_probability(0.6, ann.Uniform(-1.0, 1.0))
    back = Transpose(proj, "fb").connect()
    ann.compile()
    rates = np.random.default_rng(6).uniform(-1, 1, 6)
    x.r = rates
    ann.step()
    np.testing.assert_array_equal(x.s, np.zeros(6))
    ann.step()
    w = proj.connectivity_matrix()
    np.testing.assert_allclose(x.s, w.T @ (w @ rates), atol=1e-12)
    np.testing.assert_allclose(back.connectivity_matrix(), w.T)
    assert back.nb_synapses == proj.nb_synapses


def test_transpose_all_to_all_measured(paradigm):
    """All-to-all 0.5 from r = 0 ... 5: Y = 7.5, then s = 15 for every X neuron (measured, Q4)."""
    x = ann.Population(6, ann.Neuron(parameters="r = 0.0", equations="s = sum(fb)"))
    y = ann.Population(4, OUTPUT)
    proj = ann.Projection(x, y, "exc").connect_all_to_all(0.5)
    Transpose(proj, "fb").connect()
    ann.compile()
    x.r = np.arange(6.0)
    ann.simulate(2)
    np.testing.assert_allclose(y.r, np.full(4, 7.5))
    np.testing.assert_allclose(x.s, np.full(6, 15.0))


def test_transpose_spiking(paradigm):
    """Each spike of a forward post neuron adds its forward weights to g_inh of the forward
    pre neurons, one step later (the reference's generated code, Q4)."""
    neuron = ann.Neuron(parameters="I = 0.0", equations="v = I + g_exc - g_inh\nh = g_inh", spike="v > 1.0",
                        reset="v = 0.0")
    a, b = ann.Population(3, neuron), ann.Population(2, neuron)
    weights = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    proj = ann.Projection(a, b, "exc").connect_from_matrix(weights)
    Transpose(proj, "inh").connect()
    m = ann.Monitor(a, "h")
    ann.compile()
    b.I = [2.0, 0.0]  # b[0] spikes at every step
    ann.simulate(3)
    np.testing.assert_allclose(m.get("h"), [[0.0, 0.0, 0.0], [0.1, 0.2, 0.3], [0.1, 0.2, 0.3]])


def test_bad_transposes_refused():
    """Hybrid or delayed forward projections and unconnected ones are refused (Q4)."""
    spiking = ann.Population(3, ann.Izhikevich)
    rate = ann.Population(3, OUTPUT)
    hybrid = ann.Projection(spiking, rate, "exc").connect_all_to_all(1.0)
    with pytest.raises(NetworkError, match="rate-to-rate or spike-to-spike"):
        Transpose(hybrid, "x")
    delayed = ann.Projection(ann.Population(3, INPUT), rate, "exc").connect_all_to_all(1.0, delays=2.0)
    with pytest.raises(NetworkError, match="delays"):
        Transpose(delayed, "x")
    with pytest.raises(NetworkError, match="no synapses"):
        Transpose(ann.Projection(ann.Population(3, INPUT), rate, "exc"), "x")
