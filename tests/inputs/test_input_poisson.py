"""PoissonPopulation: rates as a number, an array, an equation or a target; refractoriness;
bad input.

A neuron spikes at a step when ``Uniform(0, 1) * 1000 / dt < rates``, so with dt = 1 ms the
spike probability per step is ``rates / 1000`` (analytic), and rates of 0 and 1000 Hz give
deterministic trains (no spike / a spike at every step), which ANNarchy 4.8.2 also gives
(measured: 0 and 10000 spikes for 1000 neurons at 0 Hz and 10 neurons at 1000 Hz over
1000 steps).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError


def test_mean_rate_within_binomial_tolerance(paradigm, spike_counts):
    """1000 neurons x 1000 steps at 30 Hz: the count is Binomial(10^6, 0.03); 5 s.d. allowed."""
    pop = ann.PoissonPopulation(1000, rates=30.0)
    ann.compile()
    n, p = 1000 * 1000, 30.0 * 1.0 / 1000.0
    count = spike_counts(pop, 1000)
    assert abs(count - n * p) < 5 * np.sqrt(n * p * (1 - p))


def test_rate_zero_and_saturation(paradigm, spike_counts):
    """Analytic (and measured on ANNarchy 4.8.2): 0 Hz never fires, 1000 Hz (dt = 1) fires
    at every step."""
    silent = ann.PoissonPopulation(100, rates=0.0)
    full = ann.PoissonPopulation(10, rates=1000.0)
    ann.compile()
    assert spike_counts(silent, 200) == 0
    ann.reset()
    assert spike_counts(full, 200) == 10 * 200


def test_rates_array_per_neuron_and_set_later(paradigm, record_spikes):
    """Per-neuron rates [0, 1000, 0, 1000] (measured on ANNarchy 4.8.2: neurons 1 and 3 fire
    at every step); ``pop.rates = ...`` swaps them."""
    pop = ann.PoissonPopulation(4, rates=np.array([0.0, 1000.0, 0.0, 1000.0]))
    ann.compile()
    np.testing.assert_array_equal(pop.rates, [0.0, 1000.0, 0.0, 1000.0])
    first = record_spikes([pop], 5)[pop.name]
    assert sorted({r for _, r in first}) == [1, 3] and len(first) == 10
    pop.rates = [1000.0, 0.0, 1000.0, 0.0]
    second = record_spikes([pop], 5)[pop.name]
    assert sorted({r for _, r in second}) == [0, 2] and len(second) == 10


def test_rates_array_shaped_as_geometry(paradigm, record_spikes):
    rates = np.zeros((2, 3))
    rates[1, 2] = 1000.0
    pop = ann.PoissonPopulation((2, 3), rates=rates)
    ann.compile()
    events = record_spikes([pop], 3)[pop.name]
    assert events == [(0, 5), (1, 5), (2, 5)]


def test_rates_equation_of_t(paradigm, record_spikes):
    """rates = 1000 Hz for 3 <= t < 6: spikes at steps 3, 4, 5 (the step's t is step*dt;
    measured on ANNarchy 4.8.2, same steps)."""
    pop = ann.PoissonPopulation(3, rates="ite((t >= 3.0) and (t < 6.0), 1000.0, 0.0)")
    m = ann.Monitor(pop, "rates")
    ann.compile()
    events = record_spikes([pop], 10)[pop.name]
    assert sorted({s for s, _ in events}) == [3, 4, 5] and len(events) == 9
    np.testing.assert_array_equal(m.get("rates")[:, 0], [0, 0, 0, 1000, 1000, 1000, 0, 0, 0, 0])


def test_rates_equation_with_parameters(paradigm, record_spikes):
    """Extra parameters usable in the equation, and settable (measured on ANNarchy 4.8.2 with
    start = 4: spikes from step 4 on)."""
    pop = ann.PoissonPopulation(2, parameters="amp = 1000.0\nstart = 4.0", rates="ite(t >= start, amp, 0.0)")
    ann.compile()
    events = record_spikes([pop], 8)[pop.name]
    assert sorted({s for s, _ in events}) == [4, 5, 6, 7]
    pop.amp = 0.0
    assert record_spikes([pop], 5)[pop.name] == []


def test_rates_from_target(paradigm, record_spikes):
    """rates = sum(exc) of a rate-coded input (measured on ANNarchy 4.8.2 with inputs
    [0, 1000, -3]: rates reads [0, 1000, -3] from step 0 on and only neuron 1 fires, at every
    step; a negative summed input gives no spike)."""
    inp = ann.InputArray(3)
    inp.r = np.array([0.0, 1000.0, -3.0])
    pop = ann.PoissonPopulation(3, target="exc")
    ann.Projection(inp, pop, "exc").connect_one_to_one(1.0)
    m = ann.Monitor(pop, "rates")
    ann.compile()
    events = record_spikes([pop], 5)[pop.name]
    assert events == [(s, 1) for s in range(5)]
    np.testing.assert_array_equal(m.get("rates"), np.tile([0.0, 1000.0, -3.0], (5, 1)))


def test_refractory_period(paradigm, record_spikes):
    """1000 Hz with a 5 ms refractory period (dt = 1): one spike every 6 steps (measured on
    ANNarchy 4.8.2: steps 0, 6, 12)."""
    pop = ann.PoissonPopulation(2, rates=1000.0, refractory=5.0)
    ann.compile()
    events = record_spikes([pop], 15)[pop.name]
    assert events == [(s, r) for s in (0, 6, 12) for r in (0, 1)]


def test_default_dt_scaling(paradigm, spike_counts):
    """dt = 0.5: 1000 Hz is a spike probability of 0.5 per step (analytic), 2000 Hz saturates."""
    ann.setup(dt=0.5)
    half = ann.PoissonPopulation(1000, rates=1000.0)
    full = ann.PoissonPopulation(10, rates=2000.0)
    ann.compile()
    n = 1000 * 200
    assert abs(spike_counts(half, 200) - n * 0.5) < 5 * np.sqrt(n * 0.25)
    ann.reset()
    assert spike_counts(full, 10) == 100


def test_needs_rates_or_target():
    with pytest.raises(AnnarrayError, match="rates= .* or\\s+target="):
        ann.PoissonPopulation(3)


@pytest.mark.parametrize("rates", [-10.0, np.array([1.0, -2.0, 3.0])])
def test_negative_rates_refused(rates):
    """ANNarchy 4.8.2 accepts negative rates (and emits nothing); annarray refuses them."""
    with pytest.raises(AnnarrayError, match="must be >= 0 Hz"):
        ann.PoissonPopulation(3, rates=rates)


def test_negative_rates_refused_when_set(paradigm):
    pop = ann.PoissonPopulation(3, rates=10.0)
    ann.compile()
    with pytest.raises(AnnarrayError, match="must be >= 0 Hz"):
        pop.rates = [1.0, -1.0, 0.0]
    np.testing.assert_array_equal(pop.rates, [10.0, 10.0, 10.0])


def test_rates_array_size_mismatch_refused():
    with pytest.raises(AnnarrayError, match="4 values for 3 neurons"):
        ann.PoissonPopulation(3, rates=np.ones(4))
    assert ann.populations() == []


def test_rates_and_target_together_refused():
    with pytest.raises(AnnarrayError, match="not both"):
        ann.PoissonPopulation(3, rates=1.0, target="exc")
