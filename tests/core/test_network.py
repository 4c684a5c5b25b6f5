"""Network: copies of the default network, independence, add/get, per-network time.

Reference facts: docs/reference_facts.md section H (measured with dt = 0.5, tau = 10 and
``tau*dv/dt + v = 2``; explicit Euler gives v_n = 2 * (1 - (1 - dt/tau)**n) = 2 * (1 - 0.95**n)).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError

COUNTER = "r = r + 1"


def leaky():
    return ann.Neuron(parameters="tau = 10.0 : population", equations="tau*dv/dt + v = 2.0\nr = v")


def v_after(n):
    return 2.0 * (1.0 - 0.95**n)


def test_everything_copies_populations(paradigm):
    # FACTS §H: net.get(pop) is a different object with the same name and size
    pop = ann.Population(3, leaky(), name="P")
    net = ann.Network(everything=True)
    copy = net.get(pop)
    assert copy is not pop
    assert isinstance(copy, ann.Population)
    assert copy.name == "P" and copy.size == 3 and copy.geometry == (3,)
    assert net.get_population("P") is copy
    assert net.get_populations() == [copy]


def test_copies_keep_values_set_before_the_copy(paradigm):
    pop = ann.Population(3, ann.Neuron(equations=COUNTER))
    pop.r = [1.0, 2.0, 3.0]
    net = ann.Network(everything=True)
    net.compile()
    np.testing.assert_array_equal(net.get(pop).r, [1.0, 2.0, 3.0])
    net.simulate(2)
    np.testing.assert_array_equal(net.get(pop).r, [3.0, 4.0, 5.0])


def test_networks_are_independent(paradigm):
    # FACTS §H (measured): after ann.simulate(10) with dt = 0.5, net 0 has time 10.0, step 20,
    # v = 1.2830281551829155 while net 1 is at time 0, v = 0; net.simulate(5) moves net 1 to
    # time 5.0, step 10, v = 0.8025261215232422 without changing net 0. Monitors: 20 and 10 rows.
    ann.setup(dt=0.5)
    pop = ann.Population(3, leaky(), name="P")
    mon = ann.Monitor(pop, "r")
    net = ann.Network(everything=True)
    pop2 = net.get(pop)
    ann.compile()
    net.compile()
    ann.simulate(10)
    assert ann.get_time() == 10.0 and ann.get_current_step() == 20
    assert pop.v[0] == pytest.approx(1.2830281551829155, rel=1e-13)
    assert pop.v[0] == pytest.approx(v_after(20), rel=1e-12)
    assert net.get_time() == 0.0 and net.get_current_step() == 0
    np.testing.assert_array_equal(pop2.v, [0.0, 0.0, 0.0])
    net.simulate(5)
    assert net.get_time() == 5.0 and net.get_current_step() == 10
    assert pop2.v[0] == pytest.approx(0.8025261215232422, rel=1e-13)
    assert pop2.v[0] == pytest.approx(v_after(10), rel=1e-12)
    assert pop.v[0] == pytest.approx(1.2830281551829155, rel=1e-13)
    assert ann.get_time() == 10.0
    assert mon.get("r").shape == (20, 3)
    assert net.get(mon).get("r").shape == (10, 3)


def test_network_state_writes_do_not_leak(paradigm):
    pop = ann.Population(2, ann.Neuron(equations=COUNTER))
    net = ann.Network(everything=True)
    ann.compile()
    net.compile()
    net.get(pop).r = [100.0, 200.0]
    ann.simulate(1)
    net.simulate(1)
    np.testing.assert_array_equal(pop.r, [1.0, 1.0])
    np.testing.assert_array_equal(net.get(pop).r, [101.0, 201.0])


def test_add_a_list_and_get_monitor(paradigm):
    pop = ann.Population(2, ann.Neuron(equations="r = t"), name="A")
    mon = ann.Monitor(pop, "r")
    net = ann.Network()
    net.add([pop, mon])
    mon2 = net.get(mon)
    assert isinstance(mon2, ann.Monitor) and mon2 is not mon
    assert net.get([pop, mon]) == [net.get(pop), mon2]
    net.compile()
    net.simulate(3)
    np.testing.assert_array_equal(mon2.get("r"), [[0, 0], [1, 1], [2, 2]])
    assert net.get_monitors() == [mon2]


def test_add_single_objects_one_by_one(paradigm):
    pop = ann.Population(2, ann.Neuron(equations=COUNTER), name="A")
    other = ann.Population(1, ann.Neuron(equations=COUNTER), name="B")
    net = ann.Network()
    net.add(pop)
    assert [p.name for p in net.get_populations()] == ["A"]
    net.add(other)
    net.compile()
    net.simulate(2)
    np.testing.assert_array_equal(net.get(other).r, [2.0])


def test_get_of_a_view_gives_a_view_on_the_copy(paradigm):
    # FACTS §H: a PopulationView gives a new view on the copied population
    pop = ann.Population(5, ann.Neuron(equations=COUNTER))
    net = ann.Network(everything=True)
    view = net.get(pop[1:3])
    assert isinstance(view, ann.PopulationView)
    assert view.population is net.get(pop)
    np.testing.assert_array_equal(view.ranks, [1, 2])
    net.compile()
    view.r = 10.0
    np.testing.assert_array_equal(net.get(pop).r, [0, 10, 10, 0, 0])


def test_get_of_unknown_object_raises():
    # FACTS §H: "The network has no such object"
    pop = ann.Population(2, ann.Neuron(equations=COUNTER))
    net = ann.Network()
    with pytest.raises(AnnarrayError):
        net.get(pop)


def test_network_time_functions(paradigm):
    pop = ann.Population(1, ann.Neuron(equations="r = t"))
    net = ann.Network(everything=True)
    net.compile()
    copy = net.get(pop)
    net.set_time(5.0)
    assert net.get_current_step() == 5
    net.step()
    assert copy.r[0] == 5.0
    assert net.get_time() == 6.0
    net.set_current_step(9)
    assert net.get_time() == 9.0
    net.step()
    assert copy.r[0] == 9.0


def test_network_reset(paradigm):
    pop = ann.Population(2, ann.Neuron(equations=COUNTER))
    mon = ann.Monitor(pop, "r")
    net = ann.Network(everything=True)
    net.compile()
    net.simulate(3)
    net.reset()
    assert net.get_time() == 0.0
    np.testing.assert_array_equal(net.get(pop).r, [0.0, 0.0])
    net.simulate(2)
    np.testing.assert_array_equal(net.get(mon).get("r"), [[1, 1], [2, 2]])


def test_network_simulate_until(paradigm):
    pop = ann.Population(1, ann.Neuron(equations=COUNTER), stop_condition="r > 3.5")
    net = ann.Network(everything=True)
    net.compile()
    assert net.simulate_until(100.0, net.get(pop)) == 4.0
    assert net.get_current_step() == 4


def test_network_compiled_twice_raises(paradigm):
    ann.Population(1, ann.Neuron(equations=COUNTER))
    net = ann.Network(everything=True)
    net.compile()
    with pytest.raises(AnnarrayError):
        net.compile()


def test_network_simulate_before_compile_raises(paradigm):
    ann.Population(1, ann.Neuron(equations=COUNTER))
    net = ann.Network(everything=True)
    with pytest.raises(AnnarrayError, match="compile"):
        net.simulate(1)


def test_two_copies_of_the_default_network(paradigm):
    pop = ann.Population(1, ann.Neuron(equations=COUNTER))
    net1 = ann.Network(everything=True)
    net2 = ann.Network(everything=True)
    assert net1.id != net2.id
    net1.compile()
    net2.compile()
    net1.simulate(2)
    net2.simulate(5)
    assert (net1.get(pop).r[0], net2.get(pop).r[0]) == (2.0, 5.0)
    assert (net1.get_current_step(), net2.get_current_step()) == (2, 5)


def test_compile_cuda_config_selects_the_device():
    """``compile(cuda_config={'device': N})`` sets the device the cuda paradigm will use."""
    from annarray import config

    ann.Population(3, ann.Neuron(equations="r = 1.0"))
    ann.compile(cuda_config={"device": 2})
    assert config.get_config("cuda_device") == 2
    config.setup(cuda_device=0)


def _noisy_network():
    pop = ann.Population(20, ann.Neuron(equations="r = Uniform(0, 1)"))
    syn = ann.Synapse(equations="x = Normal(0, 1)")
    proj = ann.Projection(pop, pop, "exc", syn)
    proj.connect_fixed_probability(0.5, weights=1.0)
    return pop, proj


def test_set_seed_after_compile_restarts_the_draws(paradigm):
    """Measured on the reference (4.8.2): ``set_seed(5)`` after ``compile()``, twice, gives
    the same draws after each call, and others than before."""
    ann.setup(seed=1)
    pop, proj = _noisy_network()
    ann.compile()
    ann.simulate(1)
    before = np.array(pop.r)
    draws = []
    for _ in range(2):
        ann.set_seed(5)
        ann.simulate(2)
        draws.append((np.array(pop.r), np.array(proj.x[0])))
    assert np.array_equal(draws[0][0], draws[1][0]) and np.array_equal(draws[0][1], draws[1][1])
    assert not np.array_equal(before, draws[0][0])


def test_reseeded_network_draws_like_one_compiled_with_that_seed(paradigm):
    ann.setup(seed=5)
    pop, proj = _noisy_network()
    ann.compile()
    ann.simulate(3)
    expected = np.array(pop.r), np.array(proj.x[0])
    ann.clear()
    ann.setup(seed=1)
    pop, proj = _noisy_network()
    ann.compile()
    ann.simulate(4)
    ann.set_seed(5)
    ann.simulate(3)
    # the connectivity drawn with seed 1 differs, the per-step streams are those of seed 5
    np.testing.assert_array_equal(np.array(pop.r), expected[0])


def test_network_set_seed_after_compile(paradigm):
    net = ann.Network()
    pop = ann.Population(10, ann.Neuron(equations="r = Normal(0, 1)"))
    net.add(pop)
    net.compile()
    values = []
    for _ in range(2):
        net.set_seed(8)
        net.simulate(1)
        values.append(np.array(net.get(pop).r))
    np.testing.assert_array_equal(values[0], values[1])
