"""CurrentInjection, DecodingProjection and InputArray: values step by step, bad input.

All expected rows were measured on ANNarchy 4.8.2 with the same scripts (dt = 1 ms; row k
of a Monitor is the value after step k).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError


def _ramp():
    """Rate-coded neurons with r = k (t + 1): r after step n is k (n + 1)."""
    pre = ann.Population(3, ann.Neuron(parameters="k = 1.0", equations="r = k*(t + 1)"))
    pre.k = [1.0, 2.0, -1.0]
    return pre


# -- CurrentInjection -------------------------------------------------------------------------
def test_current_injection_values(paradigm):
    """g_exc during step n is pre.r after step n - 1 (measured: v row n = n k)."""
    pre = _ramp()
    post = ann.Population(3, ann.Neuron(equations="v = g_exc\nu = g_inh", spike="v > 1e9"))
    proj = ann.CurrentInjection(pre, post, "exc")
    proj.connect_current()
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(8)
    np.testing.assert_array_equal(m.get("v"), np.outer(np.arange(8), [1.0, 2.0, -1.0]))


def test_current_injection_into_conductance_with_its_own_equation(paradigm):
    """tau dg/dt = -g (tau = 2) plus the injection: measured v rows 0.5, 1.25, 2.125, ... for
    k = 1 (g += r, then g halves)."""
    pre = _ramp()
    post = ann.Population(3, ann.Neuron(parameters="tau = 2.0", equations="tau*dg_exc/dt = -g_exc\nv = g_exc",
                                        spike="v > 1e9"))
    ann.CurrentInjection(pre, post, "exc").connect_current()
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(6)
    expected = [0.0, 0.5, 1.25, 2.125, 3.0625, 4.03125]
    np.testing.assert_allclose(m.get("v"), np.outer(expected, [1.0, 2.0, -1.0]), rtol=1e-12)


def test_current_injection_drives_spikes(paradigm, record_spikes):
    """A constant injected current of 2 into v = g_exc with threshold 1.5: the neuron spikes
    at every step from step 1 on (the rate of step 0 arrives at step 1)."""
    inp = ann.InputArray(2)
    inp.r = [2.0, 1.0]
    post = ann.Population(2, ann.Neuron(equations="v = g_exc", spike="v > 1.5"))
    ann.CurrentInjection(inp, post, "exc").connect_current()
    ann.compile()
    assert record_spikes([post], 4)[post.name] == [(s, 0) for s in range(4)]


def test_current_injection_between_views(paradigm):
    pre = ann.InputArray(4)
    pre.r = [1.0, 2.0, 3.0, 4.0]
    post = ann.Population(4, ann.Neuron(equations="v = g_exc", spike="v > 1e9"))
    ann.CurrentInjection(pre[2:], post[:2], "exc").connect_current()
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(2)
    np.testing.assert_array_equal(m.get("v")[1], [3.0, 4.0, 0.0, 0.0])


@pytest.mark.parametrize("case, message", [
    ("spiking pre", "must be rate-coded"),
    ("rate post", "must be spiking"),
    ("size", "same size"),
    ("no conductance", "no conductance g_inh"),
])
def test_current_injection_bad_populations(case, message):
    """Measured: ANNarchy 4.8.2 refuses the first three too."""
    rate = ann.InputArray(3)
    spiking = ann.Population(3, ann.Neuron(equations="v = g_exc", spike="v > 1"))
    pre, post, target = {
        "spiking pre": (spiking, spiking, "exc"),
        "rate post": (rate, rate, "exc"),
        "size": (ann.InputArray(4), spiking, "exc"),
        "no conductance": (rate, spiking, "inh"),
    }[case]
    with pytest.raises(AnnarrayError, match=message):
        ann.CurrentInjection(pre, post, target)
    assert ann.projections() == []


def test_current_injection_only_one_to_one():
    proj = ann.CurrentInjection(ann.InputArray(3), ann.Population(3, ann.Neuron(equations="v = g_exc", spike="v > 1")),
                                "exc")
    with pytest.raises(AnnarrayError, match="connect_current"):
        proj.connect_all_to_all(1.0)
    with pytest.raises(AnnarrayError, match="no delay"):
        proj.connect_one_to_one(1.0, delays=2.0)


# -- DecodingProjection -----------------------------------------------------------------------
SPIKES = [[2.0, 3.0, 4.0], [3.0], [3.0, 8.0], []]


def test_decoding_window_one_step(paradigm):
    """window 0 (= dt): sum(exc) = weighted spike count of the previous step * 1000/dt / n_pre
    (n_pre = 4). Measured rows: 0, 0, 0, 250, 750, 250, 0, 0, 0, 250, 0."""
    pre = ann.SpikeSourceArray(SPIKES)
    post = ann.Population(2, ann.Neuron(equations="r = sum(exc)"))
    proj = ann.DecodingProjection(pre, post, "exc")
    proj.connect_all_to_all(1.0)
    assert proj.window == 1.0
    m = ann.Monitor(post, "r")
    ann.compile()
    ann.simulate(11)
    expected = [0, 0, 0, 250, 750, 250, 0, 0, 0, 250, 0]
    np.testing.assert_allclose(m.get("r"), np.repeat(np.array(expected, float)[:, None], 2, axis=1))


def test_decoding_window_three_steps(paradigm):
    """window 3 ms: the counts of the last 3 steps / 3. Measured rows (x 1/12 kHz): 0, 0, 0,
    1, 4, 5, 4, 1, 0, 1, 1, 1, 0."""
    pre = ann.SpikeSourceArray(SPIKES)
    post = ann.Population(2, ann.Neuron(equations="r = sum(inh)"))
    ann.DecodingProjection(pre, post, "inh", window=3.0).connect_all_to_all(1.0, force_multiple_weights=True)
    m = ann.Monitor(post, "r")
    ann.compile()
    ann.simulate(13)
    expected = np.array([0, 0, 0, 1, 4, 5, 4, 1, 0, 1, 1, 1, 0]) * 1000.0 / 12.0
    np.testing.assert_allclose(m.get("r")[:, 0], expected, rtol=1e-12)


def test_decoding_weights_and_partial_connectivity(paradigm):
    """Weights from a matrix, window 2.5 ms (→ 2 steps); each post neuron divides by its own
    number of synapses (2 and 3). Measured rows: [250, 83.33], [1000, 833.33], [1000,
    833.33], [250, 83.33], [0, 0], [0, 0], [0, 666.67], [0, 666.67], then 0, from step 3 on."""
    pre = ann.SpikeSourceArray(SPIKES)
    post = ann.Population(2, ann.Neuron(equations="r = sum(exc)"))
    proj = ann.DecodingProjection(pre, post, "exc", window=2.5)
    proj.connect_from_matrix(np.array([[1.0, 2.0, None, None], [0.5, None, 4.0, 1.0]]))
    m = ann.Monitor(post, "r")
    ann.compile()
    ann.simulate(13)
    expected = np.zeros((13, 2))
    expected[3:11] = [[250, 1000 / 12], [1000, 2500 / 3], [1000, 2500 / 3], [250, 1000 / 12], [0, 0], [0, 0],
                      [0, 2000 / 3], [0, 2000 / 3]]
    np.testing.assert_allclose(m.get("r"), expected, rtol=1e-12)


def test_decoding_poisson_rate(paradigm):
    """1000 Poisson neurons at 100 Hz decoded over 50 ms: the mean decoded value over 500
    steps is 100 Hz within Poisson noise (analytic; w = 1/100 maps 100 Hz to 1.0)."""
    pre = ann.PoissonPopulation(1000, rates=100.0)
    post = ann.Population(1, ann.Neuron(equations="r = sum(exc)"))
    ann.DecodingProjection(pre, post, "exc", window=50.0).connect_all_to_all(0.01)
    m = ann.Monitor(post, "r")
    ann.compile()
    ann.simulate(550)
    r = m.get("r")[50:, 0]
    # the mean of the 500 windows is about a binomial count of 500 x 1000 trials with
    # p = 0.1, divided by its mean: relative s.d. sqrt(0.9 / 5e4) = 0.0042; 6 s.d. allowed
    assert abs(r.mean() - 1.0) < 6 * np.sqrt(0.9 / (500 * 1000 * 0.1))


def test_decoding_reset_forgets_the_window(paradigm):
    pre = ann.SpikeSourceArray([[1.0]])
    post = ann.Population(1, ann.Neuron(equations="r = sum(exc)"))
    proj = ann.DecodingProjection(pre, post, "exc", window=10.0)
    proj.connect_all_to_all(1.0)
    ann.compile()
    ann.simulate(4)
    assert post.r[0] == pytest.approx(100.0)
    proj.reset()
    ann.simulate(1)
    assert post.r[0] == 0.0


@pytest.mark.parametrize("case, message", [
    ("rate pre", "must be\\s+spiking"),
    ("spiking post", "must be\\s+rate-coded"),
    ("short window", "shorter than\\s+dt"),
])
def test_decoding_bad_arguments(case, message):
    """Measured: ANNarchy 4.8.2 refuses the first two too."""
    rate = ann.InputArray(3)
    spiking = ann.SpikeSourceArray([[1.0], [2.0]])
    pre, post, window = {"rate pre": (rate, rate, 0.0), "spiking post": (spiking, spiking, 0.0),
                         "short window": (spiking, rate, 0.4)}[case]
    with pytest.raises(AnnarrayError, match=message):
        ann.DecodingProjection(pre, post, "exc", window=window)


# -- InputArray -------------------------------------------------------------------------------
def test_input_array_values_and_transmission(paradigm):
    """r set between two simulate() calls is read by the projection at the next step."""
    inp = ann.InputArray(3)
    inp.r = [1.0, 2.0, 3.0]
    reader = ann.Population(3, ann.Neuron(equations="r = sum(exc)"))
    ann.Projection(inp, reader, "exc").connect_one_to_one(2.0)
    m_in, m_out = ann.Monitor(inp, "r"), ann.Monitor(reader, "r")
    ann.compile()
    ann.simulate(2)
    inp.r = [0.0, 5.0, 0.0]
    ann.simulate(2)
    np.testing.assert_array_equal(m_in.get("r"), [[1, 2, 3], [1, 2, 3], [0, 5, 0], [0, 5, 0]])
    np.testing.assert_array_equal(m_out.get("r"), [[2, 4, 6], [2, 4, 6], [0, 10, 0], [0, 10, 0]])


def test_input_array_reset_and_geometry(paradigm):
    inp = ann.InputArray((2, 2))
    inp.r = np.ones((2, 2))
    ann.compile()
    inp.r = np.zeros((2, 2))
    inp.reset()
    np.testing.assert_array_equal(inp.r, np.ones((2, 2)))
