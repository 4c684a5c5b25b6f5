"""Monitor: shapes, rows, periods, start/pause/resume, get() forms, times(), size_in_bytes().

Reference facts: docs/reference_facts.md section C (and B for population-wide variables).
The models are chosen so that every recorded value is known: with ``r = t`` the value after
step n (counting from 1) is n - 1; with ``r = r + 1`` it is n.
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError

COUNTER = "r = r + 1"
CLOCK = "r = t"


def population(geometry=(2, 3), equations=CLOCK, **kwargs):
    return ann.Population(geometry, ann.Neuron(equations=equations), **kwargs)


def test_shape_and_row_zero_is_after_the_first_step(paradigm):
    # FACTS §C: pop (2, 3), r = t, monitor before compile, simulate(5) -> shape (5, 6),
    # column 0 = [0, 1, 2, 3, 4]: row 0 is the value computed during step 1, not the initial one
    pop = population()
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(5)
    data = mon.get("r")
    assert data.shape == (5, 6)
    np.testing.assert_array_equal(data, np.repeat(np.arange(5.0)[:, None], 6, axis=1))


def test_rows_are_values_after_each_step(paradigm):
    pop = population(3, COUNTER)
    pop.r = [0.0, 10.0, 20.0]
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(3)
    np.testing.assert_array_equal(mon.get("r"), [[1, 11, 21], [2, 12, 22], [3, 13, 23]])


def test_several_variables(paradigm):
    pop = ann.Population(2, ann.Neuron(equations="v = v + 2\nr = t"))
    mon = ann.Monitor(pop, ["v", "r"])
    ann.compile()
    ann.simulate(3)
    data = mon.get()
    assert sorted(data) == ["r", "v"]
    np.testing.assert_array_equal(data["v"], [[2, 2], [4, 4], [6, 6]])
    np.testing.assert_array_equal(data["r"], [[0, 0], [1, 1], [2, 2]])


@pytest.mark.parametrize(
    "period, offset, created_at, expected",
    [
        # recorded iff (step - created_at % period) % period == offset (FACTS §C),
        # where step is the index of the step (its t with dt = 1)
        (2.0, 0.0, 0, [0, 2, 4, 6, 8]),
        (2.0, 1.0, 0, [1, 3, 5, 7, 9]),
        (3.0, 0.0, 0, [0, 3, 6, 9]),
        (3.0, 2.0, 0, [2, 5, 8]),
        (3.0, 0.0, 4, [4, 7]),  # phase = 4 % 3 = 1
        (3.0, 1.0, 4, [5, 8]),
        (4.0, 3.0, 5, [8]),  # phase = 1: steps 5..9 with (s - 1) % 4 == 3 -> 8
    ],
)
def test_period_and_offset(paradigm, period, offset, created_at, expected):
    pop = population(2)
    ann.compile()
    ann.simulate(created_at)
    mon = ann.Monitor(pop, "r", period=period, period_offset=offset)
    ann.simulate(10 - created_at)
    np.testing.assert_array_equal(mon.get("r")[:, 0], expected)


def test_period_with_dt_half(paradigm):
    # dt = 0.5, period 1.5 ms = 3 steps; r = t records t at steps 0, 3, 6 -> 0, 1.5, 3.0
    ann.setup(dt=0.5)
    pop = population(1)
    mon = ann.Monitor(pop, "r", period=1.5)
    ann.compile()
    ann.simulate(4.0)  # 8 steps
    np.testing.assert_array_equal(mon.get("r")[:, 0], [0.0, 1.5, 3.0])


def test_period_offset_not_smaller_than_period_raises():
    # FACTS §C: "value of period_offset must be smaller than period"
    pop = population(2)
    with pytest.raises(AnnarrayError, match="period"):
        ann.Monitor(pop, "r", period=2.0, period_offset=2.0)


def test_start_false_then_start_pause_resume(paradigm):
    # FACTS §C (measured): period 2, offset 1, start=False, made before compile. simulate(5)
    # without recording; start() at 5; simulate(6); pause() at 11; simulate(4); resume() at
    # 15; simulate(5). -> shape (6, 6), values [5, 7, 9, 15, 17, 19]
    pop = population()
    mon = ann.Monitor(pop, ["r"], period=2.0, period_offset=1.0, start=False)
    ann.compile()
    ann.simulate(5)
    assert mon.get("r", keep=True).size == 0
    mon.start()
    ann.simulate(6)
    mon.pause()
    ann.simulate(4)
    mon.resume()
    ann.simulate(5)
    data = mon.get("r", keep=True)
    assert data.shape == (6, 6)
    np.testing.assert_array_equal(data[:, 0], [5, 7, 9, 15, 17, 19])
    np.testing.assert_array_equal(data[:, 5], [5, 7, 9, 15, 17, 19])


def test_times_of_start_pause_resume(paradigm):
    # FACTS §C (measured): the reference reports {'start': [0, 15], 'stop': [11, 20]} here;
    # its first start stays 0 because start() without period= forgets to record the step.
    # annarray deliberately reports when recording really started (step 5), the rest equal.
    pop = population()
    mon = ann.Monitor(pop, ["r"], period=2.0, period_offset=1.0, start=False)
    ann.compile()
    ann.simulate(5)
    mon.start()
    ann.simulate(6)
    mon.pause()
    ann.simulate(4)
    mon.resume()
    ann.simulate(5)
    mon.get("r", keep=True)
    assert mon.times() == {"r": {"start": [5, 15], "stop": [11, 20]}}


def test_pause_resume_gap_every_step(paradigm):
    pop = population(1, COUNTER)
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(2)  # rows 1, 2
    mon.pause()
    ann.simulate(3)  # r = 3, 4, 5 not recorded
    mon.resume()
    ann.simulate(2)  # rows 6, 7
    np.testing.assert_array_equal(mon.get("r")[:, 0], [1, 2, 6, 7])


def test_start_false_records_nothing_until_start(paradigm):
    pop = population(1, COUNTER)
    mon = ann.Monitor(pop, "r", start=False)
    ann.compile()
    ann.simulate(3)
    assert mon.get("r").shape == (0,)
    mon.start()
    ann.simulate(2)
    np.testing.assert_array_equal(mon.get("r")[:, 0], [4, 5])


def test_get_clears_by_default(paradigm):
    # FACTS §C: keep=False is the default; a second get() returns np.array([]) (shape (0,))
    pop = population(3, COUNTER)
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(2)
    assert mon.get("r").shape == (2, 3)
    second = mon.get("r")
    assert isinstance(second, np.ndarray) and second.shape == (0,)
    ann.simulate(1)
    np.testing.assert_array_equal(mon.get("r"), [[3, 3, 3]])


def test_get_keep_true_keeps_the_data(paradigm):
    pop = population(3, COUNTER)
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(2)
    first = mon.get("r", keep=True)
    ann.simulate(1)
    second = mon.get("r", keep=True)
    np.testing.assert_array_equal(first, [[1, 1, 1], [2, 2, 2]])
    np.testing.assert_array_equal(second, [[1, 1, 1], [2, 2, 2], [3, 3, 3]])


def test_get_list_of_one_name_is_a_bare_array(paradigm):
    # FACTS §C: get(['r']) with ONE name still returns the bare array
    pop = population(2, COUNTER)
    mon = ann.Monitor(pop, ["r"])
    ann.compile()
    ann.simulate(2)
    data = mon.get(["r"])
    assert isinstance(data, np.ndarray)
    np.testing.assert_array_equal(data, [[1, 1], [2, 2]])


def test_get_without_argument_is_a_dict(paradigm):
    # FACTS §C: get() -> {'r': (T, size)}
    pop = population()
    mon = ann.Monitor(pop, ["r"])
    ann.compile()
    ann.simulate(2)
    data = mon.get()
    assert isinstance(data, dict) and list(data) == ["r"]
    assert data["r"].shape == (2, 6)


def test_get_force_dict(paradigm):
    pop = population(2, COUNTER)
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(1)
    data = mon.get("r", force_dict=True)
    assert isinstance(data, dict)
    np.testing.assert_array_equal(data["r"], [[1, 1]])


def test_get_reshape(paradigm):
    # FACTS §C: reshape=True -> (T,) + geometry: (6, 2, 3) for geometry (2, 3)
    pop = population((2, 3), COUNTER)
    pop.r = np.arange(6.0).reshape(2, 3)
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(6)
    data = mon.get("r", reshape=True)
    assert data.shape == (6, 2, 3)
    np.testing.assert_array_equal(data[0], np.arange(6.0).reshape(2, 3) + 1)
    np.testing.assert_array_equal(data[5], np.arange(6.0).reshape(2, 3) + 6)


def test_population_wide_variable_is_one_dimensional(paradigm):
    # FACTS §B: r = r + 1 : init=5.0 (3 neurons), m = max(r) : population (one-step lag)
    # -> recorded m = [0, 6, 7, 8, 9], a 1-D array of shape (T,)
    neuron = ann.Neuron(equations="r = r + 1 : init=5.0\nm = max(r) : population")
    pop = ann.Population(3, neuron)
    mon = ann.Monitor(pop, "m")
    ann.compile()
    ann.simulate(5)
    data = mon.get("m")
    assert data.shape == (5,)
    np.testing.assert_array_equal(data, [0.0, 6.0, 7.0, 8.0, 9.0])


def test_population_wide_time_variable(paradigm):
    neuron = ann.Neuron(equations="g = 2 * t : population\nr = g")
    pop = ann.Population(4, neuron)
    mon = ann.Monitor(pop, ["g", "r"])
    ann.compile()
    ann.simulate(3)
    data = mon.get()
    assert data["g"].shape == (3,)
    np.testing.assert_array_equal(data["g"], [0.0, 2.0, 4.0])
    np.testing.assert_array_equal(data["r"], [[0.0] * 4, [2.0] * 4, [4.0] * 4])


def test_times_are_in_steps(paradigm):
    # FACTS §C: times() -> {var: {'start': [...], 'stop': [...]}} in steps, from the last get();
    # after a get without keep the start is reset to the current step
    ann.setup(dt=0.5)
    pop = population(2)
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(2.5)  # 5 steps
    mon.get("r")
    assert mon.times() == {"r": {"start": [0], "stop": [5]}}
    ann.simulate(1.0)  # 2 steps
    mon.get("r")
    assert mon.times() == {"r": {"start": [5], "stop": [7]}}


def test_times_before_any_get(paradigm):
    # FACTS §C: before any get, times() is {'start': [creation or compile step], 'stop': [None]}
    pop = population(2)
    ann.compile()
    ann.simulate(3)
    mon = ann.Monitor(pop, "r")
    ann.simulate(2)
    assert mon.times() == {"r": {"start": [3], "stop": [None]}}


def test_size_in_bytes_grows_with_rows_and_columns(paradigm):
    # annarray's own definition: bytes of the recorded data = rows x columns x 8 (float64).
    # (The reference reports the C++ vector capacity, FACTS §C; annarray does not copy it.)
    pop = population((2, 3))
    mon = ann.Monitor(pop, "r")
    ann.compile()
    assert mon.size_in_bytes() == 0
    ann.simulate(5)
    assert mon.size_in_bytes() == 5 * 6 * 8
    ann.simulate(5)
    assert mon.size_in_bytes() == 10 * 6 * 8
    assert isinstance(mon.size_in_bytes(), int)
    mon.get("r")
    assert mon.size_in_bytes() == 0


def test_monitor_created_after_compile(paradigm):
    pop = population(2, COUNTER)
    ann.compile()
    ann.simulate(3)
    mon = ann.Monitor(pop, "r")
    ann.simulate(2)
    np.testing.assert_array_equal(mon.get("r"), [[4, 4], [5, 5]])


def test_monitor_on_unknown_attribute_raises(paradigm):
    pop = population(2, name="monpop")
    with pytest.raises(AnnarrayError, match="nothere"):
        ann.Monitor(pop, "nothere")
    # the network stays usable
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(2)
    np.testing.assert_array_equal(mon.get("r"), [[0, 0], [1, 1]])


def test_get_of_a_variable_not_recorded_raises(paradigm):
    neuron = ann.Neuron(equations="v = v + 1\nr = t")
    pop = ann.Population(2, neuron)
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(1)
    with pytest.raises(AnnarrayError, match="v"):
        mon.get("v")


def test_long_recording_beyond_one_chunk(paradigm):
    pop = population(3)
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(3000)
    data = mon.get("r")
    assert data.shape == (3000, 3)
    np.testing.assert_array_equal(data[:, 0], np.arange(3000.0))
    np.testing.assert_array_equal(data[:, 2], np.arange(3000.0))


def test_long_recording_with_period_and_keep(paradigm):
    pop = population(2)
    mon = ann.Monitor(pop, "r", period=2.0, period_offset=1.0)
    ann.compile()
    ann.simulate(5000)
    first = mon.get("r", keep=True)
    ann.simulate(1000)
    data = mon.get("r")
    np.testing.assert_array_equal(first[:, 1], np.arange(1.0, 5000.0, 2.0))
    np.testing.assert_array_equal(data[:, 1], np.arange(1.0, 6000.0, 2.0))


def test_stop_discards_data(paradigm):
    pop = population(2, COUNTER)
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(3)
    mon.stop()
    ann.simulate(2)
    assert mon.get("r").shape == (0,)


def test_monitor_reset_flushes_data(paradigm):
    # FACTS §C: Monitor.reset() flushes the data
    pop = population(2, COUNTER)
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(3)
    mon.reset()
    ann.simulate(2)
    np.testing.assert_array_equal(mon.get("r"), [[4, 4], [5, 5]])


def test_fed_conductance_recorded_before_the_neuron_update(paradigm):
    """Measured on ANNarchy 4.8.2 (docs/reference_facts.md K and M6): a conductance fed by a
    projection is recorded right after transmission, before the neurons update it. Rate
    r = t + 1 injected into g_exc with tau dg_exc/dt = -g_exc (tau = 2): g_exc reads 0, 1,
    2.5, 4.25 while v = g_exc (after the update) reads 0, 0.5, 1.25, 2.125."""
    pre = ann.Population(1, ann.Neuron(equations="r = t + 1.0"))
    post = ann.Population(1, ann.Neuron(parameters="tau = 2.0",
                                        equations="tau * dg_exc/dt = -g_exc\nv = g_exc", spike="v > 1e9"))
    ann.CurrentInjection(pre, post, "exc").connect_current()
    m = ann.Monitor(post, ["g_exc", "v"])
    ann.compile()
    ann.simulate(4)
    np.testing.assert_allclose(m.get("g_exc")[:, 0], [0.0, 1.0, 2.5, 4.25])
    np.testing.assert_allclose(m.get("v")[:, 0], [0.0, 0.5, 1.25, 2.125])
