"""Spiking neurons: spike emission, reset, refractory period, t_last, conductances, axonal
spikes, mean firing rate and bad input.

Reference numbers were measured on ANNarchy 4.8.2 (docs/reference_facts.md, section K);
analytic ones are derived at each test.
"""

import math

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError, ModelError, NetworkError, ParserError


def run_collecting(pop, steps):
    """Steps ``steps`` times; {rank: [step indices of its spikes]} from ``pop.spike``."""
    spikes = {}
    for i in range(steps):
        ann.step()
        for rank in pop.spike:
            spikes.setdefault(int(rank), []).append(i)
    return spikes


def leaky_if(refractory=None):
    """``tau dv/dt = I - v`` integrated exactly (exponential method), threshold 1, reset 0."""
    return ann.Neuron(
        parameters="tau = 10.0\nI = 2.0\nvt = 1.0",
        equations="tau * dv/dt = I - v : exponential",
        spike="v > vt",
        reset="v = 0.0",
        refractory=refractory,
    )


def facts_k_neuron():
    """The neuron measured on the reference in FACTS §K (dt = 0.5)."""
    return ann.Neuron(
        parameters="tau = 10.0\nI = 2.0\ntref = 2.0\nvt = 1.0",
        equations="""
            a = v + 1.0
            tau * dv/dt = I - v + g_exc - g_inh
            dq/dt = 1.0
            tls = t_last
            tt = t
            ge_rec = g_exc
            cnt = cnt + 1 : unless_refractory
        """,
        spike="v > vt",
        reset="v = 0.0\nq = -1.0",
        axon_spike="v > 0.5",
        axon_reset="a = 100.0",
        refractory="tref",
    )


def facts_k_population():
    ann.setup(dt=0.5)
    pop = ann.Population(3, facts_k_neuron())
    pop.I = [2.0, 3.0, 0.5]
    return pop


# -- spike emission and reset ----------------------------------------------------------------
def test_constant_current_isi_matches_analytic(paradigm):
    # v(t) = I (1 - exp(-t/tau)) reaches vt at T = tau ln(I / (I - vt)) = 10 ln 2 = 6.93 ms;
    # the exact integration crosses in the step ending at ceil(T/dt) * dt, then resets to 0
    ann.setup(dt=0.1)
    pop = ann.Population(1, leaky_if())
    ann.compile()
    spikes = run_collecting(pop, 400)[0]
    crossing = 10.0 * math.log(2.0 / (2.0 - 1.0))
    n = math.ceil(crossing / 0.1)
    assert spikes[0] == n - 1  # step index n-1 computes v after n steps
    isi = np.diff(spikes) * 0.1
    np.testing.assert_allclose(isi, n * 0.1, atol=1e-12)
    assert abs(isi[0] - crossing) < 0.1


def test_refractory_period_adds_whole_steps_to_isi(paradigm):
    # the neuron is frozen for refractory/dt = 20 steps after each spike, then crosses again
    # after the same 70 steps as without refractoriness
    ann.setup(dt=0.1)
    pop = ann.Population(1, leaky_if(refractory=2.0))
    ann.compile()
    spikes = run_collecting(pop, 400)[0]
    np.testing.assert_array_equal(np.diff(spikes), 70 + 20)


def test_reference_spike_steps_with_refractory_parameter(paradigm):
    # measured (FACTS §K): spike steps {0: [13, 31, 49], 1: [7, 19, 31, 43, 55], 2: []}
    pop = facts_k_population()
    ann.compile()
    assert run_collecting(pop, 60) == {0: [13, 31, 49], 1: [7, 19, 31, 43, 55]}


def test_reset_runs_in_the_spike_step_sequentially(paradigm):
    # the reset of the spike step is what monitors see; 'u += v + 1' reads the v just reset
    n = ann.Neuron(equations="dv/dt = 0.4\nu = u", spike="v > 1.0", reset="v = -0.5\nu += v + 1.0")
    pop = ann.Population(1, n)
    m = ann.Monitor(pop, ["v", "u"])
    ann.compile()
    ann.simulate(4)
    np.testing.assert_allclose(m.get("v")[:, 0], [0.4, 0.8, 1.2 - 1.7, -0.1])
    np.testing.assert_allclose(m.get("u")[:, 0], [0.0, 0.0, 0.5, 0.5])


def test_spike_ranks_list_the_neurons_that_spiked(paradigm):
    n = ann.Neuron(parameters="k = 0.0", equations="v = k", spike="v > 0.5", reset="v = 0.0")
    pop = ann.Population(6, n)
    pop.k = [1.0, 0.0, 1.0, 0.0, 0.0, 1.0]
    ann.compile()
    ann.step()
    np.testing.assert_array_equal(pop.spike, [0, 2, 5])
    assert pop._spike_count == 3
    ranks = pop._net.backend().to_host(pop._spike_ranks)
    np.testing.assert_array_equal(ranks, [0, 2, 5])
    np.testing.assert_array_equal(ranks, np.flatnonzero(pop._net.backend().to_host(pop._state["_spiked"])))


def test_spike_attribute_is_empty_without_spikes(paradigm):
    pop = ann.Population(3, leaky_if())
    ann.compile()
    ann.step()
    assert pop.spike.shape == (0,)


def test_spike_access_before_compile_is_refused():
    pop = ann.Population(3, leaky_if())
    with pytest.raises(NetworkError, match="after compile"):
        _ = pop.spike


def test_spiking_neuron_gets_a_rate_variable():
    pop = ann.Population(3, facts_k_neuron())
    # measured order: parameters, variables, then r, then the conductances
    assert pop.attributes == ["tau", "I", "tref", "vt", "a", "v", "q", "tls", "tt", "ge_rec", "cnt",
                              "r", "g_exc", "g_inh"]


# -- refractory period -----------------------------------------------------------------------
def test_refractory_freezes_assignments_and_odes(paradigm):
    # measured (FACTS §K): after the spike at step 13 the neuron keeps its values for
    # tref/dt = 4 steps (t, the counter and q stay), and resumes at step 18
    pop = facts_k_population()
    m = ann.Monitor(pop, ["tt", "cnt", "q"])
    ann.compile()
    ann.simulate(10.0)
    np.testing.assert_allclose(m.get("tt")[12:19, 0], [6.0, 6.5, 6.5, 6.5, 6.5, 6.5, 9.0])
    np.testing.assert_allclose(m.get("cnt")[12:19, 0], [13, 14, 14, 14, 14, 14, 15])
    np.testing.assert_allclose(m.get("q")[12:19, 0], [6.5, -1.0, -1.0, -1.0, -1.0, -1.0, -0.5])


def test_refractory_counter_counts_down_from_the_period(paradigm):
    pop = facts_k_population()
    ann.compile()
    ann.simulate(7.0)  # 14 steps: neuron 0 spiked at step index 13
    counter = pop._state["_refractory_remaining"]
    seen = []
    for _ in range(5):
        seen.append(int(counter[0]))
        ann.step()
    assert seen == [4, 3, 2, 1, 0]


def test_conductances_and_globals_run_during_refractory_period(paradigm):
    ann.setup(dt=1.0)
    n = ann.Neuron(
        equations="dv/dt = 2.0\ntau_g * dg_x/dt = -g_x : exponential\nn = n + 1 : population",
        parameters="tau_g = 10.0",
        spike="v > 1.0",
        reset="v = 0.0",
        refractory=5.0,
    )
    pop = ann.Population(1, n)
    m = ann.Monitor(pop, ["g_x", "n"])
    ann.compile()
    pop.g_x = 1.0
    ann.simulate(4)
    np.testing.assert_allclose(m.get("g_x")[:, 0], np.exp(-np.arange(1, 5) / 10.0))
    np.testing.assert_allclose(m.get("n"), [1, 2, 3, 4])


def test_per_neuron_refractory_set_after_compile(paradigm):
    # measured: refractory=5.0 in the neuron, then pop.refractory = [0, 1, 2.55] after compile
    # (dt=0.1, spikes whenever free): spike steps 0,1,2... / 0,11,22 / 0,26,52 (2.55 ms
    # truncates to 25 steps); pop.refractory reads [0, 1, 2.5]
    ann.setup(dt=0.1)
    n = ann.Neuron(parameters="I = 20.0", equations="dv/dt = I - v", spike="v > 1.0", reset="v = 0.0",
                   refractory=5.0)
    pop = ann.Population(3, n)
    ann.compile()
    np.testing.assert_allclose(pop.refractory, [5.0, 5.0, 5.0])
    pop.refractory = [0.0, 1.0, 2.55]
    np.testing.assert_allclose(pop.refractory, [0.0, 1.0, 2.5])
    spikes = run_collecting(pop, 60)
    assert spikes[0][:4] == [0, 1, 2, 3]
    assert spikes[1][:4] == [0, 11, 22, 33]
    assert spikes[2] == [0, 26, 52]


def test_refractory_period_is_truncated_to_whole_steps(paradigm):
    # measured: refractory=0.3 with dt=0.1 gives 2 steps (0.3/0.1 = 2.9999999999999996)
    ann.setup(dt=0.1)
    n = ann.Neuron(parameters="I = 20.0", equations="dv/dt = I - v", spike="v > 1.0", reset="v = 0.0",
                   refractory=0.3)
    pop = ann.Population(1, n)
    ann.compile()
    assert run_collecting(pop, 10)[0] == [0, 3, 6, 9]


def test_refractory_set_on_population_before_compile(paradigm):
    # measured: a neuron without refractory, pop.refractory = 1.0 before compile (dt=0.1)
    ann.setup(dt=0.1)
    n = ann.Neuron(parameters="I = 20.0", equations="dv/dt = I - v", spike="v > 1.0", reset="v = 0.0")
    pop = ann.Population(2, n)
    pop.refractory = 1.0
    assert pop.refractory == 1.0
    ann.compile()
    np.testing.assert_allclose(pop.refractory, [1.0, 1.0])
    assert run_collecting(pop, 30) == {0: [0, 11, 22], 1: [0, 11, 22]}


def test_refractory_added_after_compile(paradigm):
    ann.setup(dt=0.1)
    n = ann.Neuron(parameters="I = 20.0", equations="dv/dt = I - v", spike="v > 1.0", reset="v = 0.0")
    pop = ann.Population(1, n)
    ann.compile()
    assert pop.refractory is None
    pop.refractory = 0.5
    assert run_collecting(pop, 13)[0] == [0, 6, 12]


def test_refractory_linked_to_a_parameter_follows_it(paradigm):
    pop = facts_k_population()
    ann.compile()
    np.testing.assert_allclose(pop.refractory, [2.0, 2.0, 2.0])
    pop.refractory = 7.0  # linked to 'tref': ignored with a warning, as the reference does
    np.testing.assert_allclose(pop.refractory, [2.0, 2.0, 2.0])
    pop.tref = 1.0
    np.testing.assert_allclose(pop.refractory, [1.0, 1.0, 1.0])
    assert run_collecting(pop, 32)[0] == [13, 29]  # 14 steps to cross + 2 frozen


# -- t_last, conductances, axonal spikes, firing rate ---------------------------------------
def test_t_last_is_the_time_of_the_last_spike_in_ms(paradigm):
    # measured (FACTS §K, dt=0.5): -10000*dt before the first spike; 6.5 ms after the spike at
    # step 13 (seen from step 18, the end of the refractory period); 15.5 after step 31
    pop = facts_k_population()
    m = ann.Monitor(pop, "tls")
    ann.compile()
    ann.simulate(20.0)
    tls = m.get("tls")[:, 0]
    np.testing.assert_allclose(tls[:18], -5000.0)
    np.testing.assert_allclose(tls[18:36], 6.5)
    np.testing.assert_allclose(tls[36:40], 15.5)


def test_t_last_spike_is_an_alias_of_t_last(paradigm):
    # v = 1, 2 (spike at step 1), 1, 2 (spike at step 3): x and y read 3 ms in step 4
    n = ann.Neuron(equations="dv/dt = 1.0\nx = t_last_spike\ny = t_last", spike="v > 1.5", reset="v = 0.0")
    pop = ann.Population(1, n)
    ann.compile()
    ann.simulate(5)
    assert pop.x[0] == pop.y[0] == 3.0


def test_undeclared_conductance_is_reset_after_each_step(paradigm):
    # measured: a g_exc without equation reads the input of the step, then goes back to 0
    n = ann.Neuron(equations="ge_rec = g_exc\ndv/dt = -v", spike="v > 1000.0", reset="v = 0.0")
    pop = ann.Population(2, n)
    ann.compile()
    pop.g_exc = [2.0, 3.0]
    ann.step()
    np.testing.assert_allclose(pop.ge_rec, [2.0, 3.0])
    np.testing.assert_allclose(pop.g_exc, [0.0, 0.0])
    ann.step()
    np.testing.assert_allclose(pop.ge_rec, [0.0, 0.0])


def test_conductance_with_its_own_equation_is_not_reset(paradigm):
    ann.setup(dt=0.1)
    pop = ann.Population(1, ann.IF_curr_exp())
    ann.compile()
    pop.g_exc = 2.0
    ann.step()
    np.testing.assert_allclose(pop.g_exc, 2.0 * np.exp(-0.1 / 5.0))


def test_conductance_targets_are_population_targets(paradigm):
    pop = ann.Population(2, ann.IF_cond_exp())
    ann.compile()
    assert pop.targets == ["exc", "inh"]
    pop.g_inh = 4.0
    np.testing.assert_allclose(pop.sum("inh"), [4.0, 4.0])


def test_axon_spike_excludes_neurons_that_spiked(paradigm):
    # measured (FACTS §K): 'a' takes the axonal reset 100 from step 5 to 12 (0.5 < v <= 1),
    # not at the spike step 13 (v already reset), nor during the refractory period
    pop = facts_k_population()
    m = ann.Monitor(pop, ["a", "v"])
    ann.compile()
    axonal = {}
    for i in range(20):
        ann.step()
        ranks = pop._net.backend().to_host(pop._axon_ranks)
        assert pop._axon_count == len(ranks)
        assert not set(ranks) & set(pop.spike)
        for r in ranks:
            axonal.setdefault(int(r), []).append(i)
    assert axonal[0] == list(range(5, 13))
    data = m.get()
    a, v = data["a"][:, 0], data["v"][:, 0]
    np.testing.assert_allclose(a[5:13], 100.0)
    np.testing.assert_allclose(a[13:18], v[12] + 1.0)  # computed in step 13, then frozen
    np.testing.assert_allclose(a[13], 1.9733, atol=1e-4)  # measured


def test_compute_firing_rate_counts_spikes_in_window(paradigm):
    # measured (FACTS §K): window 5 ms (10 steps at dt=0.5), after 60 steps r = [0, 200, 0]
    pop = facts_k_population()
    ann.compile()
    pop.compute_firing_rate(5.0)
    ann.simulate(30.0)
    np.testing.assert_allclose(pop.r, [0.0, 200.0, 0.0])


def test_compute_firing_rate_before_compile(paradigm):
    # measured: refractory 1 ms, dt=0.1, 30 ms, window 10 ms → 9 spikes in window → 900 Hz
    ann.setup(dt=0.1)
    n = ann.Neuron(parameters="I = 20.0", equations="dv/dt = I - v", spike="v > 1.0", reset="v = 0.0",
                   refractory=1.0)
    pop = ann.Population(2, n)
    pop.compute_firing_rate(10.0)
    ann.compile()
    ann.simulate(30.0)
    np.testing.assert_allclose(pop.r, [900.0, 900.0])


def test_rate_stays_zero_without_compute_firing_rate(paradigm):
    pop = ann.Population(1, leaky_if())
    ann.compile()
    ann.simulate(50.0)
    assert pop.r[0] == 0.0


def test_compute_firing_rate_refused_for_rate_coded():
    pop = ann.Population(1, ann.LeakyIntegrator())
    with pytest.raises(NetworkError, match="spiking"):
        pop.compute_firing_rate(10.0)


def test_reset_clears_spike_history(paradigm):
    # measured: after pop.reset(), t_last is back to -10000*dt and the neuron is not refractory
    ann.setup(dt=0.1)
    n = ann.Neuron(parameters="I = 20.0", equations="dv/dt = I - v\ntls = t_last", spike="v > 1.0",
                   reset="v = 0.0", refractory=5.0)
    pop = ann.Population(3, n)
    ann.compile()
    ann.simulate(30.5)
    pop.reset()
    assert pop.spike.shape == (0,)
    ann.step()
    np.testing.assert_allclose(pop.tls, [-1000.0] * 3)
    np.testing.assert_array_equal(pop.spike, [0, 1, 2])


def test_disabled_population_emits_no_spikes(paradigm):
    n = ann.Neuron(equations="v = 1.0", spike="v > 0.5", reset="v = 0.0")
    pop = ann.Population(2, n)
    ann.compile()
    ann.step()
    assert len(pop.spike) == 2
    pop.disable()
    ann.step()
    assert pop._spike_count == 0 and len(pop.spike) == 0


# -- bad input -------------------------------------------------------------------------------
def test_spike_condition_with_unknown_variable():
    pop = ann.Population(1, ann.Neuron(equations="dv/dt = 1.0", spike="v > v_th", name="cell"))
    with pytest.raises(ParserError, match=r"cell.*v > v_th.*'v_th'"):
        ann.compile()
    assert pop not in ann.populations()


def test_reset_of_unknown_variable():
    ann.Population(1, ann.Neuron(equations="dv/dt = 1.0", spike="v > 1.0", reset="w = 0.0", name="cell"))
    with pytest.raises(ParserError, match=r"cell.*w = 0.0"):
        ann.compile()


def test_reset_reading_unknown_name():
    ann.Population(1, ann.Neuron(equations="dv/dt = 1.0", spike="v > 1.0", reset="v = v_r", name="cell"))
    with pytest.raises(ParserError, match=r"cell.*v = v_r.*'v_r'"):
        ann.compile()


def test_axon_spike_with_unknown_variable():
    ann.Population(1, ann.Neuron(equations="dv/dt = 1.0", spike="v > 1.0", axon_spike="x > 1", name="cell"))
    with pytest.raises(ParserError, match=r"cell.*x > 1"):
        ann.compile()


def test_negative_refractory_period():
    with pytest.raises(ModelError, match=r"cell.*refractory.*>= 0"):
        ann.Neuron(equations="dv/dt = 1.0", spike="v > 1.0", refractory=-2.0, name="cell")


def test_negative_refractory_parameter():
    with pytest.raises(ModelError, match=r"cell.*'tref' is negative"):
        ann.Neuron(parameters="tref = -1.0", equations="dv/dt = 1.0", spike="v > 1.0", refractory="tref",
                   name="cell")


def test_refractory_naming_unknown_parameter():
    with pytest.raises(ModelError, match=r"cell.*refractory='tau_ref'.*no parameter"):
        ann.Neuron(equations="dv/dt = 1.0", spike="v > 1.0", refractory="tau_ref", name="cell")


def test_negative_refractory_on_population():
    pop = ann.Population(2, leaky_if())
    with pytest.raises(NetworkError, match=">= 0"):
        pop.refractory = -1.0


def test_spiking_neuron_declaring_r():
    with pytest.raises(ModelError, match="mean firing rate"):
        ann.Neuron(equations="r = 1.0\ndv/dt = 1.0", spike="v > 1.0", name="cell")


def test_errors_are_annarray_errors():
    with pytest.raises(AnnarrayError):
        ann.Neuron(equations="dv/dt = 1.0", spike="v > 1.0", refractory=[1.0, 2.0])
