"""Bad model text: every error is an AnnarrayError subclass naming the neuron and the line,
never a raw SymPy/numexpr/Python error; and the model stays usable afterwards.

The reference raises its neuron-analysis errors when the Population is created (FACTS §G),
before anything is compiled; annarray may detect some of them at compile(), so each case
below creates the population AND compiles inside ``pytest.raises``. Afterwards a correct
population must still be creatable, compilable and simulatable in the same (default) network,
as SPEC "Errors" asks: bad input "leaves the network as it was".
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError

# (case id, parameters, equations, line expected in the message, a word expected in the message)
BAD_MODELS = [
    ("unknown_variable", "", "r = foo + 1", "r = foo + 1", "foo"),
    ("unknown_variable_in_ode", "", "dr/dt = foo - r", "dr/dt = foo - r", "foo"),
    ("unknown_function", "", "r = bar(t)", "r = bar(t)", "bar"),
    ("bad_flag", "", "r = 1.0 : blah", "r = 1.0 : blah", None),
    ("unknown_method", "", "dr/dt = -r : euler", "dr/dt = -r : euler", None),
    ("defined_twice_with_flags", "", "r = t : init=1.0\nr = 2 : min=0", "r = 2", "r"),
    ("parameter_assigned", "tau = 10.0", "tau = 2\nr = tau", "tau = 2", "tau"),
    ("syntax_error", "", "r = t +* 2", "r = t +* 2", None),
    ("unbalanced_parentheses", "", "r = (t + 1", "r = (t + 1", None),
    ("empty_right_side", "", "r = ", "r =", None),
    ("empty_left_side", "", "v = 1\n = t\nr = v", "= t", None),
    ("ode_not_linear_in_derivative", "", "(dr/dt)**2 = 1", "(dr/dt)**2 = 1", "dr/dt"),
    ("population_depends_on_local", "", "v = t\nm = v : population\nr = m", "m = v : population", "m"),
    ("exponential_on_nonlinear_ode", "", "dr/dt = r*r : exponential", "dr/dt = r*r : exponential", "exponential"),
]

_RAW = (SyntaxError, TypeError, ValueError, KeyError, AttributeError, ZeroDivisionError)


def _build_and_compile(parameters, equations):
    neuron = ann.Neuron(parameters=parameters, equations=equations, name="BadNeuron")
    pop = ann.Population(3, neuron, name="badpop")
    ann.compile()
    return pop


@pytest.mark.parametrize("case, parameters, equations, line, word", BAD_MODELS, ids=[c[0] for c in BAD_MODELS])
def test_bad_model_error_names_neuron_and_line(paradigm, case, parameters, equations, line, word):
    with pytest.raises(AnnarrayError) as info:
        _build_and_compile(parameters, equations)
    err = info.value
    message = str(err)
    assert "BadNeuron" in message
    assert line in message
    if word is not None:
        assert word in message
    assert not isinstance(err, _RAW)
    assert "sympy" not in message.lower() and "numexpr" not in message.lower()
    assert "Traceback" not in message


@pytest.mark.parametrize("case, parameters, equations, line, word", BAD_MODELS, ids=[c[0] for c in BAD_MODELS])
def test_model_still_usable_after_error(paradigm, case, parameters, equations, line, word):
    with pytest.raises(AnnarrayError):
        _build_and_compile(parameters, equations)
    good = ann.Population(2, ann.Neuron(equations="r = r + 1"), name="good")
    ann.compile()
    ann.simulate(2)
    np.testing.assert_array_equal(good.r, [2.0, 2.0])
    assert ann.get_current_step() == 2


def test_error_is_chained_from_nothing_raw(paradigm):
    # the underlying SymPy/tokenizer error must not be the visible cause of the report
    with pytest.raises(AnnarrayError) as info:
        _build_and_compile("", "r = t +* 2")
    cause = info.value.__cause__
    assert cause is None or isinstance(cause, AnnarrayError)


def test_rate_neuron_without_r(paradigm):
    # FACTS §G: 'Rate-coded neurons must define the variable "r"'
    with pytest.raises(AnnarrayError, match="BadNeuron"):
        ann.Neuron(equations="v = v + 1", name="BadNeuron")
    good = ann.Population(2, ann.Neuron(equations="r = r + 1"))
    ann.compile()
    ann.simulate(1)
    np.testing.assert_array_equal(good.r, [1.0, 1.0])


def test_bad_parameter_line(paradigm):
    with pytest.raises(AnnarrayError, match="BadNeuron") as info:
        ann.Population(1, ann.Neuron(parameters="tau = 1 +* 2", equations="r = tau", name="BadNeuron"))
        ann.compile()
    assert "tau = 1 +* 2" in str(info.value)


def test_reserved_name_as_parameter(paradigm):
    # FACTS §G: a reserved name as a parameter ('t') -> "t is a reserved variable name"
    with pytest.raises(AnnarrayError, match="BadNeuron") as info:
        ann.Population(1, ann.Neuron(parameters="t = 1.0", equations="r = t", name="BadNeuron"))
        ann.compile()
    assert "reserved" in str(info.value)


def test_wrong_argument_count_of_a_distribution(paradigm):
    # FACTS §D: Normal takes exactly 2 arguments in equations; Normal(0, 1, -1, 1) is an error
    with pytest.raises(AnnarrayError, match="BadNeuron") as info:
        ann.Population(1, ann.Neuron(equations="r = Normal(0, 1, -1, 1)", name="BadNeuron"))
        ann.compile()
    assert "Normal" in str(info.value)


def test_neuron_argument_must_be_a_neuron():
    with pytest.raises(AnnarrayError):
        ann.Population(2, "r = t")
