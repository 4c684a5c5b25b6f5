"""parallel_run(): jobs, seeds, argument splitting, processes (fork, spawn) and Dask.

Structure measured on ANNarchy 4.8.2 (docs/reference_facts.md P4): results come back in the
order of the networks; with a configured seed, repeated calls give the same results and the
copies differ from each other unless ``same_seed=True``; per-network arguments are lists with
one value per network. The values themselves come from annarray's generators, so the tests
compare runs with each other: a pool run must equal the sequential run of the same jobs.
Process-based tests are few and small (each process costs time on 2 cores).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.core import parallel
from annarray.errors import NetworkError

NOISE = dict(equations="r = Normal(0.0, 1.0)")
COUNTER = dict(parameters="k = 1.0", equations="r = r + k")


def build(seed=11):
    ann.setup(seed=seed)
    ann.Population(3, ann.Neuron(**NOISE), name="noise")
    ann.Population(1, ann.Neuron(**COUNTER), name="counter")


def noise_and_counter(idx, net, duration=2.0, k=1.0):
    """Module level, so that spawned processes and Dask workers can import it."""
    counter = net.get_population("counter")
    counter.k = k
    net.simulate(duration)
    return idx, net.get_population("noise").r.tolist(), float(counter.r[0]), net.get_time()


def fails_for_one(idx, net):
    if idx == 1:
        raise ValueError("job one fails")
    return idx


# -- in this process (sequential) --------------------------------------------------------------
def test_results_in_the_order_of_the_networks(paradigm):
    build()
    results = ann.parallel_run(noise_and_counter, number=3, sequential=True)
    assert [r[0] for r in results] == [0, 1, 2]


def test_copies_differ_by_seed(paradigm):
    """P4: with a configured seed, the copies draw different noise."""
    build()
    a, b = ann.parallel_run(noise_and_counter, number=2, sequential=True)
    assert a[1] != b[1]


def test_same_seed_gives_identical_copies(paradigm):
    """P4: same_seed=True -> every copy draws the same noise."""
    build()
    a, b = ann.parallel_run(noise_and_counter, number=2, sequential=True, same_seed=True)
    assert a[1] == b[1]


def test_configured_seed_repeats_the_runs(paradigm):
    """P4: two calls with the same configured seed give the same results."""
    build()
    first = ann.parallel_run(noise_and_counter, number=2, sequential=True)
    assert ann.parallel_run(noise_and_counter, number=2, sequential=True) == first


def test_list_arguments_are_split_and_single_values_shared(paradigm):
    """P4: duration=[1, 2, 3] gives one value to each network (dt = 1: r = k * steps);
    k = 2.0 (a single value, annarray's addition) goes to all of them."""
    build()
    results = ann.parallel_run(noise_and_counter, number=3, sequential=True, duration=[1.0, 2.0, 3.0], k=2.0)
    assert [(r[2], r[3]) for r in results] == [(2.0, 1.0), (4.0, 2.0), (6.0, 3.0)]


def test_argument_list_of_the_wrong_length_raises(paradigm):
    build()
    with pytest.raises(NetworkError, match="'duration' has 1 values for 2 networks"):
        ann.parallel_run(noise_and_counter, number=2, duration=[1.0])


def test_arguments_the_method_does_not_take_raise(paradigm):
    build()
    with pytest.raises(NetworkError, match="unexpected keyword argument 'speed'"):
        ann.parallel_run(noise_and_counter, number=2, speed=[1.0, 2.0])


def test_missing_networks_and_number_raises(paradigm):
    with pytest.raises(NetworkError, match="number=N"):
        ann.parallel_run(noise_and_counter)


def test_visible_cores_need_max_processes(paradigm):
    build()
    with pytest.raises(NetworkError, match="max_processes"):
        ann.parallel_run(noise_and_counter, number=2, visible_cores=[0, 1])


def test_number_mode_compiles_the_default_network(paradigm):
    """As the reference: parallel_run(number=...) compiles the default network if needed."""
    build()
    ann.parallel_run(noise_and_counter, number=1, sequential=True)
    assert ann.get_population("noise").initialized


def test_sequential_networks_mode_runs_the_networks_themselves(paradigm):
    """networks=[...] with sequential=True: the given (compiled) networks, changed in place."""
    build()
    nets = [ann.Network(everything=True) for _ in range(2)]
    for i, net in enumerate(nets):
        net.compile()
        net.get_population("counter").k = 10.0 * (i + 1)
    results = ann.parallel_run(noise_and_counter, networks=nets, sequential=True, k=[10.0, 20.0])
    assert [r[2] for r in results] == [20.0, 40.0]
    assert [net.get_time() for net in nets] == [2.0, 2.0]


def test_sequential_run_keeps_the_callers_generators(paradigm):
    """Jobs seed the process-wide generators with their own seed; the caller's draws go on
    as if the jobs had not run."""
    build()
    ann.compile()
    expected = ann.Uniform(0.0, 1.0).get_values(3)
    ann.clear()
    build()
    ann.compile()
    ann.parallel_run(noise_and_counter, number=2, sequential=True)
    np.testing.assert_array_equal(ann.Uniform(0.0, 1.0).get_values(3), expected)


def test_measure_time_message(paradigm, capsys):
    """P4: 'Running 2 networks sequentially took: <s> '."""
    build()
    ann.parallel_run(noise_and_counter, number=2, sequential=True, measure_time=True)
    assert capsys.readouterr().out.startswith("Running 2 networks sequentially took: ")


# -- in other processes ---------------------------------------------------------------------------
def test_pool_equals_sequential_runs(paradigm):
    """The same jobs (seeds config + n) give the same results in a process pool."""
    build()
    expected = ann.parallel_run(noise_and_counter, number=2, sequential=True, duration=[1.0, 2.0])
    assert ann.parallel_run(noise_and_counter, number=2, max_processes=2, duration=[1.0, 2.0]) == expected


def test_spawned_processes_equal_sequential_runs(paradigm, monkeypatch):
    """With the 'spawn' start method the networks travel as their definition."""
    build()
    expected = ann.parallel_run(noise_and_counter, number=2, sequential=True, k=3.0)
    monkeypatch.setattr(parallel, "_start_method", lambda: "spawn")
    assert ann.parallel_run(noise_and_counter, number=2, max_processes=1, k=3.0) == expected


def test_pool_networks_mode_uses_the_networks_as_they_are(paradigm):
    """networks=[...] in processes: each job sees its network's current values (k set after
    compile), and the caller's networks are left unchanged."""
    build()
    nets = [ann.Network(everything=True) for _ in range(2)]
    for i, net in enumerate(nets):
        net.compile()
        net.get_population("counter").k = 10.0 * (i + 1)

    results = ann.parallel_run(counter_only, networks=nets)
    assert results == [20.0, 40.0]
    assert [net.get_time() for net in nets] == [0.0, 0.0]


def counter_only(idx, net):
    net.simulate(2.0)
    return float(net.get_population("counter").r[0])


def test_failure_in_a_process_names_the_network(paradigm):
    build()
    with pytest.raises(NetworkError, match="(?s)network 1 failed.*job one fails"):
        ann.parallel_run(fails_for_one, number=2)


def test_dask_local_cluster_equals_sequential_runs(paradigm):
    """parallel_run(client=...) on a Dask LocalCluster of 2 worker processes."""
    distributed = pytest.importorskip("distributed")
    build()
    expected = ann.parallel_run(noise_and_counter, number=2, sequential=True, duration=[1.0, 2.0])
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        results = ann.parallel_run(noise_and_counter, number=2, duration=[1.0, 2.0], client=client)
    assert results == expected
