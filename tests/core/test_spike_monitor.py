"""Monitor(pop, 'spike'): the recorded dict, views, periods, start/pause/resume, keep,
reset, size_in_bytes, chunk growth and bad input.

The neurons fire at chosen times: ``spike = (t == s1) or (t == s2) ...`` with per-neuron
parameters, so every expected spike step is known. Figures marked "measured on ANNarchy
4.8.2" come from the reference on the same model (docs/reference_facts.md, section L).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import NetworkError

# spike times (ms) of the five neurons of `chosen_population()`; -1 = unused slot
SCHEDULE = {
    "s1": [2, 0, -1, 7, 3],
    "s2": [5, 4, -1, -1, 5],
    "s3": [9, 8, -1, -1, 11],
    "s4": [-1, 12, -1, -1, -1],
}
# what get('spike') returns after 15 steps with dt = 1 (measured on ANNarchy 4.8.2)
EXPECTED = {0: [2, 5, 9], 1: [0, 4, 8, 12], 2: [], 3: [7], 4: [3, 5, 11]}


def chosen_population():
    """Five neurons spiking at the times of SCHEDULE (ms); neuron 2 stays silent."""
    neuron = ann.Neuron(
        parameters="s1 = -1.0\ns2 = -1.0\ns3 = -1.0\ns4 = -1.0",
        equations="v = t",
        spike="(t == s1) or (t == s2) or (t == s3) or (t == s4)",
        reset="",
    )
    pop = ann.Population(5, neuron, name="P")
    for name, values in SCHEDULE.items():
        setattr(pop, name, [float(x) for x in values])
    return pop


def counter_population(periods, name="Q"):
    """Neurons spiking every ``periods[i]`` steps, first at step ``periods[i] - 1``."""
    neuron = ann.Neuron(parameters="p = 3.0", equations="c = c + 1", spike="c >= p", reset="c = 0")
    pop = ann.Population(len(periods), neuron, name=name)
    pop.p = [float(p) for p in periods]
    return pop


def test_get_spike_is_a_dict_of_step_lists_with_silent_neurons(paradigm):
    """Measured on ANNarchy 4.8.2: {rank: [steps]} for every neuron, silent ones included."""
    pop = chosen_population()
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(15)
    assert mon.get("spike") == EXPECTED


def test_spike_steps_and_ranks_are_python_ints(paradigm):
    pop = chosen_population()
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(15)
    data = mon.get("spike")
    assert all(type(k) is int for k in data)
    assert all(type(s) is int and isinstance(v, list) for v in data.values() for s in v)


def test_recorded_step_is_the_step_index_of_the_spike(paradigm):
    # dt = 0.5: a spike emitted when t == 1.0 ms and 2.5 ms is recorded at steps 2 and 5
    ann.setup(dt=0.5)
    pop = ann.Population(1, ann.Neuron(equations="v = t", spike="(t == 1.0) or (t == 2.5)", reset=""))
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(5.0)
    assert mon.get("spike") == {0: [2, 5]}


def test_view_records_only_its_neurons_keyed_by_population_rank(paradigm):
    """Measured on ANNarchy 4.8.2: P[[4, 1, 2]] gives {1: [...], 2: [], 4: [...]} (sorted)."""
    pop = chosen_population()
    mon = ann.Monitor(pop[[4, 1, 2]], "spike")
    ann.compile()
    ann.simulate(15)
    data = mon.get("spike")
    assert list(data) == [1, 2, 4]
    assert data == {1: [0, 4, 8, 12], 2: [], 4: [3, 5, 11]}


def test_individual_neuron(paradigm):
    """Measured on ANNarchy 4.8.2: Monitor(P[3], 'spike') -> {3: [7]}."""
    pop = chosen_population()
    mon = ann.Monitor(pop[3], "spike")
    ann.compile()
    ann.simulate(15)
    assert mon.get("spike") == {3: [7]}


def test_view_of_the_whole_population(paradigm):
    pop = chosen_population()
    mon = ann.Monitor(pop[:], "spike")
    ann.compile()
    ann.simulate(15)
    assert mon.get("spike") == EXPECTED


def test_period_does_not_thin_spikes(paradigm):
    """Measured on ANNarchy 4.8.2: period=3.0 still records every spike."""
    pop = chosen_population()
    mon = ann.Monitor(pop, "spike", period=3.0)
    ann.compile()
    ann.simulate(15)
    assert mon.get("spike") == EXPECTED


def test_spike_with_a_variable_keeps_the_period_for_the_variable(paradigm):
    """Measured on ANNarchy 4.8.2: ['spike', 'v'], period 3, offset 1 -> v at steps
    1, 4, 7, 10, 13 (v = t) and all the spikes."""
    pop = chosen_population()
    mon = ann.Monitor(pop, ["spike", "v"], period=3.0, period_offset=1.0)
    ann.compile()
    ann.simulate(15)
    data = mon.get()
    assert data["spike"] == EXPECTED
    np.testing.assert_array_equal(data["v"][:, 0], [1.0, 4.0, 7.0, 10.0, 13.0])


def test_get_empties_the_recording(paradigm):
    """Measured on ANNarchy 4.8.2: a second get() gives every neuron an empty list."""
    pop = chosen_population()
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(15)
    mon.get("spike")
    assert mon.get("spike") == {rank: [] for rank in range(5)}


def test_keep_true_keeps_the_recording(paradigm):
    pop = chosen_population()
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(15)
    mon.get("spike", keep=True)
    assert mon.get("spike") == EXPECTED


def test_pause_drops_spikes_until_resume(paradigm):
    """Measured on ANNarchy 4.8.2: paused during steps 6..8, the spikes at 7 and 8 are lost;
    times() -> start [0, 9], stop [6, 15]."""
    pop = chosen_population()
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(6)
    mon.pause()
    ann.simulate(3)
    mon.resume()
    ann.simulate(6)
    assert mon.get("spike") == {0: [2, 5, 9], 1: [0, 4, 12], 2: [], 3: [], 4: [3, 5, 11]}
    assert mon.times() == {"spike": {"start": [0, 9], "stop": [6, 15]}}


def test_monitor_created_after_compile_records_from_its_creation(paradigm):
    """Measured on ANNarchy 4.8.2 (with dt = 0.1; the counter model fires at the same steps for
    any dt): created at step 4, the monitor records from step 4 on; times() start [4]."""
    pop = counter_population([3, 4, 5])
    ann.compile()
    ann.simulate(4)
    mon = ann.Monitor(pop, "spike")
    ann.simulate(26)
    assert mon.get("spike") == {
        0: [5, 8, 11, 14, 17, 20, 23, 26, 29],
        1: [7, 11, 15, 19, 23, 27],
        2: [4, 9, 14, 19, 24, 29],
    }
    assert mon.times() == {"spike": {"start": [4], "stop": [30]}}


def test_start_false_records_after_start(paradigm):
    pop = counter_population([3, 4, 5])
    mon = ann.Monitor(pop, "spike", start=False)
    ann.compile()
    ann.simulate(4)
    mon.start()
    ann.simulate(6)
    assert mon.get("spike") == {0: [5, 8], 1: [7], 2: [4, 9]}


def test_monitor_reset_empties_the_recording(paradigm):
    pop = counter_population([3, 4, 5])
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(10)
    mon.reset()
    assert mon.get("spike") == {0: [], 1: [], 2: []}


def test_network_reset_restarts_recording_at_step_0(paradigm):
    """Measured on ANNarchy 4.8.2 (with dt = 0.1: 40 steps, reset(), 5 steps; the counter model
    fires at the same steps for any dt): {0: [2], 1: [3], 2: [4]}, times() start [0], stop [5]."""
    pop = counter_population([3, 4, 5])
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(40)
    ann.reset()
    ann.simulate(5)
    assert mon.get("spike") == {0: [2], 1: [3], 2: [4]}
    assert mon.times() == {"spike": {"start": [0], "stop": [5]}}


def test_stop_discards_the_recording(paradigm):
    pop = counter_population([3, 4, 5])
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    ann.simulate(10)
    mon.stop()
    assert mon.get("spike") == {0: [], 1: [], 2: []}


def test_get_before_compile_gives_empty_lists():
    pop = chosen_population()
    mon = ann.Monitor(pop[1:3], "spike")
    assert mon.get("spike") == {1: [], 2: []}


def test_size_in_bytes_counts_the_events(paradigm):
    # 11 events recorded: the size is 11 times the bytes of one (rank, step) pair, 0 when empty
    pop = chosen_population()
    mon = ann.Monitor(pop, "spike")
    ann.compile()
    assert mon.size_in_bytes() == 0
    ann.simulate(15)
    size = mon.size_in_bytes()
    assert size % 11 == 0 and 8 < size // 11 <= 16
    mon.get("spike")
    assert mon.size_in_bytes() == 0


def test_recording_across_chunk_boundaries(paradigm):
    # 3000 neurons all firing at every step: 15000 events cross the 4096-event chunks in the
    # middle of a step; every neuron must read [0, 1, 2, 3, 4]
    pop = counter_population([1] * 3000)
    mon = ann.Monitor(pop, "spike")
    view = ann.Monitor(pop[::7], "spike")
    ann.compile()
    ann.simulate(5)
    assert mon.get("spike") == {rank: [0, 1, 2, 3, 4] for rank in range(3000)}
    assert view.get("spike") == {rank: [0, 1, 2, 3, 4] for rank in range(0, 3000, 7)}


def test_axon_spikes_are_recorded_separately(paradigm):
    # regular spikes at t = 2, axonal spikes at t = 4 (t = 6 is both: a regular spike only)
    neuron = ann.Neuron(equations="v = t", spike="t == 2.0 or t == 6.0",
                        axon_spike="t == 4.0 or t == 6.0", reset="", axon_reset="")
    pop = ann.Population(2, neuron)
    mon = ann.Monitor(pop, ["spike", "axon_spike"])
    ann.compile()
    ann.simulate(8)
    data = mon.get()
    assert data["spike"] == {0: [2, 6], 1: [2, 6]}
    assert data["axon_spike"] == {0: [4], 1: [4]}


def test_spike_of_a_rate_coded_population_is_refused():
    pop = ann.Population(3, ann.Neuron(equations="r = 1.0"), name="rates")
    with pytest.raises(NetworkError, match="'rates'.*rate-coded"):
        ann.Monitor(pop, "spike")


def test_start_with_spike_on_a_rate_coded_population_is_refused():
    pop = ann.Population(3, ann.Neuron(equations="r = 1.0"), name="rates")
    mon = ann.Monitor(pop, "r", start=False)
    with pytest.raises(NetworkError, match="rate-coded"):
        mon.start(variables=["spike"])


def test_axon_spike_without_axon_condition_is_refused():
    pop = chosen_population()
    with pytest.raises(NetworkError, match="'P'.*axon_spike="):
        ann.Monitor(pop, "axon_spike")


def test_spike_of_a_projection_is_refused():
    pre = ann.Population(2, ann.Neuron(equations="r = 1.0"), name="A")
    post = ann.Population(2, ann.Neuron(equations="r = sum(exc)"), name="B")
    proj = ann.Projection(pre, post, "exc")
    proj.connect_all_to_all(1.0)
    with pytest.raises(NetworkError, match="populations of spiking neurons"):
        ann.Monitor(proj, "spike")
