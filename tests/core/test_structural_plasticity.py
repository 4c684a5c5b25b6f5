"""Structural plasticity: synapses created and pruned after compile().

Unless stated otherwise the expected numbers were measured on ANNarchy 4.8.2 with the same
networks (dt = 1 ms; docs/reference_facts.md, section S). The first step has t = 0; row k
of a monitor holds the state after step k + 1.
"""

import logging

import numpy as np
import pytest

import annarray as ann
from annarray.errors import InvalidConfiguration, NetworkError, ParserError
from annarray.parser.synapse import split_structural_rule


@pytest.fixture
def structural():
    ann.setup(structural_plasticity=True)
    yield
    ann.setup(structural_plasticity=False)


def _ramp(r0):
    """Rate neurons with r = r0 + t (the rate identifies the neuron and the step)."""
    pop = ann.Population(len(r0), ann.Neuron(parameters="r0 = 0.0", equations="r = r0 + t"))
    return pop, list(r0)


def _sum(n):
    return ann.Population(n, ann.Neuron(equations="r = sum(exc)"))


def _constant(n, active):
    """Rate neurons with r = 1 for ranks < active, else 0."""
    pop = ann.Population(n, ann.Neuron(parameters="r0 = 0.0", equations="r = r0"))
    return pop, [1.0] * active + [0.0] * (n - active)


def _step_rates(pop, steps):
    rows = []
    for _ in range(steps):
        ann.simulate(1.0)
        rows.append(np.asarray(pop.r).tolist())
    return rows


# -- the flag and the errors ---------------------------------------------------------------

def test_rules_need_the_flag():
    """S1: Synapse(creating=/pruning=) raises at once without setup(structural_plasticity=True)."""
    ann.setup(structural_plasticity=False)
    with pytest.raises(InvalidConfiguration, match="structural_plasticity=True"):
        ann.Synapse(creating="pre.r > 0.5 : proba = 1.0, w = 0.5")
    with pytest.raises(InvalidConfiguration):
        ann.Synapse(pruning="w < 0.1")


def test_methods_need_the_flag():
    """S1: every structural method raises without the flag; the synapses stay."""
    ann.setup(structural_plasticity=False)
    pop, r0 = _constant(4, 4)
    proj = ann.Projection(pop, _sum(4), "exc")
    proj.connect_one_to_one(1.0)
    ann.compile()
    calls = [lambda: proj.start_creating(2.0), proj.stop_creating, proj.start_pruning, proj.stop_pruning,
             lambda: proj.dendrite(0).create_synapse(2, 0.5), lambda: proj.dendrite(0).prune_synapse(0),
             lambda: proj.dendrite(0).create_synapses([2], [0.5]), lambda: proj.dendrite(0).prune_synapses([0])]
    for call in calls:
        with pytest.raises(InvalidConfiguration, match="structural_plasticity=True"):
            call()
    assert proj.nb_synapses == 4 and proj.dendrite(0).pre_ranks == [0]


def test_start_creating_needs_compile_and_a_rule(structural):
    """S1: before compile() and on a synapse without the argument: errors."""
    pop, _ = _constant(4, 4)
    rule = ann.Projection(pop, _sum(4), "exc", ann.Synapse(creating="pre.r > 0.5"))
    rule.connect_one_to_one(1.0)
    plain = ann.Projection(pop, _sum(4), "exc")
    plain.connect_one_to_one(1.0)
    with pytest.raises(NetworkError, match="compile"):
        rule.start_creating()
    ann.compile()
    with pytest.raises(NetworkError, match="no 'creating'"):
        plain.start_creating()
    with pytest.raises(NetworkError, match="no 'pruning'"):
        rule.start_pruning()


def test_rule_text_and_flags(structural):
    """The 4.8 syntax 'condition : proba = p, w = w0, d = delay' (manual); names are kept for
    projection-wide parameters; unknown flags are refused."""
    rule = split_structural_rule("pre.r * post.r > 0.7 : proba = 0.5, w = 1.0, d = 2.0", "creating")
    assert (rule.condition, rule.proba, rule.w, rule.d) == ("pre.r * post.r > 0.7", 0.5, 1.0, 2.0)
    rule = split_structural_rule("age > T : proba = p_prune", "pruning")
    assert (rule.condition, rule.proba) == ("age > T", "p_prune")
    assert split_structural_rule("w < 0.1", "pruning").proba == 1.0
    with pytest.raises(ParserError, match="flags proba"):
        split_structural_rule("w < 0.1 : w = 0.5", "pruning")
    with pytest.raises(ParserError, match="condition"):
        ann.Synapse(creating=" : proba = 0.5")


def test_creating_cannot_read_synaptic_variables(structural):
    """Manual: the creating condition cannot use per-synapse variables (they do not exist yet)."""
    pop, _ = _constant(4, 4)
    syn = ann.Synapse(parameters="c = 1.0", creating="c > 0.5")
    proj = ann.Projection(pop, _sum(4), "exc", syn)
    proj.connect_one_to_one(1.0)
    with pytest.raises(ParserError, match="per-synapse"):
        ann.compile()


def test_create_and_prune_errors_leave_the_synapses(structural):
    """S3: creating an existing synapse and pruning a missing one raise (the reference's
    messages); a rank outside the population is refused (the reference accepts it, S3)."""
    pop, r0 = _ramp([0, 100, 200, 300, 400])
    proj = ann.Projection(pop, _sum(3), "exc")
    proj.connect_from_list([(0, 0, 1.0, 0.0), (1, 1, 1.0, 0.0), (2, 2, 1.0, 0.0)])
    ann.compile()
    d = proj.dendrite(0)
    with pytest.raises(NetworkError, match="already exists"):
        d.create_synapse(0, 2.0)
    with pytest.raises(NetworkError, match="no synapse from presynaptic neuron 4"):
        d.prune_synapse(4)
    with pytest.raises(NetworkError, match="outside"):
        d.create_synapse(99, 2.0)
    with pytest.raises(NetworkError, match="already exists"):
        d.create_synapses([3, 0], [1.0, 1.0])  # checked before anything changes
    assert proj.w == [[1.0], [1.0], [1.0]] and proj.nb_synapses == 3


# -- dendrite-level changes ----------------------------------------------------------------

def test_created_synapse_transmits_at_the_next_step(paradigm, structural):
    """S3: the new synapse (3 -> 0, w 0.5) adds 0.5 * 301 at the first step after the call;
    its other attributes take their value set before compile() (tau 7) or their init (y 3)."""
    pop, r0 = _ramp([0, 100, 200, 300, 400])
    out = _sum(3)
    syn = ann.Synapse(parameters="tau = 5.0", equations="y = y + 0.0 : init = 3.0")
    proj = ann.Projection(pop, out, "exc", syn)
    proj.connect_from_list([(0, 0, 1.0, 0.0), (1, 1, 1.0, 0.0), (2, 2, 1.0, 0.0)])
    proj.tau = 7.0
    ann.compile()
    pop.r0 = r0
    ann.simulate(2)
    proj.dendrite(0).create_synapse(3, 0.5)
    d = proj.dendrite(0)
    assert (d.pre_ranks, d.w, d.tau, d.y, d.delay) == ([0, 3], [1.0, 0.5], [7.0, 7.0], [3.0, 3.0], 0.0)
    assert _step_rates(out, 1) == [[151.5, 101.0, 201.0]]


def test_pruned_dendrite_stays_and_can_grow_again(paradigm, structural):
    """S3: pruning the only synapse of post 1 leaves an empty dendrite (post_ranks unchanged)
    that transmits 0; a synapse created on it (4 -> 1, w 2) transmits 2 * 403 = 806 at the
    step t = 4 (which reads the rates of t = 3), as measured."""
    pop, r0 = _ramp([0, 100, 200, 300, 400])
    out = _sum(3)
    proj = ann.Projection(pop, out, "exc")
    proj.connect_from_list([(0, 0, 1.0, 0.0), (1, 1, 1.0, 0.0), (2, 2, 1.0, 0.0)])
    ann.compile()
    pop.r0 = r0
    ann.simulate(3)
    proj.dendrite(1).prune_synapse(1)
    assert _step_rates(out, 1) == [[2.0, 0.0, 202.0]]
    assert (proj.post_ranks, proj.size, proj.nb_synapses) == ([0, 1, 2], 3, 2)
    assert (proj.dendrite(1).size, proj.dendrite(1).pre_ranks, proj.dendrite(1).w) == (0, [], [])
    proj.dendrite(1).create_synapse(4, 2.0)
    assert _step_rates(out, 1) == [[3.0, 806.0, 203.0]]


def test_created_synapses_keep_their_non_uniform_delays(paradigm, structural):
    """S3: with non-uniform delays the new synapses (4 -> 1 at 2 ms, 3 -> 0 at 3 ms) read the
    delayed rates at once."""
    pop, r0 = _ramp([0, 100, 200, 300, 400])
    out = _sum(3)
    proj = ann.Projection(pop, out, "exc")
    proj.connect_from_list([(0, 0, 1.0, 1.0), (1, 0, 1.0, 3.0), (2, 1, 1.0, 2.0), (3, 2, 1.0, 1.0)])
    ann.compile()
    pop.r0 = r0
    ann.simulate(8)
    assert np.asarray(out.r).tolist() == [110.0, 205.0, 306.0]
    proj.dendrite(1).create_synapse(4, 1.0, delay=2.0)
    proj.dendrite(0).create_synapses([3], [1.0], [3.0])
    assert [proj.dendrite(k).delay for k in range(3)] == [[1.0, 3.0, 3.0], [2.0, 2.0], [1.0]]
    assert _step_rates(out, 3) == [[417.0, 612.0, 307.0], [420.0, 614.0, 308.0], [423.0, 616.0, 309.0]]


def test_uniform_delay_is_kept_for_new_synapses(paradigm, structural, caplog):
    """S3: a projection with a uniform delay (2 ms) gives the new synapse its delay, not the
    5 ms asked (the reference ignores it silently; annarray warns)."""
    pop, r0 = _ramp([0, 100, 200, 300, 400])
    out = _sum(3)
    proj = ann.Projection(pop, out, "exc")
    proj.connect_from_list([(0, 0, 1.0, 2.0), (1, 1, 1.0, 2.0)])
    ann.compile()
    pop.r0 = r0
    ann.simulate(8)
    with caplog.at_level(logging.WARNING):
        proj.dendrite(0).create_synapse(2, 1.0, delay=5.0)
    assert "uniform" in caplog.text
    assert (proj.dendrite(0).delay, proj.delay) == (2.0, 2.0)
    assert _step_rates(out, 1)[0][:2] == [212.0, 106.0]


def test_delay_beyond_the_longest_is_refused(structural):
    """Manual: a new synapse's delay cannot exceed the longest delay of the projection."""
    pop, _ = _ramp([0, 100, 200])
    proj = ann.Projection(pop, _sum(2), "exc")
    proj.connect_from_list([(0, 0, 1.0, 1.0), (1, 1, 1.0, 3.0)])
    ann.compile()
    with pytest.raises(NetworkError, match="cannot exceed"):
        proj.dendrite(0).create_synapse(2, 1.0, delay=4.0)
    assert proj.nb_synapses == 2


def test_empty_dendrite_with_per_synapse_transmission(paradigm, structural):
    """Non-uniform delays transmit synapse by synapse, reduced per dendrite: a dendrite left
    empty adds nothing (hand computation: post 1 loses its only synapse 2 -> 1, so r = 0;
    post 0 keeps 0 -> 0 at 1 ms (r0 = 0: t - 1) and 1 -> 0 at 3 ms (100 + t - 3))."""
    pop, r0 = _ramp([0, 100, 200])
    out = _sum(2)
    proj = ann.Projection(pop, out, "exc")
    proj.connect_from_list([(0, 0, 1.0, 1.0), (1, 0, 1.0, 3.0), (2, 1, 1.0, 2.0)])
    ann.compile()
    pop.r0 = r0
    ann.simulate(5)
    proj.dendrite(1).prune_synapse(2)
    assert _step_rates(out, 1) == [[4.0 + 102.0, 0.0]]


def test_kept_synapses_keep_their_values_and_learning(paradigm, structural):
    """Pruning rebuilds the arrays: the synapses that stay keep their learnt weights and go
    on learning (hand computation: dw/dt = 1 from w = 0 → w = steps)."""
    pop, _ = _constant(3, 3)
    syn = ann.Synapse(equations="dw/dt = 1.0")
    proj = ann.Projection(pop, _sum(2), "exc", syn)
    proj.connect_all_to_all(0.0)
    ann.compile()
    ann.simulate(4)
    proj.dendrite(0).prune_synapse(1)
    assert proj.w == [[4.0, 4.0], [4.0, 4.0, 4.0]]
    ann.simulate(2)
    assert proj.w == [[6.0, 6.0], [6.0, 6.0, 6.0]]
    proj.dendrite(1).prune_synapse(0)
    proj.dendrite(1).create_synapse(0, 0.0)
    ann.simulate(1)
    assert proj.w == [[7.0, 7.0], [1.0, 7.0, 7.0]]


# -- spiking projections -------------------------------------------------------------------

def _accumulator(n):
    return ann.Population(n, ann.Neuron(equations="v += g_exc", spike="v > 100000", reset="v = 0"))


def test_spikes_in_flight_uniform_delay(paradigm, structural):
    """S4: every source spikes at t = 20 (delay 4). At t = 22 the synapse 1 -> 0 (w 10) is
    pruned and 2 -> 0 (w 100) created: the pruned synapse's spike is lost, the new synapse
    receives the spike emitted before it existed: v = 101 from row 24 on."""
    src = ann.SpikeSourceArray(spike_times=[[20.0], [20.0], [20.0]])
    post = _accumulator(2)
    proj = ann.Projection(src, post, "exc")
    proj.connect_from_list([(0, 0, 1.0, 4.0), (1, 0, 10.0, 4.0), (0, 1, 1.0, 4.0)])
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(22)
    proj.dendrite(0).prune_synapse(1)
    proj.dendrite(0).create_synapse(2, 100.0)
    assert (proj.dendrite(0).pre_ranks, proj.dendrite(0).w, proj.dendrite(0).delay) == ([0, 2], [1.0, 100.0], 4.0)
    ann.simulate(10)
    v = m.get("v")
    assert v[:, 0].tolist() == [0.0] * 24 + [101.0] * 8
    assert v[:, 1].tolist() == [0.0] * 24 + [1.0] * 8


def test_spikes_in_flight_non_uniform_delays(paradigm, structural):
    """S4, non-uniform delays: the pruned synapse 0 -> 0 (w 1, 4 ms) loses its spike in
    flight; 1 -> 0 (w 10, 6 ms) delivers at row 26. (The reference keeps events by synapse
    index and delivers the pruned one's spike to the synapse that took its index: 10 at row
    24, 20 from row 26; annarray keeps spikes by presynaptic neuron, as for uniform delays.)"""
    src = ann.SpikeSourceArray(spike_times=[[20.0], [20.0], [20.0]])
    post = _accumulator(2)
    proj = ann.Projection(src, post, "exc")
    proj.connect_from_list([(0, 0, 1.0, 4.0), (1, 0, 10.0, 6.0), (2, 1, 1.0, 2.0)])
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(22)
    proj.dendrite(0).prune_synapse(0)
    ann.simulate(10)
    v = m.get("v")
    assert v[:, 0].tolist() == [0.0] * 26 + [10.0] * 6
    assert v[:, 1].tolist() == [0.0] * 22 + [1.0] * 10


def test_new_spiking_synapse_uses_its_delay(paradigm, structural):
    """A synapse created at t = 2 (2 -> 1, 3 ms, w 5) delivers a later spike (t = 10) like
    the existing synapse of the same delay (0 -> 0, 3 ms): rows 13 (hand computation: the
    existing one's delivery step, as in test_spike_synapse_features)."""
    src = ann.SpikeSourceArray(spike_times=[[10.0], [], [10.0]])
    post = _accumulator(2)
    proj = ann.Projection(src, post, "exc")
    proj.connect_from_list([(0, 0, 1.0, 3.0), (1, 1, 1.0, 1.0)])
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(2)
    proj.dendrite(1).create_synapse(2, 5.0, delay=3.0)
    ann.simulate(18)
    v = m.get("v")
    assert np.flatnonzero(v[:, 0]).min() == np.flatnonzero(v[:, 1]).min()
    assert (v[-1, 0], v[-1, 1]) == (1.0, 5.0)


def test_creating_in_a_spiking_projection_with_post_events(paradigm, structural):
    """Creating runs after the postsynaptic events: a created synapse (w 0.5) has not run
    post_spike at its creation step, and runs it at the next postsynaptic spike (hand
    computation: post_spike adds 1 to w; the post neuron spikes at every step)."""
    pre = ann.Population(2, ann.Neuron(parameters="r0 = 0.0", equations="v = r0", spike="v > 1000"))
    post = ann.Population(1, ann.Neuron(equations="v = 0.0 * g_exc", spike="v < 1.0"))
    syn = ann.Synapse(pre_spike="g_target += w", post_spike="w += 1.0",
                      creating="pre.v > 0.5 : w = 0.5")
    proj = ann.Projection(pre, post, "exc", syn)
    proj.connect_from_list([(0, 0, 0.0, 0.0)])
    ann.compile()
    pre.r0 = [0.0, 1.0]
    proj.start_creating()
    ann.simulate(1)
    assert proj.dendrite(0).pre_ranks == [0, 1] and proj.dendrite(0).w == [1.0, 0.5]
    ann.simulate(1)
    assert proj.dendrite(0).w == [2.0, 1.5]


# -- synapse-level rules -------------------------------------------------------------------

def _pair(n=20, active=10):
    a, ra = _constant(n, active)
    b, rb = _constant(n, active)
    return a, b, ra, rb


def test_creating_condition_is_honoured(paradigm, structural):
    """S5: '(pre.r > 0.5) and (post.r > 0.5) : w = 0.25' on one_to_one (w 0.1) creates the 90
    missing active pairs at the first step: 110 synapses."""
    a, b, ra, rb = _pair()
    syn = ann.Synapse(creating="(pre.r > 0.5) and (post.r > 0.5) : w = 0.25")
    proj = ann.Projection(a, b, "exc", syn)
    proj.connect_one_to_one(0.1)
    ann.compile()
    a.r0, b.r0 = ra, rb
    proj.start_creating()
    ann.simulate(1)
    assert proj.nb_synapses == 110
    assert proj.dendrite(0).pre_ranks == list(range(10)) and proj.dendrite(0).w == [0.1] + [0.25] * 9
    assert proj.dendrite(15).pre_ranks == [15]


def test_pruning_condition_is_honoured(paradigm, structural):
    """S5: 'pre.r < 0.5' (period 3 ms) removes the 200 synapses from inactive neurons at the
    first step and nothing after; 'age > T' removes every synapse and the dendrites stay."""
    a, b, ra, rb = _pair()
    proj = ann.Projection(a, b, "exc", ann.Synapse(pruning="pre.r < 0.5"))
    proj.connect_all_to_all(1.0)
    aging = ann.Synapse(parameters="T = 2.0 : projection", equations="age = age + 1.0 : init = 0.0",
                        pruning="age > T")
    old = ann.Projection(a, b, "exc", aging)
    old.connect_one_to_one(1.0)
    ann.compile()
    a.r0, b.r0 = ra, rb
    ann.simulate(32)
    proj.start_pruning(period=3.0)
    old.start_pruning()
    ann.simulate(1)
    assert proj.nb_synapses == 200 and proj.dendrite(0).pre_ranks == list(range(10))
    assert (old.nb_synapses, old.size, old.post_ranks) == (0, 20, list(range(20)))
    ann.simulate(3)
    assert proj.nb_synapses == 200


def test_creating_rate_and_period(paradigm, structural):
    """'pre.r > 0.5 : proba = 0.3, w = 0.7' with period 2 ms: the count changes only at the
    period's steps, and after 4 periods 190 candidate pairs gave Binomial(190, 1 - 0.7^4)
    new synapses: mean 144.4, s.d. 5.9 (measured on the reference: 150 new, S5); checked
    within 4 s.d. New synapses get w 0.7, tau set before compile (7) and y's init (3)."""
    ann.setup(seed=11)
    a, b, ra, rb = _pair()
    syn = ann.Synapse(parameters="tau = 5.0", equations="y = y + 0.0 : init = 3.0",
                      creating="pre.r > 0.5 : proba = 0.3, w = 0.7")
    proj = ann.Projection(a, b, "exc", syn)
    proj.connect_one_to_one(0.1)
    proj.tau = 7.0
    ann.compile()
    a.r0, b.r0 = ra, rb
    ann.simulate(3)
    proj.start_creating(period=2.0)
    counts = []
    for _ in range(8):
        ann.simulate(1)
        counts.append(proj.nb_synapses)
    assert counts[0::2] == counts[1::2]  # no change between the period's steps
    p = 1 - 0.7 ** 4
    assert abs(counts[-1] - 20 - 190 * p) < 4 * np.sqrt(190 * p * (1 - p))
    proj.stop_creating()
    ann.simulate(3)
    assert proj.nb_synapses == counts[-1]
    new = [(w, t, y) for k in range(20) for w, t, y in zip(proj.dendrite(k).w, proj.dendrite(k).tau,
                                                           proj.dendrite(k).y, strict=True) if w != 0.1]
    assert set(new) == {(0.7, 7.0, 3.0)}
    assert all(r < 10 for k in range(10, 20) for r in proj.dendrite(k).pre_ranks if r != k)


def test_pruning_rate(paradigm, structural):
    """'w > 0.5 : proba = p' with p a projection-wide parameter (0.5): one period removes
    Binomial(200, 0.5) of the 200 heavy synapses (mean 100, s.d. 7.07, checked within 4
    s.d.; the reference removed 112 at its first step, S5) and none of the 200 light ones."""
    ann.setup(seed=5)
    a, b, ra, rb = _pair()
    syn = ann.Synapse(parameters="p = 0.5 : projection", pruning="w > 0.5 : proba = p")
    proj = ann.Projection(a, b, "exc", syn)
    proj.connect_from_matrix(np.where(np.arange(400).reshape(20, 20) % 2 == 0, 1.0, 0.2))
    ann.compile()
    proj.start_pruning()
    ann.simulate(1)
    w = np.concatenate([np.asarray(proj.dendrite(k).w) for k in range(20)])
    assert np.sum(w == 0.2) == 200
    assert abs(np.sum(w == 1.0) - 100) < 4 * np.sqrt(200 * 0.25)


def test_random_distribution_in_a_condition(paradigm, structural):
    """A distribution in the condition is drawn once per synapse and period (annarray; the
    reference 4.8.2 cannot compile it, S2): 'Uniform(0, 1) < 0.25' on 400 synapses keeps
    Binomial(400, 0.75): mean 300, s.d. 8.66, checked within 4 s.d."""
    ann.setup(seed=3)
    a, b, _, _ = _pair()
    proj = ann.Projection(a, b, "exc", ann.Synapse(pruning="Uniform(0.0, 1.0) < 0.25"))
    proj.connect_all_to_all(1.0)
    ann.compile()
    proj.start_pruning()
    ann.simulate(1)
    assert abs(proj.nb_synapses - 300) < 4 * np.sqrt(400 * 0.75 * 0.25)


def test_monitors_follow_or_refuse_a_change(paradigm, structural):
    """A monitor of a postsynaptic variable goes on after a change; a monitor of a
    per-synapse variable cannot follow the number of synapses and is refused."""
    pop, _ = _constant(3, 3)
    syn = ann.Synapse(parameters="a = 2.0 : postsynaptic")
    proj = ann.Projection(pop, _sum(2), "exc", syn)
    proj.connect_all_to_all(1.0)
    m = ann.Monitor(proj, "a")
    ann.compile()
    ann.simulate(1)
    proj.dendrite(0).prune_synapse(0)
    proj.a = [3.0, 4.0]
    ann.simulate(1)
    assert m.get("a").tolist() == [[2.0, 2.0], [3.0, 4.0]]
    ann.Monitor(proj, "w")
    with pytest.raises(NetworkError, match="per-synapse"):
        proj.dendrite(1).prune_synapse(0)
    assert proj.nb_synapses == 5


def test_set_seed_after_compile_restarts_the_creation_draws(structural):
    """Probabilistic creation after set_seed(3), twice from the same connectivity, creates
    the same synapses (the structural generator restarts with the network's)."""
    pre, r0 = _constant(30, 30)
    pre.r0 = r0
    post = _sum(30)
    proj = ann.Projection(pre, post, "exc", ann.Synapse(creating="pre.r > 0.5 : proba = 0.3, w = 0.5"))
    proj.connect_one_to_one(1.0)
    ann.compile()
    created = []
    for _ in range(2):
        for rank in range(30):  # back to one-to-one
            extra = [p for p in proj.dendrite(rank).pre_ranks if p != rank]
            if extra:
                proj.dendrite(rank).prune_synapses(extra)
        ann.set_seed(3)
        proj.start_creating(1.0)
        ann.simulate(2.0)
        proj.stop_creating()
        created.append([sorted(proj.dendrite(r).pre_ranks) for r in range(30)])
    assert created[0] == created[1]
    assert sum(len(row) for row in created[0]) > 30 + 50  # ~0.3 * 870 * 2 draws created
