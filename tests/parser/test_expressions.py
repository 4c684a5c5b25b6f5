"""Right-hand sides and left-hand forms of equations, checked on simulated numbers.

Reference facts: docs/reference_facts.md §A (order of evaluation), §G (parser errors) and §I (conditionals).
The first step of a simulation sees t = 0.0 (docs/reference_facts.md, order of one step); monitor row k holds
the value after step k+1. Expected numbers are hand-computed unless said otherwise.
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError, ModelError, ParserError


def simulate(equations, variables, steps, parameters="", size=2, name=None):
    """Simulates one population for ``steps`` steps; returns {variable: recording}."""
    n = ann.Neuron(parameters=parameters, equations=equations, name=name)
    pop = ann.Population(size, n)
    mon = ann.Monitor(pop, list(variables))
    ann.compile()
    ann.simulate(float(steps))
    return {v: mon.get(v) for v in variables}


def column(rec):
    """First neuron's trajectory (all neurons are identical in these models)."""
    assert np.all(rec == rec[:, :1]), "neurons of one population should agree"
    return rec[:, 0]


# -- ODE left-hand forms -----------------------------------------------------------------------

# Explicit Euler with dt=1, tau=10, I=1, v0=0: v_{n+1} = v_n + (1 - v_n)/10.
EULER_V = [0.1, 0.19, 0.271, 0.3439]


@pytest.mark.parametrize(
    "ode",
    [
        "dv/dt = (I - v)/tau",
        "tau*dv/dt + v = I",
        "tau * dv / dt = I - v",
        "tau*dv/dt = I - v",
        "dv/dt * tau = I - v",
        "tau*(dv/dt) + v - I = 0.0",
        "2*tau*dv/dt + 2*v = 2*I",
    ],
)
def test_ode_left_hand_forms_same_trajectory(ode, paradigm):
    rec = simulate(ode + "\nr = v", ["v"], 4, parameters="tau = 10.0 : population\nI = 1.0")
    np.testing.assert_allclose(column(rec["v"]), EULER_V, rtol=1e-14)


def test_ode_with_gradient_in_right_hand_side_of_another_form(paradigm):
    # `dv/dt = -v/tau + I/tau` is the same ODE as above, written with the terms split.
    rec = simulate("dv/dt = -v/tau + I/tau\nr = v", ["v"], 4, parameters="tau = 10.0 : population\nI = 1.0")
    np.testing.assert_allclose(column(rec["v"]), EULER_V, rtol=1e-14)


# -- compound assignments ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "equation, expected",
    [
        ("r += 1.5", [3.5, 5.0, 6.5]),
        ("r -= 1.5", [0.5, -1.0, -2.5]),
        ("r *= 3.0", [6.0, 18.0, 54.0]),
        ("r /= 4.0", [0.5, 0.125, 0.03125]),
    ],
)
def test_compound_assignment(equation, expected, paradigm):
    rec = simulate(f"{equation} : init=2.0", ["r"], 3)
    np.testing.assert_array_equal(column(rec["r"]), expected)


def test_compound_assignment_sees_earlier_assignment_same_step(paradigm):
    # docs/reference_facts.md §A: assignments run one after another; `r += a` uses the new a.
    rec = simulate("a = a + 1.0\nr += a", ["a", "r"], 3)
    np.testing.assert_array_equal(column(rec["a"]), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(column(rec["r"]), [1.0, 3.0, 6.0])


# -- ite() -----------------------------------------------------------------------------------------

def test_ite_uses_time(paradigm):
    # t = 0, 1, 2, 3 during steps 1..4.
    rec = simulate("r = ite(t > 1.5, 1.0, 2.0)", ["r"], 4)
    np.testing.assert_array_equal(column(rec["r"]), [2.0, 2.0, 1.0, 1.0])


def test_ite_nested(paradigm):
    rec = simulate("r = ite(t < 0.5, 5.0, ite(t < 1.5, 6.0, 7.0))", ["r"], 3)
    np.testing.assert_array_equal(column(rec["r"]), [5.0, 6.0, 7.0])


def test_ite_inside_larger_expression(paradigm):
    # docs/reference_facts.md §I: ite() is allowed anywhere in an expression.
    rec = simulate("r = 10.0 + 2.0 * ite(t > 0.5, 1.0, -1.0)", ["r"], 2)
    np.testing.assert_array_equal(column(rec["r"]), [8.0, 12.0])


def test_ite_in_ode(paradigm):
    # dr/dt = 1 while t < 1.5, then 0 : r = 1, 2, 2, 2
    rec = simulate("dr/dt = ite(t < 1.5, 1.0, 0.0)", ["r"], 4)
    np.testing.assert_array_equal(column(rec["r"]), [1.0, 2.0, 2.0, 2.0])


def test_ite_condition_per_neuron(paradigm):
    n = ann.Neuron(parameters="x = 0.0", equations="r = ite(x > 0.0, x, -x)")
    pop = ann.Population(4, n)
    pop.x = [-2.0, -0.5, 0.5, 3.0]
    ann.compile()
    ann.simulate(1.0)
    np.testing.assert_array_equal(pop.r, [2.0, 0.5, 0.5, 3.0])


# -- statement-level if/elif/else blocks -----------------------------------------------------------

def test_if_else_block_assigns_several_variables(paradigm):
    eqs = """
        if t > 0.5:
            r = 1.0
            q = 2.0
        else:
            r = 3.0
            q = 4.0
    """
    rec = simulate(eqs, ["r", "q"], 2)
    np.testing.assert_array_equal(column(rec["r"]), [3.0, 1.0])
    np.testing.assert_array_equal(column(rec["q"]), [4.0, 2.0])


def test_if_elif_else_block(paradigm):
    eqs = """
        if t < 0.5:
            r = 1.0
        elif t < 1.5:
            r = 2.0
        else:
            r = 3.0
    """
    rec = simulate(eqs, ["r"], 4)
    np.testing.assert_array_equal(column(rec["r"]), [1.0, 2.0, 3.0, 3.0])


def test_if_without_else_keeps_value(paradigm):
    eqs = """
        r = r + 1.0
        if t > 1.5:
            r = 0.0
    """
    # step 1 (t=0): r = 1; step 2 (t=1): 2; step 3 (t=2): 3 -> 0; step 4: 1 -> 0
    rec = simulate(eqs, ["r"], 4)
    np.testing.assert_array_equal(column(rec["r"]), [1.0, 2.0, 0.0, 0.0])


def test_if_branch_statements_are_sequential(paradigm):
    eqs = """
        if t >= 0.0:
            q = 2.0
            r = q * 3.0
        else:
            r = 0.0
    """
    rec = simulate(eqs, ["r", "q"], 1)
    np.testing.assert_array_equal(column(rec["q"]), [2.0])
    np.testing.assert_array_equal(column(rec["r"]), [6.0])


# -- the reference's right-hand-side `if` form (docs/reference_facts.md §I) ---------------------------------------

def test_rhs_if_one_line(paradigm):
    rec = simulate("r = if t > 0.5: 1.0 else: 2.0", ["r"], 2)
    np.testing.assert_array_equal(column(rec["r"]), [2.0, 1.0])


def test_rhs_if_nested_measured_form(paradigm):
    # docs/reference_facts.md §I: `i11 = if t<1: (if t<0.5: 5 else: 6) else: 7` compiles to
    # (t<1 ? (t<0.5 ? 5.0 : 6.0) : 7.0). With dt=0.5: t = 0, 0.5, 1.0 -> 5, 6, 7.
    ann.setup(dt=0.5)
    rec = simulate("r = if t<1: (if t<0.5: 5 else: 6) else: 7", ["r"], 1.5)
    np.testing.assert_array_equal(column(rec["r"]), [5.0, 6.0, 7.0])


def test_rhs_if_multi_line_with_flags_after_last_line(paradigm):
    # docs/reference_facts.md §I: the multi-line conditional is the whole right-hand side; the flags go after
    # the last line (`: init = 0.6`).
    eqs = """
        x = t
        r = if x < 1.5 :
                if x < 0.5 :
                    10.0
                else:
                    20.0
            else:
                30.0  : init = 0.6, max = 25.0
    """
    n = ann.Neuron(equations=eqs)
    pop = ann.Population(2, n)
    np.testing.assert_array_equal(pop.r, [0.6, 0.6])
    mon = ann.Monitor(pop, ["r"])
    ann.compile()
    ann.simulate(3.0)
    np.testing.assert_array_equal(column(mon.get("r")), [10.0, 20.0, 25.0])


# -- boolean operators -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    "condition, expected",
    [
        # t = 0, 1, 2, 3
        ("(t > 0.5) and (t < 2.5)", [0.0, 1.0, 1.0, 0.0]),
        ("(t < 0.5) or (t > 2.5)", [1.0, 0.0, 0.0, 1.0]),
        ("not (t > 1.5)", [1.0, 1.0, 0.0, 0.0]),
        ("t is 1", [0.0, 1.0, 0.0, 0.0]),  # docs/reference_facts.md §I: `is` works like `==`
        ("t is not 1", [1.0, 0.0, 1.0, 1.0]),  # docs/reference_facts.md §I: `is not` like `!=`
        ("t == 2", [0.0, 0.0, 1.0, 0.0]),
        ("t != 2", [1.0, 1.0, 0.0, 1.0]),
        ("t >= 2", [0.0, 0.0, 1.0, 1.0]),
        ("t <= 2", [1.0, 1.0, 1.0, 0.0]),
        ("((t > 0.5) and (t < 2.5)) or (t is 3)", [0.0, 1.0, 1.0, 1.0]),
        ("True", [1.0, 1.0, 1.0, 1.0]),
        ("False", [0.0, 0.0, 0.0, 0.0]),
    ],
)
def test_boolean_operators(condition, expected, paradigm):
    rec = simulate(f"r = ite({condition}, 1.0, 0.0)", ["r"], 4)
    np.testing.assert_array_equal(column(rec["r"]), expected)


def test_bool_variable_from_comparison(paradigm):
    rec = simulate("b = t > 0.5 : bool\nr = ite(b, 3.0, 4.0)", ["r"], 2)
    np.testing.assert_array_equal(column(rec["r"]), [4.0, 3.0])


def test_builtin_dt_name(paradigm):
    ann.setup(dt=0.25)
    rec = simulate("r = dt * 4.0 + t", ["r"], 0.5)
    np.testing.assert_array_equal(column(rec["r"]), [1.0, 1.25])


# -- errors ----------------------------------------------------------------------------------------

def _error(equations, parameters=""):
    """The error raised while defining and compiling a model (any stage)."""
    with pytest.raises(AnnarrayError) as info:
        n = ann.Neuron(parameters=parameters, equations=equations, name="BadNeuron")
        ann.Population(2, n)
        ann.compile()
    return info.value


def _check_names(err, line):
    assert isinstance(err, ParserError), f"expected ParserError, got {type(err).__name__}: {err}"
    assert "BadNeuron" in str(err)
    assert line in str(err)


def test_unknown_name_error():
    err = _error("r = foo + 1.0")
    _check_names(err, "r = foo + 1.0")
    assert "foo" in str(err)


def test_unknown_name_in_ode_error():
    err = _error("dr/dt = foo - r")
    _check_names(err, "dr/dt = foo - r")
    assert "foo" in str(err)


def test_unknown_function_error():
    err = _error("r = frobnicate(1.0)")
    _check_names(err, "r = frobnicate(1.0)")
    assert "frobnicate" in str(err)


@pytest.mark.parametrize("line", ["r = (1.0 + 2.0", "r = 1.0 +* 2.0", "r = 1.0 2.0", "r = [1.0]"])
def test_syntax_error(line):
    # docs/reference_facts.md §G: unbalanced parentheses are an error in the reference.
    err = _error(line)
    _check_names(err, line)


def test_gradient_on_right_hand_side_error():
    err = _error("dr/dt = dr/dt + 1.0")
    assert isinstance(err, ModelError)
    assert "BadNeuron" in str(err)


def test_two_gradients_on_left_error():
    # docs/reference_facts.md §G: `dr/dt + dv/dt = ...` is an error ("No variable name can be found").
    err = _error("dr/dt + dv/dt = 1.0\nv = 0.0")
    assert isinstance(err, ModelError)
    assert "BadNeuron" in str(err)


def test_left_side_without_variable_error():
    # docs/reference_facts.md §G: `tau*r = 1.0 - r` has no plain variable name and no gradient.
    err = _error("tau*r = 1.0 - r", parameters="tau = 10.0")
    assert isinstance(err, ModelError)
    assert "BadNeuron" in str(err)


def test_nonlinear_gradient_error():
    err = _error("(dr/dt)**2 = 1.0")
    assert isinstance(err, ModelError)
    assert "BadNeuron" in str(err)


def test_distribution_wrong_argument_count_error():
    # docs/reference_facts.md §D: exact argument counts; Normal(0, 1, -1, 1) errors in equations.
    err = _error("r = Normal(0.0, 1.0, -1.0, 1.0)")
    assert isinstance(err, ModelError)
    assert "BadNeuron" in str(err)
    err = _error("r = Uniform(0.0)")
    assert isinstance(err, ModelError)


def test_ite_wrong_argument_count_error():
    err = _error("r = ite(t > 1.0, 2.0)")
    _check_names(err, "r = ite(t > 1.0, 2.0)")


@pytest.mark.parametrize(
    "line",
    ["r = pop.v + 1.0", "r = lambda x: x", "r = 'text'", "r = {1: 2}", "r = 1.0 if t else 2.0 if"],
)
def test_unsupported_syntax_is_a_parser_error(line):
    # SPEC.md: bad model text gets a clear error naming the object and the line, never a
    # SymPy (or Python) traceback.
    err = _error(line)
    _check_names(err, line)


def test_function_wrong_argument_count_error():
    err = _error("r = exp(1.0, 2.0)")
    _check_names(err, "r = exp(1.0, 2.0)")


def test_assignment_to_parameter_in_equations_error():
    err = _error("tau = 2.0\nr = tau", parameters="tau = 10.0")
    assert isinstance(err, ModelError)
    assert "BadNeuron" in str(err)


def test_ode_with_compound_operator_error():
    err = _error("dr/dt += 1.0")
    assert isinstance(err, ModelError)
    assert "BadNeuron" in str(err)


def test_caret_is_a_power_with_power_precedence(paradigm):
    # 1 - 2 * 3^2 * 0.5 = -8 (not (1 - 2*3) ^ (2*0.5))
    rec = simulate("x = 1 - 2 * 3^2 * 0.5\nr = x", ["x"], 1)
    assert column(rec["x"])[0] == pytest.approx(-8.0)
