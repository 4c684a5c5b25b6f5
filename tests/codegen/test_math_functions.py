"""Math functions in equations, compared with NumPy, and global operations.

Reference facts: docs/reference_facts.md §I (C++ definitions of pos/neg/clip/modulo/power, pi, a measured
sum of functions) and §B (global operations and their one-step lag, measured).
"""

import math

import numpy as np
import pytest

import annarray as ann

X_ANY = np.array([-3.7, -2.5, -1.0, -0.5, 0.0, 0.3, 0.5, 1.0, 2.5, 4.2])
X_POSITIVE = np.array([0.01, 0.3, 0.5, 1.0, 2.0, 2.718281828459045, 10.0, 123.4])
X_UNIT = np.array([-1.0, -0.9, -0.5, 0.0, 0.25, 0.5, 0.99, 1.0])


def evaluate(expression, x, y=None):
    """Value of ``r = expression`` after one step, with the local parameters x (and y)."""
    params = "x = 0.0\ny = 0.0"
    neuron = ann.Neuron(parameters=params, equations=f"r = {expression}")
    pop = ann.Population(len(x), neuron)
    pop.x = np.asarray(x, dtype=float)
    if y is not None:
        pop.y = np.asarray(y, dtype=float)
    ann.compile()
    ann.simulate(1.0)
    return pop.r


def c_round(x):
    """C's round(): halves away from zero."""
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


CASES = [
    ("exp(x)", X_ANY, np.exp),
    ("log(x)", X_POSITIVE, np.log),
    ("log10(x)", X_POSITIVE, np.log10),
    ("sqrt(x)", X_POSITIVE, np.sqrt),
    ("sin(x)", X_ANY, np.sin),
    ("cos(x)", X_ANY, np.cos),
    ("tan(x)", X_ANY, np.tan),
    ("asin(x)", X_UNIT, np.arcsin),
    ("arcsin(x)", X_UNIT, np.arcsin),
    ("acos(x)", X_UNIT, np.arccos),
    ("arccos(x)", X_UNIT, np.arccos),
    ("atan(x)", X_ANY, np.arctan),
    ("arctan(x)", X_ANY, np.arctan),
    ("sinh(x)", X_ANY, np.sinh),
    ("cosh(x)", X_ANY, np.cosh),
    ("tanh(x)", X_ANY, np.tanh),
    ("fabs(x)", X_ANY, np.abs),
    ("abs(x)", X_ANY, np.abs),
    ("floor(x)", X_ANY, np.floor),
    ("ceil(x)", X_ANY, np.ceil),
    ("round(x)", X_ANY, c_round),
    ("pos(x)", X_ANY, lambda x: np.where(x > 0, x, 0.0)),
    ("positive(x)", X_ANY, lambda x: np.where(x > 0, x, 0.0)),
    # docs/reference_facts.md §I: neg(x) returns the NEGATIVE value itself (neg(-4) = -4, negative(5) = 0).
    ("neg(x)", X_ANY, lambda x: np.where(x < 0, x, 0.0)),
    ("negative(x)", X_ANY, lambda x: np.where(x < 0, x, 0.0)),
    ("clip(x, -1.0, 2.0)", X_ANY, lambda x: np.clip(x, -1.0, 2.0)),
    ("power(x, 3)", X_ANY, lambda x: x * x * x),
    ("power(x, 2)", X_ANY, lambda x: x * x),
    ("x^2", X_ANY, lambda x: x * x),
    ("x**3", X_ANY, lambda x: x ** 3),
    ("pi * x", X_ANY, lambda x: np.pi * x),
    ("exp(-x*x/2.0)/sqrt(2.0*pi)", X_ANY, lambda x: np.exp(-x * x / 2.0) / np.sqrt(2.0 * np.pi)),
]


@pytest.mark.parametrize("expression, x, reference", CASES, ids=[c[0] for c in CASES])
def test_math_function_matches_numpy(expression, x, reference, paradigm):
    np.testing.assert_allclose(evaluate(expression, x), reference(x), rtol=1e-13, atol=1e-15)


def test_round_halves_away_from_zero(paradigm):
    # C's round(): round(2.5) = 3, round(-2.5) = -3, round(0.5) = 1 (NumPy's round gives 2, -2, 0).
    np.testing.assert_array_equal(evaluate("round(x)", [2.5, -2.5, 0.5, -0.5, 1.4]), [3.0, -3.0, 1.0, -1.0, 1.0])


def test_neg_and_pos_measured_values(paradigm):
    # docs/reference_facts.md §I: measured neg(-4) = -4, negative(5) = 0.
    np.testing.assert_array_equal(evaluate("neg(x) + 10*positive(x)", [-4.0, 5.0]), [-4.0, 50.0])


def test_clip_measured_value(paradigm):
    # docs/reference_facts.md §I: clip(7, 0, 5) = 5.
    np.testing.assert_array_equal(evaluate("clip(x, 0.0, 5.0)", [7.0, -1.0, 3.0]), [5.0, 0.0, 3.0])


def test_power_measured_value(paradigm):
    # docs/reference_facts.md §I: power(2, 3) = 8.
    np.testing.assert_array_equal(evaluate("power(x, 3)", [2.0]), [8.0])


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (7.0, 3.0, 1.0),  # docs/reference_facts.md §I: modulo(7,3) = 1
        (-7.0, 3.0, -1.0),  # C remainder: the sign follows the dividend
        (7.0, -3.0, 1.0),
        (7.9, 3.0, 1.0),  # long(7.9) % long(3) = 7 % 3 = 1
        (-7.9, 3.0, -1.0),  # long(-7.9) = -7; -7 % 3 = -1
        (9.0, 3.0, 0.0),
        (2.0, 5.0, 2.0),
        (10.0, 3.5, 1.0),  # long(3.5) = 3; 10 % 3 = 1
    ],
)
def test_modulo_is_integer_c_remainder(a, b, expected, paradigm):
    # docs/reference_facts.md §I: `modulo(a,b)` = long(a) % long(b) (integer C remainder, sign follows a).
    assert evaluate("modulo(x, y)", [a], [b])[0] == expected


def test_measured_function_sum(paradigm):
    # docs/reference_facts.md §I: fabs(-1.5)+exp(0)+log(1.0)+sqrt(4.0)+cos(0.0)+pi = 8.641592653589793.
    value = evaluate("fabs(-1.5)+exp(0)+log(1.0)+sqrt(4.0)+cos(0.0)+pi + 0*x", [0.0])[0]
    assert value == pytest.approx(8.641592653589793, rel=1e-15)


def test_two_argument_expression_per_neuron(paradigm):
    x = np.array([0.5, 1.5, -2.0])
    y = np.array([2.0, 3.0, 4.0])
    np.testing.assert_allclose(evaluate("sqrt(x*x + y*y) + exp(-y) * sin(x)", x, y),
                               np.sqrt(x * x + y * y) + np.exp(-y) * np.sin(x), rtol=1e-14)


# -- global operations (docs/reference_facts.md §B) ---------------------------------------------------------------

def test_global_operations_one_step_lag(paradigm):
    """docs/reference_facts.md §B, measured: 3 neurons, `r = r + 1`, r set to [1,2,3] after compile, dt=1.
    The reductions are computed after the update, so an equation sees the previous step's."""
    neuron = ann.Neuron(
        equations="""
            r = r + 1
            m = mean(r)
            mx = max(r)
            mn = min(r)
            n1 = norm1(r)
            n2 = norm2(r)
        """
    )
    pop = ann.Population(3, neuron)
    mon = ann.Monitor(pop, ["r", "m", "mx", "mn", "n1", "n2"])
    ann.compile()
    pop.r = [1.0, 2.0, 3.0]
    ann.simulate(3.0)
    rec = {k: mon.get(k) for k in ["r", "m", "mx", "mn", "n1", "n2"]}
    np.testing.assert_array_equal(rec["r"], [[2, 3, 4], [3, 4, 5], [4, 5, 6]])
    expected = {
        "m": [0.0, 3.0, 4.0],
        "mx": [0.0, 4.0, 5.0],
        "mn": [0.0, 2.0, 3.0],
        "n1": [0.0, 9.0, 12.0],
        "n2": [0.0, 5.385164807134504, 7.0710678118654755],
    }
    for name, values in expected.items():
        # local variables: every neuron holds the same value
        np.testing.assert_allclose(rec[name], np.repeat(np.array(values)[:, None], 3, axis=1),
                                   rtol=1e-15, err_msg=name)


def test_global_operation_into_population_variable(paradigm):
    """docs/reference_facts.md §B, measured: `r = r + 1 : init=5.0` (3 neurons), `m = mean(r) : population`
    recorded [0.0, 6.0, 7.0, 8.0, 9.0]; the monitor of a global variable is 1-D (T,) and
    `pop.m` is a Python float."""
    neuron = ann.Neuron(equations="r = r + 1 : init=5.0\nm = mean(r) : population")
    pop = ann.Population(3, neuron)
    mon = ann.Monitor(pop, ["m"])
    ann.compile()
    ann.simulate(5.0)
    m = mon.get("m")
    assert m.shape == (5,)
    np.testing.assert_array_equal(m, [0.0, 6.0, 7.0, 8.0, 9.0])
    assert isinstance(pop.m, float) and pop.m == 9.0


def test_global_operation_not_computed_at_compile(paradigm):
    """docs/reference_facts.md §B: before the first step the reductions are 0.0, even with init=5.0."""
    neuron = ann.Neuron(equations="r = r : init=5.0\nmx = max(r) : population")
    pop = ann.Population(3, neuron)
    mon = ann.Monitor(pop, ["mx"])
    ann.compile()
    ann.simulate(2.0)
    np.testing.assert_array_equal(mon.get("mx"), [0.0, 5.0])


def test_norm1_norm2_with_negative_values(paradigm):
    """docs/reference_facts.md §B definitions: norm1 = sum |x|, norm2 = sqrt(sum x^2) (not squared);
    min/max plain. Hand-computed for r = [-1, 2, -3] (constant)."""
    neuron = ann.Neuron(
        equations="r = r\nn1 = norm1(r) : population\nn2 = norm2(r) : population\n"
                  "mn = min(r) : population\nmx = max(r) : population\nm = mean(r) : population"
    )
    pop = ann.Population(3, neuron)
    ann.compile()
    pop.r = [-1.0, 2.0, -3.0]
    ann.simulate(2.0)
    assert pop.n1 == 6.0
    assert pop.n2 == pytest.approx(math.sqrt(14.0), rel=1e-15)
    assert pop.mn == -3.0
    assert pop.mx == 2.0
    assert pop.m == pytest.approx(-2.0 / 3.0, rel=1e-15)


def test_global_operation_used_in_ode(paradigm):
    """An ODE driven by mean(r) of the previous step: dx/dt = mean(r) with r = 2 (constant from
    the first step): the mean seen is 0 at step 1, then 2 -> x = 0, 2, 4."""
    neuron = ann.Neuron(equations="r = 2.0\ndx/dt = mean(r)")
    pop = ann.Population(4, neuron)
    mon = ann.Monitor(pop, ["x"])
    ann.compile()
    ann.simulate(3.0)
    np.testing.assert_array_equal(mon.get("x")[:, 0], [0.0, 2.0, 4.0])


def test_min_max_with_two_arguments_are_elementwise(paradigm):
    """max(a, b) / min(a, b) with two values are the element-wise functions, not reductions."""
    x = np.array([-1.0, 0.5, 3.0])
    y = np.array([0.0, 1.0, 2.0])
    np.testing.assert_array_equal(evaluate("max(x, y) + 10*min(x, y)", x, y), np.maximum(x, y) + 10 * np.minimum(x, y))
