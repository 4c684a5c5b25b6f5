"""Spiking synapses: t_pre/t_post, non-uniform delays, pre_axon_spike, gap junctions and
unless_post.

Unless stated otherwise, the expected numbers were measured on ANNarchy 4.8.2 with the same
networks (dt = 1 ms; docs/reference_facts.md, section N). The first step has t = 0; row k of
a monitor holds the state after step k + 1.
"""

import numpy as np
import pytest

import annarray as ann


def _source(times):
    return ann.Neuron(equations="v = 0.0", spike=" or ".join(f"t == {float(t)}" for t in times))


def _reader():
    return ann.Neuron(equations="v = g_exc", spike="v > 1e9")


def _trace(proj, name, steps):
    values = []
    for _ in range(steps):
        ann.simulate(1.0)
        values.append(float(np.ravel(proj.get(name))[0]))
    return values


def test_t_pre_and_t_post_are_last_spike_times(paradigm):
    pre = ann.Population(1, _source([2, 10]))
    post = ann.Population(1, _source([5]))
    syn = ann.Synapse(parameters="x = 0.0", pre_spike="x = t_post - t_pre",
                      post_spike="x = 100.0 * t_post + t_pre")
    proj = ann.Projection(pre, post, "exc", syn)
    proj.connect_all_to_all(1.0)
    ann.compile()
    assert _trace(proj, "x", 12) == [0.0, 0.0, 0.0, -10002.0, -10002.0, 502.0, 502.0, 502.0, 502.0,
                                     502.0, 502.0, -5.0]


def test_non_uniform_delays_deliver_each_synapse_on_time(paradigm):
    pre = ann.Population(1, _source([2]))
    post = ann.Population(3, _reader())
    proj = ann.Projection(pre, post, "exc")
    proj.connect_from_matrix(np.array([[1.0], [2.0], [3.0]]), delays=np.array([[1.0], [3.0], [5.0]]))
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(12)
    v = m.get("v")
    assert [np.flatnonzero(v[:, k]).tolist() for k in range(3)] == [[3], [5], [7]]
    np.testing.assert_allclose(v[[3, 5, 7], [0, 1, 2]], [1.0, 2.0, 3.0])


def test_pre_axon_spike_runs_on_axonal_spikes_only(paradigm):
    """An axonal spike at the same step as a regular spike is not emitted (section K), so
    the pre_axon_spike increment (10 w) arrives only for the axonal spike at t = 4."""
    neuron = ann.Neuron(equations="v = 0.0", spike="t == 2.0", axon_spike="t == 4.0 or t == 2.0")
    pre = ann.Population(1, neuron)
    post = ann.Population(1, _reader())
    syn = ann.Synapse(pre_spike="g_target += w", pre_axon_spike="g_target += 10.0 * w")
    ann.Projection(pre, post, "exc", syn).connect_all_to_all(1.0)
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(12)
    assert m.get("v")[:, 0].tolist() == [0.0, 0.0, 0.0, 1.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]


def test_gap_junction_writes_the_conductance(paradigm):
    """A synapse with only ``psp`` between spiking neurons transmits continuously into
    ``g_gap``; with dt = 1 and w = 0.5 explicit Euler swaps the two neurons' values."""
    neuron = ann.Neuron(parameters="I = 0.0", equations="dv/dt = -v + I + g_gap", spike="v > 1e9")
    pop = ann.Population(2, neuron)
    pop.I = np.array([1.0, 0.0])
    ann.Projection(pop, pop, "gap", ann.Synapse(psp="w * (pre.v - post.v)")).connect_all_to_all(0.5)
    m = ann.Monitor(pop, "v")
    ann.compile()
    ann.simulate(6)
    assert m.get("v").tolist() == [[1.0, 0.0], [0.5, 0.5], [1.0, 0.0], [0.5, 0.5], [1.0, 0.0], [0.5, 0.5]]


def test_unless_post_skips_statement_when_post_spiked(paradigm):
    """Hand computation (4.8.2's generated code for ``unless_post`` does not compile): the
    pre spikes at t = 2 and 6, the post at t = 2; the flagged ``x += 1`` is skipped for the
    coincident spike, the unflagged ``y += 1`` is not."""
    pre = ann.Population(1, _source([2, 6]))
    post = ann.Population(1, _source([2]))
    syn = ann.Synapse(parameters="x = 0.0\ny = 0.0", pre_spike="x += 1.0 : unless_post\ny += 1.0")
    proj = ann.Projection(pre, post, "exc", syn)
    proj.connect_all_to_all(1.0)
    ann.compile()
    xs, ys = [], []
    for _ in range(12):
        ann.simulate(1.0)
        xs.append(float(np.ravel(proj.x)[0]))
        ys.append(float(np.ravel(proj.y)[0]))
    assert xs == [0.0] * 7 + [1.0] * 5
    assert ys == [0.0] * 3 + [1.0] * 4 + [2.0] * 5


def test_weights_set_after_compile_reach_the_conductance(paradigm):
    """Spike delivery keeps per-neuron copies of the weights; setting ``w`` refreshes them
    (hand computation: the second spike adds the new weight)."""
    pre = ann.Population(1, _source([2, 5]))
    post = ann.Population(1, _reader())
    proj = ann.Projection(pre, post, "exc")
    proj.connect_all_to_all(1.0)
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(4)
    proj.w = 3.0
    ann.simulate(4)
    v = m.get("v")[:, 0]
    assert v[3] == 1.0 and v[6] == 3.0


@pytest.mark.parametrize("view", [False, True])
def test_all_to_all_delivery_sums_the_weights(paradigm, view):
    """All-to-all projections (onto a whole population or onto a view) add the weights of
    the senders that spiked (hand computation: neurons 0 and 2 spike at t = 4)."""
    pre = ann.Population(3, ann.Neuron(parameters="s = 0.0", equations="v = 0.0", spike="(t == 4.0) and (s > 0.5)"))
    pre.s = np.array([1.0, 0.0, 1.0])
    post = ann.Population(4, _reader())
    target = post[1:3] if view else post
    proj = ann.Projection(pre, target, "exc")
    weights = np.arange(1.0, 1.0 + 3 * target.size).reshape(target.size, 3)
    proj.connect_from_matrix(weights)
    m = ann.Monitor(post, "v")
    ann.compile()
    ann.simulate(7)
    expected = weights[:, 0] + weights[:, 2]
    row = m.get("v")[5]
    np.testing.assert_allclose(row[1:3] if view else row, expected)
    if view:
        assert row[0] == 0.0 and row[3] == 0.0
