"""Rate-coded learning rules against a NumPy re-computation of the same steps.

Order within a step (docs/reference_facts.md, step order): the weighted sums read the rates
of the previous step, the neurons update, then the synaptic equations run with the rates of
the current step (``pre.r``, ``post.r`` after the neuron update).
"""

import numpy as np
import pytest

import annarray as ann


def _rates(n, name):
    """Neurons whose rate follows a known function of time: r = a * (1 + sin(t / 3 + b))."""
    pop = ann.Population(n, ann.Neuron(parameters="a = 1.0\nb = 0.0", equations="r = a * (1 + sin(t / 3 + b))"),
                         name=name)
    pop.a = np.linspace(0.5, 1.0, n)
    pop.b = np.linspace(0.0, 2.0, n)
    return pop


def _rate_values(pop, step):
    return pop.a * (1 + np.sin(step / 3 + pop.b))


def _setup(synapse, w0=0.5, n_pre=4, n_post=3):
    pre, post = _rates(n_pre, "pre"), _rates(n_post, "post")
    proj = ann.Projection(pre, post, "exc", synapse).connect_all_to_all(w0)
    return pre, post, proj


@pytest.mark.parametrize("steps", [1, 5, 20])
def test_hebb(paradigm, steps):
    pre, post, proj = _setup(ann.Hebb(eta=0.01))
    ann.compile()
    ann.simulate(steps)
    w = np.full((3, 4), 0.5)
    for n in range(steps):
        w = np.maximum(w + 0.01 * np.outer(_rate_values(post, n), _rate_values(pre, n)), 0.0)
    np.testing.assert_allclose(np.array(proj.w), w, rtol=1e-12)


def test_oja(paradigm):
    pre, post, proj = _setup(ann.Oja(eta=0.05, alpha=2.0))
    ann.compile()
    ann.simulate(30)
    w = np.full((3, 4), 0.5)
    for n in range(30):
        rp, rq = _rate_values(pre, n), _rate_values(post, n)
        w = np.maximum(w + 0.05 * (np.outer(rq, rp) - 2.0 * (rq**2)[:, None] * w), 0.0)
    np.testing.assert_allclose(np.array(proj.w), w, rtol=1e-12)


def test_ibcm_threshold_per_post_neuron(paradigm):
    pre, post, proj = _setup(ann.IBCM(eta=0.01, tau=20.0))
    ann.compile()
    ann.simulate(25)
    w = np.full((3, 4), 0.5)
    theta = np.zeros(3)
    for n in range(25):
        rp, rq = _rate_values(pre, n), _rate_values(post, n)
        theta = theta + (rq**2 - theta) * (1 - np.exp(-1.0 / 20.0))  # exponential method
        w = np.maximum(w + 0.01 * (rq * (rq - theta))[:, None] * rp[None, :], 0.0)
    np.testing.assert_allclose(proj.theta, theta, rtol=1e-12)
    np.testing.assert_allclose(np.array(proj.w), w, rtol=1e-12)


def test_rule_with_midpoint_and_globals(paradigm):
    syn = ann.Synapse(
        parameters="tau = 10.0 : projection",
        equations="tau * dw/dt = mean(post.r) * pre.r - w : midpoint",
    )
    pre, post, proj = _setup(syn)
    ann.compile()
    ann.simulate(6)
    w = np.full((3, 4), 0.5)
    for n in range(6):
        # global operations run after the neuron updates and before the synapses: no lag here
        rp, mean_post = _rate_values(pre, n), _rate_values(post, n).mean()
        f = lambda w: (mean_post * rp[None, :] - w) / 10.0  # noqa: E731
        w = w + f(w + 0.5 * f(w))
    np.testing.assert_allclose(np.array(proj.w), w, rtol=1e-12)


def test_disable_and_enable_learning(paradigm):
    pre, post, proj = _setup(ann.Hebb(eta=0.01))
    ann.compile()
    proj.disable_learning()
    ann.simulate(5)
    np.testing.assert_allclose(np.array(proj.w), 0.5)
    proj.enable_learning()
    ann.simulate(1)
    expected = 0.5 + 0.01 * np.outer(_rate_values(post, 5), _rate_values(pre, 5))
    np.testing.assert_allclose(np.array(proj.w), expected)


def test_global_disable_learning(paradigm):
    pre, post, proj = _setup(ann.Hebb(eta=0.01))
    ann.compile()
    ann.disable_learning()
    ann.simulate(3)
    np.testing.assert_allclose(np.array(proj.w), 0.5)


@pytest.mark.parametrize("period, offset, updated", [(2.0, None, (0, 2, 4)), (2.0, 1.0, (1, 3, 5)), (3.0, 1.0, (1, 4))])
def test_learning_period(paradigm, period, offset, updated):
    """Reference (J7): updates where (step - offset) % period == 0, counted from t = 0, and the
    equations integrate over the period (dt becomes dt * period)."""
    pre, post, proj = _setup(ann.Hebb(eta=0.01))
    ann.compile()
    proj.enable_learning(period=period, offset=offset)
    ann.simulate(6)
    w = np.full((3, 4), 0.5)
    for n in updated:
        w = w + period * 0.01 * np.outer(_rate_values(post, n), _rate_values(pre, n))
    np.testing.assert_allclose(np.array(proj.w), w)


def test_learning_offset_needs_a_period():
    pre, post, proj = _setup(ann.Hebb())
    with pytest.raises(ann.AnnarrayError, match="period"):
        proj.enable_learning(offset=1.0)
    with pytest.raises(ann.AnnarrayError, match="offset"):
        proj.enable_learning(period=2.0, offset=2.0)


def test_semiglobal_cannot_read_per_synapse_value():
    pre, post = _rates(2, "pre"), _rates(2, "post")
    syn = ann.Synapse(equations="x = w : postsynaptic\n dw/dt = 0.0")
    ann.Projection(pre, post, "exc", syn).connect_all_to_all(1.0)
    with pytest.raises(ann.AnnarrayError, match="per-synapse"):
        ann.compile()


def test_random_draw_per_synapse_and_step(paradigm):
    ann.setup(seed=5)
    pre, post = _rates(3, "pre"), _rates(2, "post")
    syn = ann.Synapse(equations="w += Uniform(0.0, 1.0)")
    proj = ann.Projection(pre, post, "exc", syn).connect_all_to_all(0.0)
    ann.compile()
    ann.simulate(1)
    first = np.array(proj.w)
    ann.simulate(1)
    second = np.array(proj.w) - first
    # one fresh U(0, 1) value per synapse and step
    assert np.all((first >= 0) & (first < 1)) and np.all((second >= 0) & (second < 1))
    assert len(np.unique(first)) == 6 and not np.allclose(first, second)


def test_psp_with_random_draw(paradigm):
    ann.setup(seed=5)
    pre = ann.Population(2, ann.Neuron(equations="r = 1.0"), name="pre")
    post = ann.Population(1, ann.Neuron(equations="r = sum(exc)"), name="post")
    ann.Projection(pre, post, "exc", ann.Synapse(psp="w * pre.r * Uniform(0.0, 1.0)")).connect_all_to_all(1.0)
    ann.compile()
    ann.simulate(2)
    assert 0.0 <= post.sum("exc")[0] < 2.0
