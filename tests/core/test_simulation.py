"""Module-level simulation functions: compile, simulate, step, reset, time, clear.

Reference facts: docs/reference_facts.md sections E (step counts) and H (time, clear).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError

COUNTER = "r = r + 1"
CLOCK = "r = t"


def test_simulate_runs_whole_steps(paradigm):
    pop = ann.Population(2, ann.Neuron(equations=COUNTER))
    ann.compile()
    ann.simulate(10)
    assert ann.get_current_step() == 10
    assert ann.get_time() == 10.0
    np.testing.assert_array_equal(pop.r, [10.0, 10.0])


def test_simulate_rounds_partial_steps_up(paradigm):
    # FACTS §E: simulate(2.5) with dt = 1 -> 3 steps
    pop = ann.Population(1, ann.Neuron(equations=COUNTER))
    ann.compile()
    ann.simulate(2.5)
    assert ann.get_current_step() == 3
    assert pop.r[0] == 3.0


def test_simulate_rounds_up_with_dt_half(paradigm):
    # FACTS §E: simulate(1.1) with dt = 0.5 -> 3 steps
    ann.setup(dt=0.5)
    pop = ann.Population(1, ann.Neuron(equations=COUNTER))
    ann.compile()
    ann.simulate(1.1)
    assert ann.get_current_step() == 3
    assert pop.r[0] == 3.0


def test_time_with_dt_half(paradigm):
    # FACTS §H: simulate(10) with dt = 0.5 -> get_time() 10.0 (float), get_current_step() 20
    ann.setup(dt=0.5)
    pop = ann.Population(1, ann.Neuron(equations=CLOCK))
    ann.compile()
    ann.simulate(10)
    assert ann.get_time() == 10.0
    assert isinstance(ann.get_time(), float)
    assert ann.get_current_step() == 20
    assert pop.r[0] == 9.5  # t of the last step (step index 19)


def test_step(paradigm):
    pop = ann.Population(1, ann.Neuron(equations="r = r + 1\nv = t"))
    ann.compile()
    ann.step()
    assert ann.get_current_step() == 1
    assert pop.r[0] == 1.0 and pop.v[0] == 0.0
    ann.step()
    assert pop.r[0] == 2.0 and pop.v[0] == 1.0


def test_set_time_and_set_current_step(paradigm):
    pop = ann.Population(1, ann.Neuron(equations=CLOCK))
    ann.compile()
    ann.set_time(5.0)
    assert ann.get_current_step() == 5
    assert ann.get_time() == 5.0
    ann.step()  # the equations see t = 5
    assert pop.r[0] == 5.0
    ann.set_current_step(7)
    assert ann.get_time() == 7.0
    ann.step()
    assert pop.r[0] == 7.0
    assert ann.get_current_step() == 8


def test_set_time_with_dt_half(paradigm):
    ann.setup(dt=0.5)
    pop = ann.Population(1, ann.Neuron(equations=CLOCK))
    ann.compile()
    ann.set_time(3.0)
    assert ann.get_current_step() == 6
    ann.step()
    assert pop.r[0] == 3.0


def test_reset_sets_time_zero_restores_state_and_clears_monitors(paradigm):
    # FACTS §E: ann.reset() sets time and step to 0, resets populations, empties monitors
    pop = ann.Population(2, ann.Neuron(equations=COUNTER))
    pop.r = [5.0, 6.0]
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(3)
    ann.reset()
    assert ann.get_time() == 0.0 and ann.get_current_step() == 0
    np.testing.assert_array_equal(pop.r, [5.0, 6.0])
    assert mon.get("r").shape == (0,)
    ann.simulate(2)
    np.testing.assert_array_equal(mon.get("r"), [[6.0, 7.0], [7.0, 8.0]])


def test_reset_keeping_monitors(paradigm):
    pop = ann.Population(1, ann.Neuron(equations=COUNTER))
    mon = ann.Monitor(pop, "r")
    ann.compile()
    ann.simulate(2)
    ann.reset(monitors=False)
    ann.simulate(1)
    np.testing.assert_array_equal(mon.get("r")[:, 0], [1.0, 2.0, 1.0])


def test_reset_without_populations_keeps_values(paradigm):
    pop = ann.Population(1, ann.Neuron(equations=COUNTER))
    ann.compile()
    ann.simulate(4)
    ann.reset(populations=False)
    assert ann.get_current_step() == 0
    assert pop.r[0] == 4.0


def test_clear_then_new_model(paradigm):
    # FACTS §H: after clear(), a new 2-neuron r = r + 1 population compiles; simulate(3) ->
    # r = [3, 3], time 3.0
    old = ann.Population(5, ann.Neuron(equations=CLOCK), name="old")
    ann.Monitor(old, "r")
    ann.compile()
    ann.simulate(7)
    ann.clear()
    assert ann.populations() == [] and ann.monitors() == []
    assert ann.get_time() == 0.0
    pop = ann.Population(2, ann.Neuron(equations=COUNTER), name="old")
    ann.compile()
    ann.simulate(3)
    np.testing.assert_array_equal(pop.r, [3.0, 3.0])
    assert ann.get_time() == 3.0


def test_simulate_before_compile_raises():
    ann.Population(1, ann.Neuron(equations=COUNTER))
    with pytest.raises(AnnarrayError, match="compile"):
        ann.simulate(1)
    with pytest.raises(AnnarrayError, match="compile"):
        ann.step()


def test_adding_a_population_after_compile_raises(paradigm):
    first = ann.Population(1, ann.Neuron(equations=COUNTER), name="first")
    ann.compile()
    with pytest.raises(AnnarrayError, match="late"):
        ann.Population(1, ann.Neuron(equations=COUNTER), name="late")
    assert [p.name for p in ann.populations()] == ["first"]
    ann.simulate(2)
    assert first.r[0] == 2.0


def test_duplicate_population_names_raise():
    ann.Population(1, ann.Neuron(equations=COUNTER), name="twin")
    with pytest.raises(AnnarrayError, match="twin"):
        ann.Population(2, ann.Neuron(equations=COUNTER), name="twin")
    assert len(ann.populations()) == 1


def test_compile_twice_raises(paradigm):
    ann.Population(1, ann.Neuron(equations=COUNTER))
    ann.compile()
    with pytest.raises(AnnarrayError):
        ann.compile()


def test_get_population_by_name(paradigm):
    pop = ann.Population(1, ann.Neuron(equations=COUNTER), name="named")
    assert ann.get_population("named") is pop
    with pytest.raises(AnnarrayError, match="missing"):
        ann.get_population("missing")


def test_progress_bar(paradigm):
    pop = ann.Population(2, ann.Neuron(equations=COUNTER))
    ann.compile()
    ann.simulate(250, progress_bar=True)
    assert ann.get_current_step() == 250
    np.testing.assert_array_equal(pop.r, [250.0, 250.0])


def test_measure_time_prints(paradigm, capsys):
    pop = ann.Population(2, ann.Neuron(equations=COUNTER))
    ann.compile()
    ann.simulate(5, measure_time=True)
    out = capsys.readouterr().out
    assert "Simulating" in out and "seconds" in out
    assert pop.r[0] == 5.0


def test_simulate_zero_duration_runs_nothing(paradigm):
    pop = ann.Population(1, ann.Neuron(equations=COUNTER))
    ann.compile()
    ann.simulate(0)
    assert ann.get_current_step() == 0
    assert pop.r[0] == 0.0


def test_negative_duration_raises(paradigm):
    ann.Population(1, ann.Neuron(equations=COUNTER))
    ann.compile()
    with pytest.raises(AnnarrayError):
        ann.simulate(-1.0)
    assert ann.get_current_step() == 0


def test_compile_writes_into_the_given_directory(paradigm, tmp_path):
    ann.Population(1, ann.Neuron(equations=COUNTER))
    ann.compile(directory="build_here")
    assert (tmp_path / "build_here").is_dir()
    ann.simulate(1)
