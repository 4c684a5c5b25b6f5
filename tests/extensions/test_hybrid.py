"""Spike2RatePopulation and Rate2SpikePopulation against hand computations.

ANNarchy 4.8.2 does not run these classes (docs/reference_facts.md section Q5); the expected
values follow the rules of their code, computed by hand from known spike times: a
SpikeSourceArray neuron firing at steps 5, 15, 25, 35, 45 (seen one step later).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import NetworkError
from annarray.extensions.hybrid import Rate2SpikePopulation, Spike2RatePopulation

TIMES = [[5, 15, 25, 35, 45], [10, 30, 50], []]


def _record(steps=70, **kwargs):
    source = ann.SpikeSourceArray(TIMES)
    pop = Spike2RatePopulation(source, **kwargs)
    m = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(steps)
    return m.get("r")


def _window_rate(times, window, steps, dt=1.0):
    """1000 * (spikes at steps t - window .. t - 1) / window, for each step t."""
    counts = [sum(1 for s in times if t - window <= s <= t - 1) for t in range(steps)]
    return 1000.0 * np.array(counts) / (window * dt)


def test_window_mode_counts_the_last_window(paradigm):
    """window = 20 ms: 50 Hz per spike in the last 20 steps (Q5: 0 up to step 5, 50 from 6,
    100 from 16, 50 from 56 for neuron 0)."""
    r = _record(mode="window", window=20.0)
    for i, times in enumerate(TIMES):
        np.testing.assert_allclose(r[:, i], _window_rate(times, 20, 70))


def test_smoothing_and_scaling(paradigm):
    """r += dt (rate / scaling - r) / smooth with smooth = 5, scaling = 10."""
    r = _record(mode="window", window=20.0, smooth=5.0, scaling=10.0)
    goal = _window_rate(TIMES[0], 20, 70) / 10.0
    expected, value = [], 0.0
    for g in goal:
        value += (g - value) / 5.0
        expected.append(value)
    np.testing.assert_allclose(r[:, 0], expected, atol=1e-12)


def _isi_rate(times, steps, cut, dt=1.0):
    """The 'isi' rule step by step (section Q5)."""
    last, isi, support, out = -10000, 10000.0, 10000.0, []
    for t in range(steps):
        if (t - 1) in times:
            isi = support = float((t - 1) - last)
            last = t - 1
        elif t - last <= isi:
            pass
        elif t - last <= cut * isi:
            support += 1.0
        else:
            support = 10000.0
        out.append(1000.0 / (support * dt))
    return np.array(out)


def test_isi_mode(paradigm):
    """Neuron 0: 0.1 Hz until step 15, 100 Hz from 16, then 90.91, 83.33 ... from step 56
    (one more step of support per step), back to 0.1 after cut = 3 intervals."""
    r = _record(steps=100, mode="isi", cut=3.0)
    for i, times in enumerate(TIMES):
        np.testing.assert_allclose(r[:, i], _isi_rate(times, 100, 3.0), rtol=1e-12)
    assert r[16, 0] == 100.0 and r[56, 0] == pytest.approx(1000.0 / 11.0)


def test_adaptive_mode_in_steady_firing(paradigm):
    """A neuron firing every 10 steps: its window relaxes towards clip(5 * 10, 20, 20) =
    20 ms and counts the spikes of int(20 / dt) + 1 = 21 steps: 2 or 3 spikes, 100 or 150 Hz."""
    source = ann.SpikeSourceArray([list(range(0, 400, 10))])
    pop = Spike2RatePopulation(source, mode="adaptive", window=20.0)
    m = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(400)
    r = m.get("r")[100:, 0]
    steps = np.arange(100, 400)
    expected = np.where((steps - 1) % 10 == 0, 150.0, 100.0)
    np.testing.assert_allclose(r, expected)


def test_spike2rate_reset_forgets_the_spikes(paradigm):
    """After ann.reset(), the window starts empty again (same record as the first run)."""
    source = ann.SpikeSourceArray(TIMES)
    pop = Spike2RatePopulation(source, window=20.0)
    m = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(30)
    first = m.get("r")
    ann.reset()
    ann.simulate(30)
    np.testing.assert_allclose(m.get("r"), first)


def test_rate2spike_fires_at_the_scaled_rate(paradigm):
    """r = 0.05 with scaling 1000 -> 50 Hz: 1000 neurons over 200 steps emit about 10000
    spikes (binomial: mean 10000, sd 97); r = 0 emits none."""
    ann.set_seed(12)
    rate = ann.Population(1000, ann.Neuron(parameters="r = 0.05"))
    silent = ann.Population(10, ann.Neuron(parameters="r = 0.0"))
    spikes, none = Rate2SpikePopulation(rate, scaling=1000.0), Rate2SpikePopulation(silent, scaling=1000.0)
    m, m0 = ann.Monitor(spikes, "spike"), ann.Monitor(none, "spike")
    ann.compile()
    ann.simulate(200)
    total = sum(len(v) for v in m.get("spike").values())
    assert abs(total - 10000) < 5 * 97
    assert sum(len(v) for v in m0.get("spike").values()) == 0


def test_rate2spike_refractory_period(paradigm):
    """r at 1000 Hz (a spike each possible step) with refractory = 3 ms: one spike every 4 steps."""
    rate = ann.Population(2, ann.Neuron(parameters="r = 1000.0"))
    pop = Rate2SpikePopulation(rate, refractory=3.0)
    m = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(20)
    assert m.get("spike")[0] == [0, 4, 8, 12, 16]


def test_network_copy_of_hybrid_populations(paradigm):
    """Network(everything=True) rebuilds the populations and their internal projections once."""
    source = ann.SpikeSourceArray(TIMES)
    Spike2RatePopulation(source, window=20.0, name="s2r")
    net = ann.Network(everything=True)
    assert len(net.projections) == 1
    net.compile()
    net.simulate(30)
    np.testing.assert_allclose(net.get_population("s2r").r[0], _window_rate(TIMES[0], 20, 30)[29])


@pytest.mark.parametrize("kwargs,words", [({"mode": "rate"}, "mode"), ({"window": 0.0}, "window"),
                                          ({"smooth": -1.0}, "smooth"), ({"scaling": 0}, "scaling")])
def test_spike2rate_bad_arguments(kwargs, words):
    """Unknown mode and non-positive numbers: NetworkError."""
    with pytest.raises(NetworkError, match=words):
        Spike2RatePopulation(ann.SpikeSourceArray(TIMES), **kwargs)


def test_wrong_population_types_refused():
    """Spike2Rate needs spiking neurons, Rate2Spike rate-coded ones (as the reference)."""
    rate = ann.Population(3, ann.Neuron(parameters="r = 0.0"))
    with pytest.raises(NetworkError, match="spiking"):
        Spike2RatePopulation(rate)
    with pytest.raises(NetworkError, match="rate-coded"):
        Rate2SpikePopulation(ann.SpikeSourceArray(TIMES))
