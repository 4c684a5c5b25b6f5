"""Constants and functions used in equations.

Reference facts: docs/reference_facts.md §F (Constant, add_function, functions(), local functions) and the
population-wide locality rule. Numbers are hand-computed unless said otherwise.
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError, ModelError


def test_constant_in_equation(paradigm):
    # docs/reference_facts.md §F: `cc = c*10` -> 20.0 with c = Constant('c', 2.0).
    ann.Constant("c", 2.0)
    neuron = ann.Neuron(equations="cc = c*10\nr = cc")
    pop = ann.Population(2, neuron)
    ann.compile()
    ann.simulate(1.0)
    np.testing.assert_array_equal(pop.cc, [20.0, 20.0])


def test_constant_as_parameter_value():
    # docs/reference_facts.md §F: `k = c : population` -> 2.0.
    ann.Constant("c", 2.0)
    neuron = ann.Neuron(parameters="k = c : population", equations="r = k")
    pop = ann.Population(2, neuron)
    assert pop.k == 2.0


def test_constant_is_a_float():
    # docs/reference_facts.md §F: a float subclass; str/repr show the current value; float() stays the original.
    c = ann.Constant("c", 2.0)
    assert isinstance(c, float)
    assert c * 3 == 6.0
    c.set(3.0)
    assert "3.0" in str(c) and "3.0" in repr(c)


def test_constant_set_after_compile_takes_effect_next_step(paradigm):
    # docs/reference_facts.md §F: making set() work on every network is the target for annarray (the 4.8.2.6
    # default network ignored it, a bug). dx/dt = c, dt=1: x = 2, 4, then 4 + 5 = 9, 14.
    c = ann.Constant("c", 2.0)
    neuron = ann.Neuron(equations="dx/dt = c\nr = c * 10")
    pop = ann.Population(2, neuron)
    mon = ann.Monitor(pop, ["x", "r"])
    ann.compile()
    ann.simulate(2.0)
    c.set(5.0)
    ann.simulate(2.0)
    np.testing.assert_array_equal(mon.get("x")[:, 0], [2.0, 4.0, 9.0, 14.0])
    np.testing.assert_array_equal(mon.get("r")[:, 0], [20.0, 20.0, 50.0, 50.0])


def test_parameter_hides_constant(paradigm):
    # docs/reference_facts.md §F: a neuron parameter with the same name hides the constant for that neuron.
    ann.Constant("g", 2.0)
    neuron = ann.Neuron(parameters="g = 7.0", equations="r = g")
    pop = ann.Population(2, neuron)
    ann.compile()
    ann.simulate(1.0)
    np.testing.assert_array_equal(pop.r, [7.0, 7.0])


def test_add_function_in_equation(paradigm):
    # docs/reference_facts.md §F: add_function('f(x) = x*x'), f(3.0) -> 9.
    ann.add_function("f(x) = x*x")
    neuron = ann.Neuron(parameters="x = 3.0", equations="r = f(x) + f(2.0)")
    pop = ann.Population(2, neuron)
    ann.compile()
    ann.simulate(1.0)
    np.testing.assert_array_equal(pop.r, [13.0, 13.0])


def test_add_function_several_arguments(paradigm):
    # docs/reference_facts.md §F: g(x,y) = x + 10*y gives g(1,2) -> 21.
    ann.add_function("g(x, y) = x + 10*y")
    neuron = ann.Neuron(equations="r = g(1.0, 2.0)")
    pop = ann.Population(2, neuron)
    ann.compile()
    ann.simulate(1.0)
    np.testing.assert_array_equal(pop.r, [21.0, 21.0])


def test_add_function_several_definitions_and_nesting(paradigm):
    ann.add_function("sigmoid(x) = 1.0 / (1.0 + exp(-x))\ntwice(x) = 2.0 * sigmoid(x)")
    neuron = ann.Neuron(parameters="x = 0.0", equations="r = twice(x)")
    pop = ann.Population(3, neuron)
    pop.x = [-1.0, 0.0, 2.0]
    ann.compile()
    ann.simulate(1.0)
    x = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(pop.r, 2.0 / (1.0 + np.exp(-x)), rtol=1e-15)


def test_add_function_in_ode(paradigm):
    ann.add_function("drive(x) = 1.0 - x")
    neuron = ann.Neuron(parameters="tau = 10.0 : population", equations="tau*dv/dt = drive(v)\nr = v")
    pop = ann.Population(1, neuron)
    mon = ann.Monitor(pop, ["v"])
    ann.compile()
    ann.simulate(3.0)
    np.testing.assert_allclose(mon.get("v")[:, 0], [0.1, 0.19, 0.271], rtol=1e-14)


def test_functions_callable_from_python():
    # docs/reference_facts.md §F: documented behaviour, `ann.functions('f')(array)` returns an array
    # (func_f([3.0, 4.0]) -> [9., 16.] on the reference's module).
    ann.add_function("f(x) = x*x")
    neuron = ann.Neuron(equations="r = f(2.0)")
    ann.Population(1, neuron)
    ann.compile()
    np.testing.assert_array_equal(ann.functions("f")(np.array([3.0, 4.0])), [9.0, 16.0])


def test_functions_unknown_name_error():
    ann.add_function("f(x) = x*x")
    with pytest.raises(AnnarrayError):
        ann.functions("nope")


def test_local_function(paradigm):
    # docs/reference_facts.md §F: `functions="h(x) = x + 100"`, h(2.0) -> 102, usable in that neuron.
    neuron = ann.Neuron(equations="r = h(2.0)", functions="h(x) = x + 100")
    pop = ann.Population(2, neuron)
    ann.compile()
    ann.simulate(1.0)
    np.testing.assert_array_equal(pop.r, [102.0, 102.0])


def test_local_function_overrides_global(paradigm):
    # docs/reference_facts.md §F: local functions override global functions of the same name.
    ann.add_function("h(x) = x * 1000")
    local = ann.Neuron(equations="r = h(2.0)", functions="h(x) = x + 100")
    glob = ann.Neuron(equations="r = h(2.0)")
    p_local = ann.Population(2, local)
    p_glob = ann.Population(2, glob)
    ann.compile()
    ann.simulate(1.0)
    np.testing.assert_array_equal(p_local.r, [102.0, 102.0])
    np.testing.assert_array_equal(p_glob.r, [2000.0, 2000.0])


def test_local_function_not_visible_in_other_neuron():
    # docs/reference_facts.md §F: local functions are usable only in that neuron's equations.
    owner = ann.Neuron(equations="r = h(2.0)", functions="h(x) = x + 100")
    other = ann.Neuron(equations="r = h(2.0)", name="Other")
    ann.Population(1, owner)
    with pytest.raises(AnnarrayError) as info:
        ann.Population(1, other)
        ann.compile()
    assert "Other" in str(info.value)


def test_local_function_callable_from_population():
    # docs/reference_facts.md §E/§F: `pop.h([1.0, 2.0])` -> array([101., 102.]).
    neuron = ann.Neuron(equations="r = h(2.0)", functions="h(x) = x + 100")
    pop = ann.Population(2, neuron)
    ann.compile()
    np.testing.assert_array_equal(pop.h([1.0, 2.0]), [101.0, 102.0])


def test_function_body_knows_constants(paradigm):
    # docs/reference_facts.md §F: functions know nothing of their context except constants.
    ann.Constant("scale", 3.0)
    ann.add_function("sc(x) = scale * x")
    neuron = ann.Neuron(equations="r = sc(2.0)")
    pop = ann.Population(1, neuron)
    ann.compile()
    ann.simulate(1.0)
    assert pop.r[0] == 6.0


def test_population_variable_depending_on_local_variable_error():
    neuron = ann.Neuron(
        parameters="x = 1.0",
        equations="g = x * 2.0 : population\nr = g",
        name="Mixed",
    )
    with pytest.raises(ModelError) as info:
        ann.Population(2, neuron)
        ann.compile()
    assert "Mixed" in str(info.value)
    assert "g = x * 2.0" in str(info.value)


def test_population_variable_depending_on_global_values(paradigm):
    # The allowed case: a global variable from global parameters and reductions (lag of §B).
    neuron = ann.Neuron(
        parameters="a = 2.0 : population",
        equations="r = 1.0\ng = a * 3.0 + mean(r) : population",
    )
    pop = ann.Population(3, neuron)
    mon = ann.Monitor(pop, ["g"])
    ann.compile()
    ann.simulate(2.0)
    np.testing.assert_array_equal(mon.get("g"), [6.0, 7.0])
