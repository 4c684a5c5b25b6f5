"""TimedArray and TimedPoissonPopulation: schedules, periods, reset, changes, bad input.

Every expected sequence below was measured on ANNarchy 4.8.2 with the same script
(dt = 1 ms, a Monitor on r, whose row k is the value after step k): r is 0 until the step
of the first scheduled time, row k of the inputs is set during the step schedule[k] / dt,
a projection reads it one step later, and a period of P ms restarts the sequence every
P / dt steps.
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError

RATES = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0], [5.0, 50.0]])


def _rows(*blocks):
    """First-column values → rows [v, 10 v] (0 stays 0)."""
    return [[v, 10.0 * v] for v in blocks]


@pytest.mark.parametrize("kwargs, expected", [
    ({}, _rows(1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5)),
    ({"schedule": 3.0}, _rows(1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5)),
    ({"schedule": [2.0, 5.0, 6.0]}, _rows(0, 0, 1, 1, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3)),
    ({"schedule": 1.0, "period": 4.0}, _rows(1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3)),
    ({"schedule": 2.0, "period": 7.0}, _rows(1, 1, 2, 2, 3, 3, 4, 1, 1, 2, 2, 3, 3, 4, 1)),
    # a schedule of 2.5 ms gives the times 0, 2.5, 5, 7.5, 10 → steps 0, 2, 5, 7, 10 (truncated)
    ({"schedule": 2.5}, _rows(1, 1, 2, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5)),
], ids=["every-step", "schedule-3", "schedule-list", "period-4", "period-7", "schedule-2.5"])
def test_schedule_and_period(paradigm, kwargs, expected):
    ta = ann.TimedArray(rates=RATES, **kwargs)
    m = ann.Monitor(ta, "r")
    ann.compile()
    np.testing.assert_array_equal(ta.r, [0.0, 0.0])
    ann.simulate(15)
    np.testing.assert_array_equal(m.get("r"), expected)


def test_projection_reads_one_step_later(paradigm):
    ta = ann.TimedArray(rates=RATES)
    reader = ann.Population(2, ann.Neuron(equations="r = sum(exc)"))
    ann.Projection(ta, reader, "exc").connect_one_to_one(1.0)
    m = ann.Monitor(reader, "r")
    ann.compile()
    ann.simulate(7)
    np.testing.assert_array_equal(m.get("r"), _rows(0, 1, 2, 3, 4, 5, 5))


def test_geometry_from_rates(paradigm):
    """rates (2, 2, 3) → a (2, 3) population; after the sequence r is the last row
    (measured: [[6, 7, 8], [9, 10, 11]])."""
    ta = ann.TimedArray(rates=np.arange(12.0).reshape(2, 2, 3))
    assert ta.geometry == (2, 3)
    ann.compile()
    ann.simulate(5)
    np.testing.assert_array_equal(ta.r, [[6.0, 7.0, 8.0], [9.0, 10.0, 11.0]])


def test_schedule_rounding_small_dt(paradigm):
    """dt = 0.1, schedule 0.3 ms: a row every 3 steps. (ANNarchy 4.8.2 truncates the float
    noise of 0.3*k/0.1 and gets the steps 0, 2, 5, 8, 11, 15, 17, 21; annarray does not.)"""
    ann.setup(dt=0.1)
    ta = ann.TimedArray(rates=np.arange(1.0, 9.0).reshape(8, 1), schedule=0.3)
    periodic = ann.TimedArray(rates=np.arange(1.0, 9.0).reshape(8, 1), schedule=0.1, period=0.5)
    m, mp = ann.Monitor(ta, "r"), ann.Monitor(periodic, "r")
    ann.compile()
    ann.simulate(3.0)
    np.testing.assert_array_equal(m.get("r")[:, 0], np.minimum(np.arange(30) // 3 + 1, 8))
    # measured on ANNarchy 4.8.2: 1, 2, 3, 4, 5, 1, 2, ... (period 0.5 ms = 5 steps)
    np.testing.assert_array_equal(mp.get("r")[:, 0], np.arange(30) % 5 + 1)
    np.testing.assert_allclose(ta.schedule, 0.3 * np.arange(8))
    assert periodic.period == pytest.approx(0.5)


def test_reset_restarts_the_sequence(paradigm):
    """Measured: after reset() r is 0 at once, then the sequence starts again."""
    ta = ann.TimedArray(rates=RATES, schedule=3.0)
    ann.compile()
    ann.simulate(50)
    ta.reset()
    np.testing.assert_array_equal(ta.r, [0.0, 0.0])
    m = ann.Monitor(ta, "r")
    ann.simulate(8)
    np.testing.assert_array_equal(m.get("r"), _rows(1, 1, 1, 2, 2, 2, 3, 3))


def test_new_rates_after_compile(paradigm):
    """Measured: new rates show the row of the next block at once (here block 0, the
    sequence being over); annarray then plays them from the start after reset() (the
    reference's reset() goes back to the rates given before compile)."""
    ta = ann.TimedArray(rates=RATES)
    ann.compile()
    ann.simulate(10)
    ta.rates = np.array([[7.0, 8.0], [9.0, 10.0]])
    np.testing.assert_array_equal(ta.r, [7.0, 8.0])
    ann.simulate(1)
    np.testing.assert_array_equal(ta.r, [7.0, 8.0])
    ta.reset()
    m = ann.Monitor(ta, "r")
    ann.simulate(3)
    np.testing.assert_array_equal(m.get("r"), [[7.0, 8.0], [9.0, 10.0], [9.0, 10.0]])


def test_update_before_compile_with_geometry(paradigm):
    ta = ann.TimedArray(geometry=2)
    ta.update(RATES[:3], schedule=2.0, period=6.0)
    m = ann.Monitor(ta, "r")
    ann.compile()
    ann.simulate(8)
    np.testing.assert_array_equal(m.get("r"), _rows(1, 1, 2, 2, 3, 3, 1, 1))


def test_geometry_without_rates_stays_zero(paradigm):
    """Measured: a TimedArray with only a geometry keeps r = 0."""
    ta = ann.TimedArray(geometry=2)
    ann.compile()
    ann.simulate(3)
    np.testing.assert_array_equal(ta.r, [0.0, 0.0])


def test_period_changed_after_compile(paradigm):
    ta = ann.TimedArray(rates=RATES)
    m = ann.Monitor(ta, "r")
    ann.compile()
    ta.period = 3.0
    assert ta.period == 3.0
    ann.simulate(7)
    np.testing.assert_array_equal(m.get("r"), _rows(1, 2, 3, 1, 2, 3, 1))


def test_schedule_longer_than_rates_refused():
    """Measured: ANNarchy 4.8.2 refuses it too ('cannot exceed the first dimension')."""
    with pytest.raises(AnnarrayError, match="6 times for 5 rows"):
        ann.TimedArray(rates=RATES, schedule=[0.0, 1.0, 2.0, 3.0, 4.0, 5.0])


@pytest.mark.parametrize("schedule, message", [
    ([0.0, 5.0, 3.0], "strictly increasing"),
    ([-1.0, 2.0], ">= 0 ms"),
    ([], "empty"),
])
def test_bad_schedule_refused(schedule, message):
    with pytest.raises(AnnarrayError, match=message):
        ann.TimedArray(rates=RATES, schedule=schedule)


def test_r_is_read_only(paradigm):
    """Measured: ANNarchy 4.8.2 refuses to set r as well."""
    ta = ann.TimedArray(rates=RATES)
    ann.compile()
    with pytest.raises(AnnarrayError, match="set by the schedule"):
        ta.r = [1.0, 2.0]


@pytest.mark.parametrize("rates, message", [
    (np.arange(3.0), "first axis for time"),
    (np.zeros((0, 2)), "first axis for time"),
])
def test_bad_rates_refused(rates, message):
    with pytest.raises(AnnarrayError, match=message):
        ann.TimedArray(rates=rates)


def test_rates_geometry_mismatch_refused():
    with pytest.raises(AnnarrayError, match="does not fit the geometry"):
        ann.TimedArray(rates=RATES, geometry=3)


def test_needs_rates_or_geometry():
    with pytest.raises(AnnarrayError, match="rates= .* or geometry="):
        ann.TimedArray()


def test_period_shorter_than_dt_refused():
    with pytest.raises(AnnarrayError, match="shorter than dt"):
        ann.TimedArray(rates=RATES, period=0.5)


# -- TimedPoissonPopulation --------------------------------------------------------------------
def test_timed_poisson_schedule(paradigm, record_spikes):
    """Rates 0 / 1000 / 0 Hz at 0, 3, 6 ms: spikes exactly at steps 3, 4, 5 (measured)."""
    pop = ann.TimedPoissonPopulation(5, rates=[0.0, 1000.0, 0.0], schedule=[0.0, 3.0, 6.0])
    ann.compile()
    events = record_spikes([pop], 10)[pop.name]
    assert events == [(s, r) for s in (3, 4, 5) for r in range(5)]


def test_timed_poisson_period(paradigm, record_spikes):
    """Measured: [1000, 0] at [0, 3] with a period of 5 ms → steps 0-2, 5-7, 10-12."""
    pop = ann.TimedPoissonPopulation(2, rates=[1000.0, 0.0], schedule=[0.0, 3.0], period=5.0)
    ann.compile()
    steps = sorted({s for s, _ in record_spikes([pop], 15)[pop.name]})
    assert steps == [0, 1, 2, 5, 6, 7, 10, 11, 12]


def test_timed_poisson_per_neuron_rates(paradigm, record_spikes):
    """Measured: rows [1000, 0, 1000] then [0, 1000, 0] at [0, 2]."""
    pop = ann.TimedPoissonPopulation(3, rates=[[1000.0, 0.0, 1000.0], [0.0, 1000.0, 0.0]], schedule=[0.0, 2.0])
    ann.compile()
    events = record_spikes([pop], 5)[pop.name]
    assert events == [(0, 0), (0, 2), (1, 0), (1, 2), (2, 1), (3, 1), (4, 1)]


def test_timed_poisson_before_first_time(paradigm, record_spikes):
    """Before the first scheduled time the rate is 1 Hz, the reference's initial value
    (measured on 1000 neurons: 0 and 1 spikes in steps 0 and 1, then 1000 per step)."""
    pop = ann.TimedPoissonPopulation(1000, rates=[1000.0, 0.0], schedule=[2.0, 4.0])
    ann.compile()
    np.testing.assert_array_equal(pop.proba, np.ones(1000))
    events = record_spikes([pop], 6)[pop.name]
    per_step = np.bincount([s for s, _ in events], minlength=6)
    assert per_step[0] + per_step[1] < 15  # Poisson(2): P(>= 15) < 1e-8
    assert per_step[2:].tolist() == [1000, 1000, 0, 0]


def test_timed_poisson_reset(paradigm, record_spikes):
    pop = ann.TimedPoissonPopulation(1, rates=[1000.0, 0.0], schedule=[0.0, 2.0])
    ann.compile()
    record_spikes([pop], 10)
    pop.reset()
    assert record_spikes([pop], 4)[pop.name] == [(10, 0), (11, 0)]


def test_timed_poisson_length_mismatch_refused():
    """Measured: ANNarchy 4.8.2 refuses it too ('must be the same length as schedule')."""
    with pytest.raises(AnnarrayError, match="2 rows for 1 schedule times"):
        ann.TimedPoissonPopulation(3, rates=[1.0, 2.0], schedule=[0.0])


def test_timed_poisson_negative_rates_refused():
    with pytest.raises(AnnarrayError, match=">= 0 Hz"):
        ann.TimedPoissonPopulation(3, rates=[1.0, -2.0], schedule=[0.0, 5.0])


def test_two_times_in_one_step_refused():
    with pytest.raises(AnnarrayError, match="same step"):
        ann.TimedArray(rates=RATES, schedule=[0.0, 0.4, 2.0])
