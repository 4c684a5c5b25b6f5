"""save()/load(), Population.save/load and Projection.save/load.

The file layout is the reference's (ANNarchy 4.8.2, measured: docs/reference_facts.md O); the
state after a load is the saved state bit for bit (a comparison of every compiled array), and
a simulation resumed from a file continues exactly as the saved one (both runs compared).
"""

import gzip
import os
import pickle

import numpy as np
import pytest

import annarray as ann
from annarray.core import state_files
from annarray.core.network import default_network
from annarray.core.saving import StateMismatchError
from annarray.core.state_files import StateFileError
from annarray.errors import AnnarrayError

FORMATS = [".npz", ".data", ".pickle", ".data.gz", ".mat", ".h5"]

RATE = ann.Neuron(
    parameters="tau = 10.0 : population\nI = 0.5\nbase = 1",
    equations="tau * dv/dt + v = I + sum(exc) - sum(inh) - 0.1 * mean(r)\nr = pos(v)\nn = n + 1 : int",
)
LEARNING = ann.Synapse(
    parameters="eta = 0.01 : projection\nk = 2.0 : postsynaptic\nc = 1.0",
    equations="trace = post.r : postsynaptic\ndw/dt = eta * pre.r * post.r\nx = x + 1.0",
)


def _network(seed, delays=None, size_b=4, with_inh=True, spiking=True):
    """Rate-coded populations A (2x3) and B with a learning projection (random synapses and
    delays of 1 to 3 ms, or ``delays``) and a uniform-delay one; Izhikevich neurons S with
    random STDP synapses (2 ms delay). Random connectivity differs with ``seed``."""
    ann.setup(seed=seed)
    a = ann.Population((2, 3), RATE, name="A")
    b = ann.Population(size_b, RATE, name="B")
    ab = ann.Projection(a, b, "exc", LEARNING, name="AB")
    ab.connect_fixed_probability(0.5, ann.Uniform(0.0, 1.0),
                                 delays=ann.DiscreteUniform(1, 3) if delays is None else delays)
    if with_inh:
        ann.Projection(a, b, "inh", name="AB2").connect_all_to_all(0.05, delays=2.0)
    if spiking:
        s = ann.Population(4, ann.Izhikevich, name="S")
        ann.Projection(s, s, "exc", ann.STDP, name="SS").connect_fixed_probability(
            0.7, ann.Uniform(0.0, 1.0), delays=2.0)
    ann.compile()
    a.I = np.arange(6).reshape(2, 3) * 0.1
    if spiking:
        s.i_offset = np.array([10.0, 12.0, 14.0, 16.0])
    return a, b, ab


def _host(arr):
    return default_network().backend().to_host(arr)


def _snapshot(skip_random=False):
    """Every compiled array of the default network (populations' state, spikes of the last
    step, delay buffers; projections' synapses, delays, attributes, spikes in transit and
    last events) and the step, as host copies."""
    net = default_network()
    out = {"step": np.array(net._step)}
    for pop in net.populations:
        for key, arr in pop._state.items():
            if not (skip_random and key.startswith("_rand")):
                out[f"{pop.name}.{key}"] = _host(arr)
        if getattr(pop, "_spike_ranks", None) is not None:
            out[f"{pop.name}.spike_ranks"] = _host(pop._spike_ranks)
    for name, buf in net._delay_buffers.items():
        out[f"{name}.delay_buffer"] = _host(buf.buffer)
        out[f"{name}.delay_head"] = np.array(buf.head)
    for proj in net.projections:
        out[f"{proj.name}.post_ranks"] = proj._conn.post_ranks.copy()
        out[f"{proj.name}.indptr"] = proj._conn.indptr.copy()
        out[f"{proj.name}.indices"] = proj._conn.indices.astype(np.int64)
        out[f"{proj.name}.delay_steps"] = np.asarray(proj._delay_steps)
        for key, arr in proj._state.items():
            if not (skip_random and key.startswith("_rand")):
                out[f"{proj.name}.{key}"] = _host(arr)
        events = proj._runtime.events
        if events is not None:
            if events.queue is not None:
                out[f"{proj.name}.queue"] = _host(events.queue.ranks)
                out[f"{proj.name}.queue_counts"] = np.array(events.queue.counts)
                out[f"{proj.name}.queue_head"] = np.array(events.queue.head)
            if events.last_event is not None:
                out[f"{proj.name}.last_event"] = _host(events.last_event)
    return out


def _differences(a, b):
    """Keys whose arrays differ in dtype, shape or bytes (or exist on one side only)."""
    bad = [k for k in a if k not in b or a[k].dtype != b[k].dtype or a[k].shape != b[k].shape
           or a[k].tobytes() != b[k].tobytes()]
    return bad + [k for k in b if k not in a]


def _fresh(seed=2, **kwargs):
    ann.clear()
    return _network(seed, **kwargs)


# -- round trips ------------------------------------------------------------------------------

@pytest.mark.parametrize("ext", FORMATS)
def test_load_restores_the_saved_state_bitwise(paradigm, ext):
    """Saved after 11 steps (spikes of S at the last step and one in transit), simulated 5 more,
    loaded: every compiled array is the saved one (rate and spiking neurons, weights,
    delays, synaptic variables, spikes in transit)."""
    _network(1)
    ann.simulate(11.0)
    ann.save("state" + ext)
    saved = _snapshot()
    assert saved["S.spike_ranks"].size > 0 and saved["SS.queue_counts"].sum() > 0
    ann.simulate(5.0)
    ann.load("state" + ext)
    assert _differences(saved, _snapshot()) == []


@pytest.mark.parametrize("jit", [True, False])
@pytest.mark.parametrize("ext", [".npz", ".mat"])
def test_resumed_simulation_continues_as_the_saved_one(paradigm, ext, jit):
    """Run 1: 11 steps (spikes of S in transit), save, 15 steps. Run 2: a network built
    with another seed (other random synapses and delays), load, 15 steps: the same arrays
    as run 1 (the random streams are not saved; their draws are left out of the
    comparison). With and without the compiled neuron loops (which emit spikes differently)."""
    ann.setup(jit=jit)
    _network(1)
    ann.simulate(11.0)
    ann.save("state" + ext)
    saved_synapses = [default_network().get_projection(n)._conn.indices.copy() for n in ("AB", "SS")]
    ann.simulate(15.0)
    expected = _snapshot(skip_random=True)
    _fresh(seed=2)
    other = [default_network().get_projection(n)._conn.indices for n in ("AB", "SS")]
    assert any(a.shape != b.shape or not np.array_equal(a, b) for a, b in zip(saved_synapses, other, strict=True))
    ann.load("state" + ext)
    ann.simulate(15.0)
    assert _differences(expected, _snapshot(skip_random=True)) == []


def test_load_deepens_the_delay_buffer_for_longer_saved_delays(paradigm):
    """The network is compiled with 1 ms delays on AB (no rate buffer for A); the file has
    3 ms: the load keeps 3 steps of A's rates and the run continues as the saved one."""
    _network(1, delays=3.0, with_inh=False, spiking=False)
    ann.simulate(10.0)
    ann.save("state.npz")
    ann.simulate(10.0)
    expected = _snapshot()
    _fresh(seed=1, delays=1.0, with_inh=False, spiking=False)
    assert "A" not in default_network()._delay_buffers
    ann.load("state.npz")
    assert default_network().get_projection("AB").delay == 3.0
    ann.simulate(10.0)
    assert _differences(expected, _snapshot()) == []


def test_network_methods_save_and_load_a_copied_network(paradigm):
    """Network.save/load act on that network (its own time and arrays)."""
    ann.setup(seed=3)
    pop = ann.Population(5, RATE, name="A")
    pop.I = np.linspace(0.0, 1.0, 5)
    net = ann.Network(everything=True)
    net.compile()
    net.simulate(7.0)
    net.save("net.data")
    v = net.get(pop).v.copy()
    net.simulate(3.0)
    net.load("net.data")
    assert net.get_current_step() == 7
    assert net.get(pop).v.tobytes() == v.tobytes()


# -- single objects ---------------------------------------------------------------------------

@pytest.mark.parametrize("ext", [".npz", ".data.gz", ".mat", ".h5"])
def test_population_save_load_round_trip(paradigm, ext):
    """Population.save/load: attribute values and internal arrays come back bit for bit."""
    a, _, _ = _network(1, spiking=False)
    ann.simulate(12.0)
    a.save("pop" + ext)
    state = {k: _host(v) for k, v in a._state.items()}
    ann.simulate(4.0)
    a.load("pop" + ext)
    assert _differences(state, {k: _host(v) for k, v in a._state.items()}) == []


@pytest.mark.parametrize("ext", [".npz", ".data", ".mat", ".h5"])
def test_projection_load_restores_synapses_of_another_network(paradigm, ext):
    """Projection.save in one network, Projection.load in one built with another seed:
    same post ranks, pre ranks, weights, delays and variables."""
    _, _, ab = _network(1, spiking=False)
    ann.simulate(8.0)
    ab.save("proj" + ext)
    expected = {k: ab.get(k) for k in ("w", "x", "trace", "delay", "eta")}
    post, pre = ab.post_ranks, [ab.dendrite(r).pre_ranks for r in ab.post_ranks]
    _, _, ab2 = _fresh(seed=5, spiking=False)
    ab2.load("proj" + ext)
    assert ab2.post_ranks == post
    assert [ab2.dendrite(r).pre_ranks for r in ab2.post_ranks] == pre
    assert {k: ab2.get(k) for k in expected} == expected


def test_single_weight_is_saved_as_one_number(paradigm):
    """A projection whose synapses share one weight saves 'w' as a float (reference, O) and
    reads it back as one."""
    _, _, _ = _network(1, spiking=False)
    ab2 = default_network().get_projection("AB2")
    ab2.save("ab2.data")
    with open("ab2.data", "rb") as f:
        assert pickle.load(f)["w"] == 0.05
    ab2.w = np.full(ab2.nb_synapses, 0.3)
    ab2.load("ab2.data")
    assert ab2.w == 0.05


# -- before compile ---------------------------------------------------------------------------

def test_save_before_compile_writes_the_initial_values():
    """Before compile, a population saves the values set so far and a projection its
    synapses (the reference refuses projections then; annarray can save them)."""
    pop = ann.Population(3, RATE, name="A")
    pop.I = [1.0, 2.0, 3.0]
    proj = ann.Projection(pop, pop, "exc", LEARNING, name="AA").connect_one_to_one(0.5)
    pop.save("pop.data")
    proj.save("proj.data")
    with open("pop.data", "rb") as f:
        desc = pickle.load(f)
    assert desc["I"].tolist() == [1.0, 2.0, 3.0] and desc["tau"] == 10.0 and "annarray_state" not in desc
    with open("proj.data", "rb") as f:
        desc = pickle.load(f)
    assert desc["pre_ranks"].tolist() == [[0], [1], [2]] and desc["w"].tolist() == [[0.5]] * 3


def test_load_before_compile_sets_values_and_synapses(paradigm):
    """A network loaded before compile() starts from the file's values and synapses."""
    _, _, ab = _network(1, spiking=False)
    ann.simulate(6.0)
    ann.save("state.npz")
    v, w, post = default_network().get_population("B").v.copy(), ab.w, ab.post_ranks
    ann.clear()
    ann.setup(seed=9)
    ann.Population((2, 3), RATE, name="A")
    b = ann.Population(4, RATE, name="B")
    ann.Projection(default_network().get_population("A"), b, "exc", LEARNING, name="AB")  # not connected
    ann.Projection(default_network().get_population("A"), b, "inh", name="AB2").connect_all_to_all(0.05)
    ann.load("state.npz")
    ann.compile()
    ab = default_network().get_projection("AB")
    assert b.v.tobytes() == v.tobytes() and ab.w == w and ab.post_ranks == post
    assert ann.get_current_step() == 6


# -- file layout (reference) ------------------------------------------------------------------

def test_file_layout_is_the_references():
    """Top-level keys, population and projection entries as the reference writes them
    (docs/reference_facts.md O1)."""
    a, _, _ = _network(1)
    ann.simulate(3.0)
    ann.save("state.data")
    with open("state.data", "rb") as f:
        desc = pickle.load(f)
    assert desc["time_step"] == 3 and desc["net_id"] == 0
    assert desc["obj_names"] == {"populations": ["A", "B", "S"], "projections": ["AB", "AB2", "SS"]}
    pop = desc["A"]
    assert pop["name"] == "A" and pop["geometry"] == (2, 3) and pop["size"] == 6
    assert pop["attributes"] == ["tau", "I", "base", "v", "r", "n"]
    assert pop["parameters"] == ["tau", "I", "base"] and pop["variables"] == ["v", "r", "n"]
    assert isinstance(pop["tau"], float) and pop["v"].shape == (2, 3) and pop["n"].dtype == np.int64
    proj = desc["AB"]
    assert (proj["pre"], proj["post"], proj["target"]) == ("A", "B", "exc")
    assert proj["attributes"] == ["eta", "k", "c", "trace", "w", "x"]
    assert isinstance(proj["eta"], float) and proj["k"].shape == (len(proj["post_ranks"]),)
    ragged = proj["pre_ranks"]
    assert len(ragged) == len(proj["post_ranks"])
    assert [len(r) for r in ragged] == [len(w) for w in proj["w"]] == [len(d) for d in proj["delays"]]
    uniform = desc["AB2"]
    assert uniform["pre_ranks"].shape == (4, 6) and uniform["delays"] == 2.0 and uniform["w"] == 0.05


def test_npz_holds_one_entry_per_object():
    """In .npz files each object is a 0-d object array holding its dictionary; the time
    step is an integer array (reference, O1)."""
    _network(1, spiking=False)
    ann.save("state.npz")
    with np.load("state.npz", allow_pickle=True) as f:
        assert sorted(f.files) == ["A", "AB", "AB2", "B", "net_id", "obj_names", "time_step"]
        assert f["A"].dtype == object and f["A"].shape == () and f["time_step"].shape == ()


def test_loads_a_file_in_the_references_layout():
    """A file as the reference writes it (lists of lists, no annarray_state, delays of
    synapses with no delay reported as dt) loads: values, synapses and time (O1)."""
    a = ann.Population(2, RATE, name="A")
    proj = ann.Projection(a, a, "exc", LEARNING, name="AA").connect_all_to_all(0.1)
    ann.compile()
    reference = {
        "time_step": 12, "net_id": 0, "obj_names": {"populations": ["A"], "projections": ["AA"]},
        "A": {"name": "A", "geometry": (2,), "size": 2, "attributes": ["tau", "I", "base", "v", "r", "n"],
              "parameters": ["tau", "I", "base"], "variables": ["v", "r", "n"], "tau": 5.0,
              "I": np.array([0.1, 0.2]), "base": np.array([1.0, 1.0]), "v": np.array([0.5, 0.6]),
              "r": np.array([0.5, 0.6]), "n": np.array([12, 12])},
        "AA": {"name": "AA", "pre": "A", "post": "A", "target": "exc", "post_ranks": [0, 1],
               "attributes": ["eta", "k", "c", "trace", "w", "x"], "parameters": ["eta", "k", "c"],
               "variables": ["trace", "w", "x"], "delays": 1.0,
               "pre_ranks": np.array([list([1]), list([0, 1])], dtype=object),
               "eta": 0.5, "k": [3.0, 4.0], "c": np.array([list([1.0]), list([2.0, 3.0])], dtype=object),
               "trace": [0.1, 0.2], "w": np.array([list([0.7]), list([0.8, 0.9])], dtype=object),
               "x": np.array([list([5.0]), list([6.0, 7.0])], dtype=object)},
    }
    with open("reference.data", "wb") as f:
        pickle.dump(reference, f)
    ann.load("reference.data")
    assert ann.get_current_step() == 12 and a.tau == 5.0 and a.v.tolist() == [0.5, 0.6]
    assert [proj.dendrite(r).pre_ranks for r in proj.post_ranks] == [[1], [0, 1]]
    assert proj.w == [[0.7], [0.8, 0.9]] and proj.x == [[5.0], [6.0, 7.0]] and proj.k == [3.0, 4.0]
    assert proj.eta == 0.5 and proj.delay == 1.0


def test_unsorted_synapses_in_a_file_are_sorted_with_their_values():
    """Dendrites and synapses listed out of order (possible in reference files) come in
    sorted, each value staying with its synapse."""
    a = ann.Population(3, RATE, name="A")
    proj = ann.Projection(a, a, "exc", LEARNING, name="AA").connect_all_to_all(0.1)
    ann.compile()
    desc = {"post_ranks": [2, 0], "pre_ranks": [[1, 0], [2]], "w": [[0.21, 0.20], [0.02]],
            "x": [[1.0, 2.0], [3.0]], "trace": [9.0, 8.0], "delays": 1.0,
            "attributes": ["w", "x", "trace"]}
    with open("aa.data", "wb") as f:
        pickle.dump(desc, f)
    proj.load("aa.data")
    assert proj.post_ranks == [0, 2]
    assert proj.w == [[0.02], [0.20, 0.21]] and proj.x == [[3.0], [2.0, 1.0]] and proj.trace == [8.0, 9.0]


def test_unknown_saved_attribute_is_skipped_with_a_warning(caplog):
    """A saved attribute the neuron no longer has is skipped (reference: warning), the
    others load."""
    a = ann.Population(2, RATE, name="A")
    ann.compile()
    a.save("a.data")
    with open("a.data", "rb") as f:
        desc = pickle.load(f)
    desc["attributes"].append("gone")
    desc["gone"] = np.ones(2)
    desc["v"] = np.array([3.0, 4.0])
    with open("a.data", "wb") as f:
        pickle.dump(desc, f)
    a.load("a.data")
    assert a.v.tolist() == [3.0, 4.0]
    assert "gone" in caplog.text


# -- refused files leave the network unchanged ------------------------------------------------

def _saved_and_unchanged(build_other):
    """Saves the standard network, builds another with ``build_other()``, and returns a
    function asserting that its state did not change."""
    _network(1)
    ann.simulate(5.0)
    ann.save("state.npz")
    ann.clear()
    build_other()
    ann.simulate(3.0)
    before = _snapshot()
    return lambda: _differences(before, _snapshot()) == []


def test_other_population_size_is_refused_and_nothing_changes():
    unchanged = _saved_and_unchanged(lambda: _network(1, size_b=5))
    with pytest.raises(StateMismatchError, match="'B'.*4 neurons.*5"):
        ann.load("state.npz")
    assert unchanged()


def test_missing_projection_is_refused_and_nothing_changes():
    unchanged = _saved_and_unchanged(lambda: _network(1, with_inh=False))
    with pytest.raises(StateMismatchError, match="AB2"):
        ann.load("state.npz")
    assert unchanged()


def test_extra_network_object_is_refused():
    """The network has a population the file lacks."""
    def build():
        ann.Population(2, RATE, name="extra")
        _network(1)

    unchanged = _saved_and_unchanged(build)
    with pytest.raises(StateMismatchError, match="extra"):
        ann.load("state.npz")
    assert unchanged()


def test_other_target_is_refused():
    def build():
        ann.setup(seed=1)
        a = ann.Population((2, 3), RATE, name="A")
        b = ann.Population(4, RATE, name="B")
        ann.Projection(a, b, "exc", LEARNING, name="AB").connect_all_to_all(0.1)
        ann.Projection(a, b, "exc", name="AB2").connect_all_to_all(0.05)
        s = ann.Population(4, ann.Izhikevich, name="S")
        ann.Projection(s, s, "exc", ann.STDP, name="SS").connect_all_to_all(0.1)
        ann.compile()

    unchanged = _saved_and_unchanged(build)
    with pytest.raises(StateMismatchError, match="target 'inh'"):
        ann.load("state.npz")
    assert unchanged()


def test_projection_ranks_outside_the_populations_are_refused():
    """Projection.load of synapses from a larger population: refused, synapses unchanged."""
    big = ann.Population(6, RATE, name="big")
    ann.Projection(big, big, "exc", name="P").connect_all_to_all(0.5)
    ann.compile()
    default_network().get_projection("P").save("p.npz")
    ann.clear()
    small = ann.Population(3, RATE, name="small")
    proj = ann.Projection(small, small, "exc", name="P").connect_one_to_one(0.5)
    ann.compile()
    with pytest.raises(StateMismatchError, match="rank 5"):
        proj.load("p.npz")
    assert proj.post_ranks == [0, 1, 2] and proj.w == 0.5


def test_population_file_of_another_size_is_refused():
    a = ann.Population(4, RATE, name="A")
    b = ann.Population(5, RATE, name="B")
    ann.compile()
    a.save("a.npz")
    v = b.v.copy()
    with pytest.raises(StateMismatchError, match="4 neurons"):
        b.load("a.npz")
    assert b.v.tobytes() == v.tobytes()


def test_a_network_file_is_refused_by_population_load():
    a = ann.Population(2, RATE, name="A")
    ann.compile()
    ann.save("net.data")
    with pytest.raises(StateFileError, match="whole network"):
        a.load("net.data")


@pytest.mark.parametrize("ext", FORMATS)
def test_corrupted_file_is_refused_and_nothing_changes(ext):
    """Bytes that are not a saved state: a clear error, the network as it was."""
    unchanged = _saved_and_unchanged(lambda: _network(1))
    with open("bad" + ext, "wb") as f:
        f.write(b"this is not a saved network" * 10)
    with pytest.raises(StateFileError, match="cannot read"):
        ann.load("bad" + ext)
    assert unchanged()


@pytest.mark.parametrize("ext", [".npz", ".data.gz", ".h5"])
def test_truncated_file_is_refused(ext):
    _network(1, spiking=False)
    ann.save("full" + ext)
    with open("full" + ext, "rb") as f:
        content = f.read()
    with open("cut" + ext, "wb") as f:
        f.write(content[: len(content) // 2])
    v = default_network().get_population("B").v.copy()
    with pytest.raises(StateFileError):
        ann.load("cut" + ext)
    assert default_network().get_population("B").v.tobytes() == v.tobytes()


def test_missing_file_is_refused():
    _network(1, spiking=False)
    with pytest.raises(StateFileError, match="does not exist"):
        ann.load("nowhere.npz")


def test_errors_are_annarray_errors():
    assert issubclass(StateMismatchError, AnnarrayError) and issubclass(StateFileError, AnnarrayError)


# -- atomic writes ----------------------------------------------------------------------------

def test_interrupted_write_keeps_the_previous_file(monkeypatch):
    """A writer failing half-way leaves the previous file intact and no temporary file."""
    _network(1, spiking=False)
    ann.save("state.data")
    with open("state.data", "rb") as f:
        previous = f.read()
    ann.simulate(5.0)

    def failing_dump(data, f, protocol=None):
        f.write(b"half of a pickle")
        raise OSError("disk full")

    monkeypatch.setattr(state_files.pickle, "dump", failing_dump)
    with pytest.raises(StateFileError, match="disk full.*unchanged"):
        ann.save("state.data")
    with open("state.data", "rb") as f:
        assert f.read() == previous
    assert not [n for n in os.listdir(".") if n.endswith(".part")]


def test_interrupted_by_keyboard_keeps_the_previous_file(monkeypatch):
    """Ctrl-C during the write: the interrupt propagates, the previous file stays."""
    _network(1, spiking=False)
    ann.save("state.npz")
    with open("state.npz", "rb") as f:
        previous = f.read()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(state_files.np, "savez_compressed", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ann.save("state.npz")
    with open("state.npz", "rb") as f:
        assert f.read() == previous
    assert not [n for n in os.listdir(".") if n.endswith(".part")]


def test_save_creates_the_folder_and_gzip_compresses():
    _network(1, spiking=False)
    ann.save(os.path.join("results", "run1", "state.data.gz"))
    with gzip.open(os.path.join("results", "run1", "state.data.gz"), "rb") as f:
        assert pickle.load(f)["obj_names"]["populations"] == ["A", "B"]


# -- other objects ----------------------------------------------------------------------------

def test_inputs_and_view_projections_round_trip(paradigm):
    """Input populations (whose driven attributes set() refuses, e.g. TimedArray's r) and
    projections between views come back bit for bit."""
    ann.setup(seed=4)
    poisson = ann.PoissonPopulation(10, rates=100.0, name="P")
    timed = ann.TimedArray(rates=np.linspace(0.0, 1.0, 40).reshape(10, 4), name="TA")
    rate = ann.Population(4, ann.LeakyIntegrator, name="R")
    cells = ann.Population(5, ann.IF_cond_exp, name="I")
    ann.Projection(poisson, cells, "exc", name="PI").connect_fixed_probability(0.5, 0.2, delays=3.0)
    ann.Projection(timed, rate, "exc", name="TR").connect_one_to_one(1.0)
    ann.Projection(rate[1:3], rate[0:2], "inh", name="V").connect_all_to_all(0.1, delays=ann.DiscreteUniform(1, 4))
    ann.compile()
    ann.simulate(12.0)
    ann.save("inputs.h5")
    saved = _snapshot()
    ann.simulate(5.0)
    ann.load("inputs.h5")
    assert _differences(saved, _snapshot()) == []


def test_monitor_of_replaced_synapses_records_the_new_ones(caplog):
    """A monitor of a projection whose synapses the load replaces: its data is dropped (with
    a warning) and it records the loaded synapses from the loaded time on."""
    _, _, ab = _network(1, spiking=False)
    ann.simulate(5.0)
    ann.save("state.npz")
    saved = ab.nb_synapses
    _, _, ab = _fresh(seed=2, spiking=False)
    assert ab.nb_synapses != saved
    monitor = ann.Monitor(ab, "w")
    ann.simulate(2.0)
    ann.load("state.npz")
    ann.simulate(3.0)
    w = monitor.get("w")
    assert "monitor" in caplog.text
    assert len(w) == 3 and sum(len(d) for d in w[0]) == saved
    assert monitor.times()["w"] == {"start": [5], "stop": [8]}


def test_projections_marked_unsaveable_are_left_out():
    """Projection classes with ``_saveable = False`` (the reference's shared-weight
    projections) are neither saved nor expected by load()."""

    class Unsaved(ann.Projection):
        _saveable = False

    pop = ann.Population(3, RATE, name="A")
    Unsaved(pop, pop, "exc", name="U").connect_all_to_all(0.1)
    ann.Projection(pop, pop, "inh", name="K").connect_all_to_all(0.2)
    ann.compile()
    ann.save("state.data")
    with open("state.data", "rb") as f:
        assert pickle.load(f)["obj_names"]["projections"] == ["K"]
    ann.load("state.data")
