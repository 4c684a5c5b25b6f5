"""Population: geometry, attribute access, coordinates, single neurons, reset, enable/disable,
stop conditions.

Reference numbers come from ANNarchy 4.8.2 measurements (docs/reference_facts.md, section E)
or from hand computation (commented at each test).
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError

COUNTER = "r = r + 1"  # r after n steps = r0 + n
CLOCK = "r = t"  # r equals the step's time, 0 in the first step


def attribute_neuron():
    """The neuron of FACTS §E: global and local parameters, two variables."""
    return ann.Neuron(
        parameters="""
            tau = 10.0 : population
            k = 2.0
            flag = True : population
            n = 3 : population, int
        """,
        equations="""
            v = v + 1 : init=0.5
            r = v
        """,
        name="AttrNeuron",
    )


# -- geometry ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "geometry, expected_geometry, size",
    [
        (12, (12,), 12),
        ((7,), (7,), 7),
        ((3, 4), (3, 4), 12),
        ((2, 3, 4), (2, 3, 4), 24),
        ((2, 3, 1, 5), (2, 3, 1, 5), 30),
    ],
)
def test_geometry_size_dimension_ranks(geometry, expected_geometry, size):
    pop = ann.Population(geometry, ann.Neuron(equations=CLOCK))
    assert pop.geometry == expected_geometry
    assert pop.size == size
    assert len(pop) == size
    assert pop.dimension == len(expected_geometry)
    np.testing.assert_array_equal(pop.ranks, np.arange(size))


@pytest.mark.parametrize("geometry", [0, -3, (3, 0), (2, -1), (2, 2, 2, 2, 2), "ten", "10", (), None])
def test_bad_geometry_is_refused_with_the_population_name(geometry):
    with pytest.raises(AnnarrayError, match="badgeo"):
        ann.Population(geometry, ann.Neuron(equations=CLOCK), name="badgeo")
    # nothing half-made was left behind: the name can be used by a correct population
    pop = ann.Population(4, ann.Neuron(equations=CLOCK), name="badgeo")
    assert pop.size == 4
    assert [p.name for p in ann.populations()] == ["badgeo"]


def test_automatic_names_are_pop0_pop1():
    # FACTS §E: populations get automatic names 'pop0', 'pop1', ...
    a = ann.Population(2, ann.Neuron(equations=CLOCK))
    b = ann.Population(2, ann.Neuron(equations=CLOCK))
    assert (a.name, b.name) == ("pop0", "pop1")


def test_attributes_parameters_variables_lists():
    # FACTS §E: parameters first in declaration order, then variables
    pop = ann.Population((3, 4), attribute_neuron())
    assert pop.parameters == ["tau", "k", "flag", "n"]
    assert pop.variables == ["v", "r"]
    assert pop.attributes == ["tau", "k", "flag", "n", "v", "r"]


# -- reading attributes -----------------------------------------------------------------------


def test_read_shapes_and_types_before_compile():
    # FACTS §E: local -> float64 array shaped as the geometry (even before compile);
    # ': population' -> float, ': population, int' -> int, True -> bool
    pop = ann.Population((3, 4), attribute_neuron())
    assert isinstance(pop.v, np.ndarray) and pop.v.shape == (3, 4) and pop.v.dtype == np.float64
    np.testing.assert_array_equal(pop.v, np.full((3, 4), 0.5))
    assert pop.k.shape == (3, 4)  # an unflagged parameter is local
    assert type(pop.tau) is float and pop.tau == 10.0
    assert type(pop.n) is int and pop.n == 3
    assert type(pop.flag) is bool and pop.flag is True


def test_read_shapes_and_types_after_compile(paradigm):
    pop = ann.Population((3, 4), attribute_neuron())
    flat = ann.Population(12, attribute_neuron())
    ann.compile()
    assert isinstance(pop.v, np.ndarray) and pop.v.shape == (3, 4) and pop.v.dtype == np.float64
    np.testing.assert_array_equal(pop.v, np.full((3, 4), 0.5))
    assert flat.r.shape == (12,)
    assert type(pop.tau) is float and pop.tau == 10.0
    assert type(pop.n) is int and pop.n == 3
    assert type(pop.flag) is bool and pop.flag is True


def test_read_returns_a_copy(paradigm):
    pop = ann.Population(3, ann.Neuron(equations=COUNTER))
    ann.compile()
    r = pop.r
    r[:] = 42.0
    np.testing.assert_array_equal(pop.r, [0.0, 0.0, 0.0])


def test_unknown_attribute_raises_attribute_error():
    pop = ann.Population(3, ann.Neuron(equations=CLOCK))
    with pytest.raises(AttributeError):
        pop.nonexistent


# -- writing attributes -----------------------------------------------------------------------


@pytest.mark.parametrize("compiled", [False, True])
def test_set_scalar(paradigm, compiled):
    pop = ann.Population((3, 4), attribute_neuron())
    if compiled:
        ann.compile()
    pop.r = 2.0
    pop.tau = 20.0
    np.testing.assert_array_equal(pop.r, np.full((3, 4), 2.0))
    assert pop.tau == 20.0


@pytest.mark.parametrize("compiled", [False, True])
def test_set_list_flat_array_and_geometry_shaped_array(paradigm, compiled):
    pop = ann.Population((3, 4), attribute_neuron())
    if compiled:
        ann.compile()
    values = np.arange(12.0)
    pop.v = list(values)
    np.testing.assert_array_equal(pop.v, values.reshape(3, 4))
    pop.v = values * 2
    np.testing.assert_array_equal(pop.v, (values * 2).reshape(3, 4))
    pop.v = (values * 3).reshape(3, 4)
    np.testing.assert_array_equal(pop.v, (values * 3).reshape(3, 4))
    # rank i is the row-major flattening of the geometry
    assert pop.v[1, 1] == 3 * pop.rank_from_coordinates((1, 1))


def test_values_set_before_compile_are_the_initial_state(paradigm):
    pop = ann.Population(4, ann.Neuron(equations=COUNTER))
    pop.r = [1.0, 2.0, 3.0, 4.0]
    ann.compile()
    np.testing.assert_array_equal(pop.r, [1.0, 2.0, 3.0, 4.0])
    ann.simulate(2)  # r + 2
    np.testing.assert_array_equal(pop.r, [3.0, 4.0, 5.0, 6.0])


def test_value_set_after_compile_is_used_by_the_next_step(paradigm):
    pop = ann.Population(3, ann.Neuron(equations=COUNTER))
    ann.compile()
    ann.simulate(2)
    pop.r = [10.0, 20.0, 30.0]
    ann.simulate(1)
    np.testing.assert_array_equal(pop.r, [11.0, 21.0, 31.0])


@pytest.mark.parametrize("compiled", [False, True])
def test_set_distribution(paradigm, compiled):
    ann.setup(seed=3)
    pop = ann.Population(1000, ann.Neuron(equations=CLOCK))
    if compiled:
        ann.compile()
    pop.r = ann.Uniform(2.0, 3.0)
    r = pop.r
    assert r.shape == (1000,)
    assert r.min() >= 2.0 and r.max() <= 3.0
    assert len(np.unique(r)) > 900  # one draw per neuron
    assert abs(r.mean() - 2.5) < 0.05  # 1000 draws: std of the mean ~ 0.009


@pytest.mark.parametrize("compiled", [False, True])
# (an array of the right size but another shape, e.g. (4, 3), is reshaped by the reference's
# setter, so it is not "wrong" and not listed here)
@pytest.mark.parametrize("bad", [np.ones(5), [1.0, 2.0], np.ones(13), np.ones((12, 2))])
def test_wrong_size_array_is_refused_and_value_unchanged(paradigm, compiled, bad):
    pop = ann.Population((3, 4), attribute_neuron(), name="wrongsize")
    if compiled:
        ann.compile()
    pop.v = np.arange(12.0)
    with pytest.raises(AnnarrayError, match="wrongsize") as info:
        pop.v = bad
    assert "v" in str(info.value)
    np.testing.assert_array_equal(pop.v, np.arange(12.0).reshape(3, 4))


@pytest.mark.parametrize("compiled", [False, True])
def test_array_for_population_wide_parameter_is_refused(paradigm, compiled):
    pop = ann.Population(3, attribute_neuron(), name="glob")
    if compiled:
        ann.compile()
    with pytest.raises(AnnarrayError, match="tau"):
        pop.tau = [1.0, 2.0, 3.0]
    assert pop.tau == 10.0


def test_set_dict_with_an_unknown_name_changes_nothing(paradigm):
    pop = ann.Population(3, attribute_neuron())
    ann.compile()
    with pytest.raises(AnnarrayError, match="nope"):
        pop.set({"k": 5.0, "nope": 1.0})
    np.testing.assert_array_equal(pop.k, [2.0, 2.0, 2.0])


def test_get_and_set_dicts(paradigm):
    # FACTS §E: get('tau') -> 10.0, get('v') -> geometry-shaped array,
    # set({'tau': 20.0, 'k': np.ones(12)*3}) works (a flat array is reshaped)
    pop = ann.Population((3, 4), attribute_neuron())
    ann.compile()
    assert pop.get("tau") == 10.0
    assert pop.get("v").shape == (3, 4)
    pop.set({"tau": 20.0, "k": np.ones(12) * 3})
    assert pop.tau == 20.0
    np.testing.assert_array_equal(pop.k, np.full((3, 4), 3.0))
    both = pop.get(["tau", "k"])
    assert both["tau"] == 20.0
    np.testing.assert_array_equal(both["k"], np.full((3, 4), 3.0))


# -- coordinates ------------------------------------------------------------------------------


def test_rank_and_coordinates_2d():
    # FACTS §E, geometry (3, 4)
    pop = ann.Population((3, 4), ann.Neuron(equations=CLOCK))
    assert pop.rank_from_coordinates((1, 1)) == 5
    assert pop.coordinates_from_rank(5) == (1, 1)
    assert pop.coordinates_from_rank(11) == (2, 3)
    assert pop.rank_from_coordinates((2, 3)) == 11


def test_normalized_coordinates_are_float32_precision():
    # FACTS §E: (0.5, 0.3333333432674408) = coord/(dim-1) in float32; 0 -> (0,0), 11 -> (1,1)
    pop = ann.Population((3, 4), ann.Neuron(equations=CLOCK))
    assert pop.normalized_coordinates_from_rank(5) == (0.5, 0.3333333432674408)
    assert pop.normalized_coordinates_from_rank(0) == (0.0, 0.0)
    assert pop.normalized_coordinates_from_rank(11) == (1.0, 1.0)


def test_normalized_coordinates_1d():
    # FACTS §E: geometry 12, rank 5 -> (0.4545454680919647,), coordinates (5,)
    pop = ann.Population(12, ann.Neuron(equations=CLOCK))
    assert pop.normalized_coordinates_from_rank(5) == (0.4545454680919647,)
    assert pop.coordinates_from_rank(5) == (5,)


def test_coordinates_round_trip_4d():
    pop = ann.Population((2, 3, 4, 5), ann.Neuron(equations=CLOCK))
    # row-major: rank = ((a*3 + b)*4 + c)*5 + d
    assert pop.rank_from_coordinates((1, 2, 3, 4)) == ((1 * 3 + 2) * 4 + 3) * 5 + 4 == 119
    assert pop.coordinates_from_rank(119) == (1, 2, 3, 4)
    for rank in (0, 17, 64, 119):
        assert pop.rank_from_coordinates(pop.coordinates_from_rank(rank)) == rank


@pytest.mark.parametrize("coord", [(3, 0), (0, 4), (-1, 0), (1,), (1, 1, 1)])
def test_coordinates_outside_geometry_raise(coord):
    pop = ann.Population((3, 4), ann.Neuron(equations=CLOCK), name="coordpop")
    with pytest.raises(AnnarrayError, match="coordpop"):
        pop.rank_from_coordinates(coord)


@pytest.mark.parametrize("rank", [-1, 12, 100])
def test_rank_outside_population_raises(rank):
    pop = ann.Population((3, 4), ann.Neuron(equations=CLOCK), name="rankpop")
    with pytest.raises(AnnarrayError, match="rankpop"):
        pop.coordinates_from_rank(rank)


# -- single neurons ---------------------------------------------------------------------------


def test_neuron_by_rank_and_by_coordinates(paradigm):
    # FACTS §E: pop.neuron(5) and pop.neuron(1, 1) -> IndividualNeuron rank 5; n.r scalar 2.0
    pop = ann.Population((3, 4), attribute_neuron())
    pop.r = 2.0
    ann.compile()
    n = pop.neuron(5)
    assert isinstance(n, ann.IndividualNeuron)
    assert n.rank == 5
    assert pop.neuron(1, 1).rank == 5
    assert n.r == 2.0
    assert np.ndim(n.r) == 0


def test_neuron_write_goes_into_the_population(paradigm):
    # FACTS §E: n.v = 7.0 writes into the population at rank 5 = (1, 1)
    pop = ann.Population((3, 4), attribute_neuron())
    ann.compile()
    pop.neuron(1, 1).v = 7.0
    expected = np.full((3, 4), 0.5)
    expected[1, 1] = 7.0
    np.testing.assert_array_equal(pop.v, expected)
    ann.simulate(1)  # v = v + 1 for every neuron
    np.testing.assert_array_equal(pop.v, expected + 1)


def test_neuron_write_before_compile(paradigm):
    pop = ann.Population(4, ann.Neuron(equations=COUNTER))
    pop.neuron(2).r = 5.0
    ann.compile()
    ann.simulate(1)
    np.testing.assert_array_equal(pop.r, [1.0, 1.0, 6.0, 1.0])


def test_neuron_out_of_range_raises():
    pop = ann.Population(4, ann.Neuron(equations=CLOCK), name="small")
    with pytest.raises(AnnarrayError, match="small"):
        pop.neuron(4)


# -- reset ------------------------------------------------------------------------------------


def test_reset_restores_compile_time_values_and_keeps_time(paradigm):
    # FACTS §E: reset() restores init values (pre-compile assignments included, a parameter
    # changed after compile goes back); the time is not reset.
    pop = ann.Population(3, attribute_neuron())
    pop.v = [1.0, 2.0, 3.0]  # before compile: becomes the init value
    ann.compile()
    ann.simulate(3)
    np.testing.assert_array_equal(pop.v, [4.0, 5.0, 6.0])
    pop.tau = 42.0
    pop.k = 7.0
    pop.reset()
    np.testing.assert_array_equal(pop.v, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(pop.r, [0.0, 0.0, 0.0])
    assert pop.tau == 10.0
    np.testing.assert_array_equal(pop.k, [2.0, 2.0, 2.0])
    assert ann.get_time() == 3.0
    assert ann.get_current_step() == 3
    ann.simulate(1)
    np.testing.assert_array_equal(pop.v, [2.0, 3.0, 4.0])


def test_reset_selected_attributes_only(paradigm):
    pop = ann.Population(2, attribute_neuron())
    ann.compile()
    ann.simulate(2)  # v = 0.5 + 2, r = v
    pop.reset(attributes=["v"])
    np.testing.assert_array_equal(pop.v, [0.5, 0.5])
    np.testing.assert_array_equal(pop.r, [2.5, 2.5])


# -- enable / disable -------------------------------------------------------------------------


def test_disable_freezes_and_enable_resumes(paradigm):
    frozen = ann.Population(2, ann.Neuron(equations=COUNTER))
    other = ann.Population(2, ann.Neuron(equations=COUNTER))
    ann.compile()
    ann.simulate(2)
    frozen.disable()
    assert not frozen.enabled
    ann.simulate(3)
    np.testing.assert_array_equal(frozen.r, [2.0, 2.0])
    np.testing.assert_array_equal(other.r, [5.0, 5.0])
    assert ann.get_time() == 5.0
    frozen.enable()
    assert frozen.enabled
    ann.simulate(1)
    np.testing.assert_array_equal(frozen.r, [3.0, 3.0])
    np.testing.assert_array_equal(other.r, [6.0, 6.0])


def test_disabled_population_still_sees_the_current_time_when_enabled(paradigm):
    pop = ann.Population(1, ann.Neuron(equations=CLOCK))
    ann.compile()
    pop.disable()
    ann.simulate(4)
    assert pop.r[0] == 0.0
    pop.enable()
    ann.simulate(1)  # fifth step: t = 4
    assert pop.r[0] == 4.0


# -- stop conditions --------------------------------------------------------------------------
# annarray's simulate_until returns the simulated duration in ms = steps * dt. The reference
# 4.8.2.6 returns steps / dt (FACTS §E, a bug: with dt=0.5 one step returned 2.0); annarray
# deliberately does not copy that bug, so the dt=0.5 test below expects steps * dt.


def test_simulate_until_any_default(paradigm):
    # r = r + 1 from [0, 5]: 'r > 3' (any, the default) holds after one step (r = [1, 6])
    pop = ann.Population(2, ann.Neuron(equations=COUNTER), stop_condition="r > 3")
    ann.compile()
    pop.r = [0.0, 5.0]
    duration = ann.simulate_until(max_duration=100.0, population=pop)
    assert duration == 1.0
    assert ann.get_current_step() == 1
    np.testing.assert_array_equal(pop.r, [1.0, 6.0])


def test_simulate_until_all(paradigm):
    # same start, ': all': the first neuron needs 4 steps to pass 3 (r = [4, 9])
    pop = ann.Population(2, ann.Neuron(equations=COUNTER), stop_condition="r > 3 : all")
    ann.compile()
    pop.r = [0.0, 5.0]
    duration = ann.simulate_until(max_duration=100.0, population=pop)
    assert duration == 4.0
    assert ann.get_current_step() == 4
    np.testing.assert_array_equal(pop.r, [4.0, 9.0])


def test_simulate_until_condition_with_and_or(paradigm):
    # FACTS §E: a condition may use and/or. r counts 1, 2, 3...; v = 10 - r.
    # '(r > 2.5) and (v < 6.5)' first holds at r = 4 (v = 6).
    neuron = ann.Neuron(equations="r = r + 1\nv = 10 - r")
    pop = ann.Population(1, neuron, stop_condition="(r > 2.5) and (v < 6.5)")
    ann.compile()
    assert ann.simulate_until(100.0, pop) == 4.0
    assert pop.r[0] == 4.0


def test_simulate_until_two_populations_operator(paradigm):
    # fast stops after 3 steps, slow after 5; 'or' -> 3 steps, 'and' (default) -> 5 steps
    fast = ann.Population(1, ann.Neuron(equations=COUNTER), name="fast", stop_condition="r > 2.5")
    slow = ann.Population(1, ann.Neuron(equations=COUNTER), name="slow", stop_condition="r > 4.5")
    ann.compile()
    assert ann.simulate_until(100.0, [fast, slow], operator="or") == 3.0
    assert ann.get_current_step() == 3
    ann.reset()
    assert ann.simulate_until(100.0, [fast, slow]) == 5.0
    assert ann.get_current_step() == 5
    assert (fast.r[0], slow.r[0]) == (5.0, 5.0)


def test_simulate_until_never_met_runs_max_duration(paradigm):
    # FACTS §E: never met with max 7 -> 7 steps, returns 7.0 (dt = 1)
    pop = ann.Population(1, ann.Neuron(equations=COUNTER), stop_condition="r > 100")
    ann.compile()
    assert ann.simulate_until(7.0, pop) == 7.0
    assert ann.get_current_step() == 7
    assert pop.r[0] == 7.0


def test_simulate_until_already_true_runs_one_step(paradigm):
    # FACTS §E: the condition is checked after each step, so at least one step runs
    pop = ann.Population(1, ann.Neuron(equations=COUNTER), stop_condition="r > -1")
    ann.compile()
    assert ann.simulate_until(50.0, pop) == 1.0
    assert ann.get_current_step() == 1


def test_simulate_until_returns_steps_times_dt(paradigm):
    # dt = 0.5: r = r + 1 passes 2.5 after 3 steps -> 1.5 ms (the reference would return 6.0)
    ann.setup(dt=0.5)
    pop = ann.Population(1, ann.Neuron(equations=COUNTER), stop_condition="r > 2.5")
    ann.compile()
    assert ann.simulate_until(100.0, pop) == 1.5
    assert ann.get_current_step() == 3
    assert ann.get_time() == 1.5


def test_simulate_until_without_stop_condition_raises(paradigm):
    pop = ann.Population(1, ann.Neuron(equations=COUNTER), name="nostop")
    ann.compile()
    with pytest.raises(AnnarrayError, match="nostop"):
        ann.simulate_until(10.0, pop)


# -- misc -------------------------------------------------------------------------------------


def test_sum_without_projection_is_zero(paradigm):
    # FACTS §G: sum(exc) with no incoming projection is 0.0
    pop = ann.Population((2, 3), ann.Neuron(equations="r = sum(exc) + 1"))
    ann.compile()
    ann.simulate(2)
    np.testing.assert_array_equal(pop.sum("exc"), np.zeros((2, 3)))
    np.testing.assert_array_equal(pop.r, np.ones((2, 3)))


def test_sum_of_a_target_never_used_is_zero(paradigm):
    pop = ann.Population(3, ann.Neuron(equations=CLOCK))
    ann.compile()
    ann.simulate(1)
    np.testing.assert_array_equal(pop.sum("inh"), np.zeros(3))


def test_rate_neuron_without_r_is_refused():
    # FACTS §A/§G: 'Rate-coded neurons must define the variable "r"'
    with pytest.raises(AnnarrayError, match="NoRate") as info:
        ann.Neuron(equations="v = v + 1", name="NoRate")
    assert "'r'" in str(info.value) or '"r"' in str(info.value)


def test_distribution_seed_keyword_is_reproducible():
    """Python-side distributions take seed= (FACTS §D): the same seed gives the same draws."""
    a = ann.Normal(0.0, 1.0, seed=3).get_values(5)
    b = ann.Normal(0.0, 1.0, seed=3).get_values(5)
    c = ann.Normal(0.0, 1.0, seed=4).get_values(5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_exponential_object_uses_the_rate():
    """ann.Exponential(Lambda) has mean 1/Lambda, like Exponential() in equations (a
    deliberate difference from the reference's Python object, FACTS §D)."""
    values = ann.Exponential(4.0, seed=1).get_values(200000)
    assert abs(values.mean() - 0.25) < 4 * 0.25 / np.sqrt(200000)
