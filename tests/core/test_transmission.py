"""Rate-coded transmission: weighted sums, psp, operations, several targets, delays.

Expected values are computed by hand (or with NumPy on the same matrices) in each test.
Timing convention (measured on the reference, docs/reference_facts.md section A): the sum
computed at a step reads the presynaptic rates of the end of the previous step; a delay of
d steps reads them d steps earlier.
"""

import numpy as np
import pytest

import annarray as ann


def _input_neuron():
    return ann.Neuron(parameters="r0 = 0.0", equations="r = r0", name="input")


def _reader(expr="sum(exc)"):
    return ann.Neuron(equations=f"r = {expr}", name="reader")


def _network(rates, n_post=2, expr="sum(exc)"):
    pre = ann.Population(len(rates), _input_neuron())
    pre.r0 = np.asarray(rates, dtype=float)
    post = ann.Population(n_post, _reader(expr))
    return pre, post


W = np.array([[1.0, np.nan, 2.0], [np.nan, 3.0, -1.0]])  # (post, pre); nan: no synapse


def _matrix():
    return [[None if np.isnan(v) else v for v in row] for row in W]


@pytest.mark.parametrize("operation, expected", [
    ("sum", [1 * 1 + 2 * 3, 3 * 2 - 1 * 3]),
    ("max", [max(1 * 1, 2 * 3), max(3 * 2, -1 * 3)]),
    ("min", [min(1 * 1, 2 * 3), min(3 * 2, -1 * 3)]),
    ("mean", [(1 * 1 + 2 * 3) / 2, (3 * 2 - 1 * 3) / 2]),
])
def test_operation_hand_computed(paradigm, operation, expected):
    pre, post = _network([1.0, 2.0, 3.0])
    syn = ann.Synapse(psp="w * pre.r", operation=operation)
    ann.Projection(pre, post, "exc", syn).connect_from_matrix(_matrix())
    ann.compile()
    ann.simulate(2)
    np.testing.assert_allclose(post.r, expected)
    np.testing.assert_allclose(post.sum("exc"), expected)


def test_sum_uses_previous_step_rates(paradigm):
    pre = ann.Population(1, ann.Neuron(equations="r = t + 1"))
    post = ann.Population(1, _reader())
    ann.Projection(pre, post, "exc").connect_all_to_all(2.0)
    m = ann.Monitor(post, "r")
    ann.compile()
    ann.simulate(4)
    # step n: pre.r of step n-1 = n (t = n-1, r = t + 1); at step 0 the initial r = 0
    np.testing.assert_allclose(m.get("r")[:, 0], [0.0, 2.0, 4.0, 6.0])


def test_nonlinear_psp_per_synapse(paradigm):
    pre, post = _network([1.0, 2.0, 3.0])
    syn = ann.Synapse(psp="w * pre.r * pre.r + post.r0", parameters="", operation="sum")
    post2 = ann.Population(2, ann.Neuron(parameters="r0 = 0.0", equations="r = r0"))
    post2.r0 = [10.0, 20.0]
    p = ann.Projection(pre, post2, "exc", syn).connect_from_matrix(_matrix())
    ann.compile()
    ann.simulate(2)
    # dendrite 0: 1*1 + 10 + 2*9 + 10 ; dendrite 1: 3*4 + 20 - 9 + 20
    np.testing.assert_allclose(post2.sum("exc"), [39.0, 43.0])
    assert p.nb_synapses == 4


def test_linear_psp_function_of_pre(paradigm):
    pre, post = _network([1.0, -2.0, 3.0])
    syn = ann.Synapse(parameters="k = 2.0 : projection", psp="w * k * pos(pre.r)")
    ann.Projection(pre, post, "exc", syn).connect_from_matrix(_matrix())
    ann.compile()
    ann.simulate(2)
    np.testing.assert_allclose(post.sum("exc"), [2 * (1 + 2 * 3), 2 * (0 - 3)])


def test_two_targets_and_combined_sum(paradigm):
    pre, _ = _network([1.0, 2.0, 3.0], n_post=0 + 1)
    post = ann.Population(2, ann.Neuron(equations="r = sum(exc) - sum(inh)\n x = sum(exc, inh)"))
    ann.Projection(pre, post, "exc").connect_from_matrix(_matrix())
    ann.Projection(pre, post, "inh").connect_all_to_all(0.5)
    ann.compile()
    ann.simulate(2)
    exc = np.array([7.0, 3.0])
    inh = np.array([3.0, 3.0])
    np.testing.assert_allclose(post.sum("exc"), exc)
    np.testing.assert_allclose(post.sum("inh"), inh)
    np.testing.assert_allclose(post.r, exc - inh)
    np.testing.assert_allclose(post.x, exc + inh)


def test_projections_with_same_target_add_up(paradigm):
    pre, post = _network([1.0, 2.0, 3.0])
    ann.Projection(pre, post, "exc").connect_from_matrix(_matrix())
    ann.Projection(pre[:2], post, "exc").connect_one_to_one(10.0)
    ann.compile()
    ann.simulate(2)
    np.testing.assert_allclose(post.sum("exc"), [7.0 + 10.0, 3.0 + 20.0])


def test_dense_all_to_all_matches_numpy(paradigm):
    rng = np.random.default_rng(1)
    rates = rng.random(50)
    pre, post = _network(rates, n_post=40)
    weights = rng.normal(size=(40, 50))
    ann.Projection(pre, post, "exc").connect_from_matrix(weights)
    ann.compile()
    ann.simulate(2)
    np.testing.assert_allclose(post.sum("exc"), weights @ rates)


def test_sparse_projection_matches_scipy(paradigm):
    import scipy.sparse

    rates = np.linspace(0, 1, 300)
    pre, post = _network(rates, n_post=200)
    ann.setup(seed=3)
    proj = ann.Projection(pre, post, "exc").connect_fixed_probability(0.1, ann.Uniform(0.0, 1.0))
    ann.compile()
    ann.simulate(2)
    matrix = proj.sparse_matrix()
    assert isinstance(matrix, scipy.sparse.csr_matrix)
    np.testing.assert_allclose(post.sum("exc"), matrix @ rates)


def test_view_to_view_projection(paradigm):
    pre, post = _network([1.0, 2.0, 3.0, 4.0], n_post=4)
    ann.Projection(pre[2:4], post[0:2], "exc").connect_one_to_one(1.0)
    ann.compile()
    ann.simulate(2)
    np.testing.assert_allclose(post.sum("exc"), [3.0, 4.0, 0.0, 0.0])


def test_pre_sum_and_global_operation_in_psp(paradigm):
    pre = ann.Population(3, ann.Neuron(parameters="r0 = 0.0", equations="r = r0 + sum(exc)"))
    src = ann.Population(3, _input_neuron())
    src.r0 = [1.0, 2.0, 3.0]
    post = ann.Population(1, _reader())
    ann.Projection(src, pre, "exc").connect_one_to_one(1.0)
    ann.Projection(pre, post, "exc", ann.Synapse(psp="w * (pre.sum(exc) - mean(pre.r))")).connect_all_to_all(1.0)
    ann.compile()
    ann.simulate(3)
    # pre.sum(exc) = [1, 2, 3] from step 1 on; mean(pre.r) of the previous step = 2
    np.testing.assert_allclose(post.sum("exc"), [(1 - 2) + (2 - 2) + (3 - 2)])


@pytest.mark.parametrize("delay", [0.0, 1.0, 2.0, 3.0])
def test_uniform_delay_shifts_by_whole_steps(paradigm, delay):
    """Measured on the reference (docs/reference_facts.md J1): with r = t + 1 and dt = 1, post r
    after steps 1..8 is [0,1,...,7] without delay, [0,0,1,...] with delay 2, [0,0,0,1,...]
    with delay 3; delays 0 and 1 behave as no delay."""
    pre = ann.Population(1, ann.Neuron(equations="r = t + 1"))
    post = ann.Population(1, _reader())
    ann.Projection(pre, post, "exc").connect_all_to_all(1.0, delays=delay)
    m = ann.Monitor(post, "r")
    ann.compile()
    ann.simulate(8)
    shift = max(int(delay) - 1, 0)
    expected = [max(n - shift, 0) for n in range(8)]
    np.testing.assert_allclose(m.get("r")[:, 0], expected)


def test_non_uniform_delays_per_synapse(paradigm):
    pre = ann.Population(2, ann.Neuron(parameters="k = 1.0", equations="r = k * (t + 1)"))
    pre.k = [1.0, 100.0]
    post = ann.Population(1, _reader())
    ann.Projection(pre, post, "exc").connect_from_list([(0, 0, 1.0, 1.0), (1, 0, 1.0, 3.0)])
    m = ann.Monitor(post, "r")
    ann.compile()
    ann.simulate(8)
    # each synapse follows the uniform rule with its own delay (reference, J1)
    expected = [n + 100 * max(n - 2, 0) for n in range(8)]
    np.testing.assert_allclose(m.get("r")[:, 0], expected)


def test_non_uniform_delays_from_matrix(paradigm):
    pre = ann.Population(3, ann.Neuron(parameters="k = 1.0", equations="r = k * (t + 1)"))
    pre.k = [1.0, 10.0, 100.0]
    post = ann.Population(1, _reader())
    ann.Projection(pre, post, "exc").connect_from_matrix([[1.0, 1.0, 1.0]], delays=np.array([[0.0, 2.0, 4.0]]))
    m = ann.Monitor(post, "r")
    ann.compile()
    ann.simulate(8)
    expected = [n + 10 * max(n - 1, 0) + 100 * max(n - 3, 0) for n in range(8)]
    np.testing.assert_allclose(m.get("r")[:, 0], expected)


@pytest.mark.parametrize("delay, steps", [(1.1, 2), (1.25, 2), (0.75, 2), (1.4, 3)])
def test_delay_rounded_to_steps(delay, steps):
    """Delays are rounded to the nearest step, halves to even (reference, J1: Python round)."""
    ann.setup(dt=0.5)
    pre = ann.Population(1, ann.Neuron(equations="r = t + 0.5"))
    post = ann.Population(1, _reader())
    proj = ann.Projection(pre, post, "exc").connect_all_to_all(1.0, delays=delay)
    assert proj.delay == pytest.approx(steps * 0.5)


def test_delayed_rates_in_learning_rule(paradigm):
    """Reference (J2): with a delay of d steps, pre.r in the synaptic equations is the rate
    d - 1 steps back; with pre r = n and post r = 10 n after step n, delay 2 gives
    w = [0, 20, 80, 200, 400, 700]."""
    pre = ann.Population(1, ann.Neuron(equations="r = t + 1"))
    post = ann.Population(1, ann.Neuron(equations="r = 10 * (t + 1)"))
    syn = ann.Synapse(equations="a = pre.r\n dw/dt = pre.r * post.r")
    proj = ann.Projection(pre, post, "exc", syn).connect_all_to_all(0.0, delays=2.0)
    ma = ann.Monitor(proj, ["a", "w"])
    ann.compile()
    ann.simulate(6)
    np.testing.assert_allclose(ma.get("a").reshape(6), [0, 1, 2, 3, 4, 5])
    np.testing.assert_allclose(ma.get("w").reshape(6), [0, 20, 80, 200, 400, 700])


def test_negative_delay_refused():
    pre, post = _network([1.0])
    with pytest.raises(ann.AnnarrayError, match="delay"):
        ann.Projection(pre, post, "exc").connect_all_to_all(1.0, delays=-1.0)


CONNECTORS = {
    "all_to_all": lambda p: p.connect_all_to_all(ann.Uniform(0, 1)),
    "one_to_one": lambda p: p.connect_one_to_one(ann.Uniform(0, 1)),
    "gaussian": lambda p: p.connect_gaussian(amp=1.0, sigma=0.3),
    "dog": lambda p: p.connect_dog(amp_pos=1.0, sigma_pos=0.2, amp_neg=0.5, sigma_neg=0.4),
    "fixed_probability": lambda p: p.connect_fixed_probability(0.3, ann.Uniform(0, 1)),
    "fixed_number_pre": lambda p: p.connect_fixed_number_pre(5, ann.Uniform(0, 1)),
    "fixed_number_post": lambda p: p.connect_fixed_number_post(5, ann.Uniform(0, 1)),
    "with_func": None,  # needs an argument: see the test
}


def _diagonal_band(pre, post, width):
    lil = ann.LILConnectivity()
    for rank in range(post.size):
        ranks = [r for r in range(rank - width, rank + width + 1) if 0 <= r < pre.size]
        lil.add(rank, ranks, [0.5 + 0.1 * r for r in ranks], [0.0] * len(ranks))
    return lil


@pytest.mark.parametrize("name", sorted(CONNECTORS))
def test_every_connector_transmits_its_matrix(paradigm, name):
    """sum(exc) equals the projection's own weight matrix times the rates (the matrices
    themselves are checked by hand in test_connectors.py)."""
    ann.setup(seed=7)
    rates = np.linspace(0.1, 2.0, 20)
    pre = ann.Population(20, _input_neuron())
    pre.r0 = rates
    post = ann.Population(20, _reader())
    proj = ann.Projection(pre, post, "exc")
    if name == "with_func":
        proj.connect_with_func(_diagonal_band, width=2)
    else:
        CONNECTORS[name](proj)
    ann.compile()
    ann.simulate(2)
    assert proj.nb_synapses > 0
    np.testing.assert_allclose(post.sum("exc"), proj.connectivity_matrix() @ rates, rtol=1e-12)
