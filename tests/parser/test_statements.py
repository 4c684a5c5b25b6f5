"""Splitting model text into statements, and the flags after the colon.

Reference facts: docs/reference_facts.md §G (flags and parser errors, 4.8 string syntax) and §A (order of
evaluation). Numbers are hand-computed unless said otherwise.
"""

import numpy as np
import pytest

import annarray as ann
from annarray.errors import AnnarrayError, ModelError, ParserError
from annarray.parser.statements import IfBlock, parse_flags, split_flags, split_statements


def run(neuron, steps, variables, size=2, set_values=None):
    """Compiles one population of ``neuron``, simulates ``steps`` steps, returns recordings."""
    pop = ann.Population(size, neuron)
    mon = ann.Monitor(pop, variables)
    ann.compile()
    for name, value in (set_values or {}).items():
        setattr(pop, name, value)
    ann.simulate(float(steps))
    return pop, {v: mon.get(v) for v in variables}


# -- splitting (pure text) -------------------------------------------------------------------

def test_split_one_statement_per_line():
    items = split_statements("a = 1.0\n  \nb = a + 2 : init=3.0\n")
    assert [(s.left, s.op, s.right, s.flags) for s in items] == [
        ("a", "=", "1.0", ""),
        ("b", "=", "a + 2", "init=3.0"),
    ]


def test_split_removes_comments():
    items = split_statements("# a whole-line comment\na = 1.0 # trailing comment\n#b = 2\n")
    assert len(items) == 1
    assert (items[0].left, items[0].right) == ("a", "1.0")


def test_split_semicolon_separates_statements():
    items = split_statements("a = 1.0 ; b = 2.0;c = 3.0")
    assert [(s.left, s.right) for s in items] == [("a", "1.0"), ("b", "2.0"), ("c", "3.0")]


def test_split_backslash_continues_line():
    items = split_statements("r = 1.0 + \\\n    2.0 \\\n    + 3.0 : init=1.0\nq = r")
    assert len(items) == 2
    assert items[0].left == "r"
    assert items[0].right.split() == ["1.0", "+", "2.0", "+", "3.0"]
    assert items[0].flags == "init=1.0"


@pytest.mark.parametrize(
    "text, op",
    [("r = 1", "="), ("r += 1", "+="), ("r -= 1", "-="), ("r *= 2", "*="), ("r /= 2", "/=")],
)
def test_split_assignment_operators(text, op):
    (stmt,) = split_statements(text)
    assert (stmt.left, stmt.op, stmt.target) == ("r", op, "r")


def test_split_comparison_is_not_an_assignment():
    (stmt,) = split_statements("r = ite(v >= 1.0, v == 2.0, v != 3.0)")
    assert stmt.op == "="
    assert stmt.right == "ite(v >= 1.0, v == 2.0, v != 3.0)"


@pytest.mark.parametrize(
    "left, target",
    [("dv/dt", "v"), ("tau*dv/dt + v", "v"), ("tau * dv / dt", "v"), ("tau*dmem/dt", "mem")],
)
def test_split_ode_target(left, target):
    (stmt,) = split_statements(f"{left} = 1.0")
    assert stmt.is_ode
    assert stmt.target == target


def test_split_flags_at_last_colon_outside_brackets():
    assert split_flags("r = ite(a > 0, 1, 2) : init=1.0, max=2.0") == (
        "r = ite(a > 0, 1, 2)", "init=1.0, max=2.0")
    assert split_flags("r = 1.0") == ("r = 1.0", "")


def test_split_if_block_structure():
    items = split_statements("if v > 1:\n    r = 1.0\nelif v > 0:\n    r = 0.5\nelse:\n    r = 0.0\nq = r")
    assert isinstance(items[0], IfBlock)
    conds = [c for c, _ in items[0].branches]
    assert conds == ["v > 1", "v > 0", None]
    assert [b[0].right for _, b in items[0].branches] == ["1.0", "0.5", "0.0"]
    assert items[1].left == "q"


# -- flags (pure text) -----------------------------------------------------------------------

def test_parse_flags_keys_and_words():
    flags = parse_flags("init=0.5, min=-1.0, max = 2.0, population, int")
    assert flags == {"init": "0.5", "min": "-1.0", "max": "2.0", "population": True, "int": True}


@pytest.mark.parametrize(
    "method", ["explicit", "implicit", "semiimplicit", "exponential", "midpoint", "rk4"])
def test_parse_flags_methods(method):
    assert parse_flags(f"init=0.0, {method}") == {"init": "0.0", method: True}


def test_parse_flags_empty():
    assert parse_flags("") == {}


def test_parse_flags_unknown_word_raises():
    with pytest.raises(ParserError, match="blah"):
        parse_flags("blah", "MyNeuron", "r = 1.0 : blah")


def test_parse_flags_unknown_key_raises():
    # docs/reference_facts.md §G: an unknown key=value (': foo=2.0') is an error in the reference too.
    with pytest.raises(ParserError, match="foo"):
        parse_flags("foo=2.0", "MyNeuron", "r = 1.0 : foo=2.0")


# -- flags through a model -------------------------------------------------------------------

def test_flag_init_sets_initial_value(paradigm):
    n = ann.Neuron(equations="r = r + 1.0 : init=0.5")
    pop = ann.Population(2, n)
    np.testing.assert_array_equal(pop.r, [0.5, 0.5])
    _, rec = run(n, 3, ["r"])
    np.testing.assert_array_equal(rec["r"][:, 0], [1.5, 2.5, 3.5])


def test_flag_init_from_constant():
    ann.Constant("v_start", 2.5)
    n = ann.Neuron(equations="r = r : init=v_start")
    pop = ann.Population(2, n)
    np.testing.assert_array_equal(pop.r, [2.5, 2.5])


def test_parameter_init_flag_wins():
    # docs/reference_facts.md §G: "`a = 1.0 : init=3.0` is accepted and gives a = 3.0 (init wins)".
    n = ann.Neuron(parameters="a = 1.0 : init=3.0", equations="r = a")
    pop = ann.Population(2, n)
    np.testing.assert_array_equal(pop.a, [3.0, 3.0])


def test_flags_min_max_clamp_assignment(paradigm):
    n = ann.Neuron(equations="r = r + 1.0 : min=0.5, max=2.5")
    _, rec = run(n, 4, ["r"])
    # r: 0 -> max(0.5, 1) = 1 -> 2 -> min(3, 2.5) -> 2.5
    np.testing.assert_array_equal(rec["r"][:, 0], [1.0, 2.0, 2.5, 2.5])


def test_flag_min_clamps_from_below(paradigm):
    n = ann.Neuron(equations="r = r - 1.0 : min=-1.5")
    _, rec = run(n, 3, ["r"])
    np.testing.assert_array_equal(rec["r"][:, 0], [-1.0, -1.5, -1.5])


def test_flag_max_can_name_a_parameter(paradigm):
    # docs/reference_facts.md §G: "for min/max a parameter name" is accepted.
    n = ann.Neuron(parameters="rmax = 2.0", equations="r = r + 1.5 : max=rmax")
    pop, rec = run(n, 3, ["r"], set_values={"rmax": [2.0, 10.0]})
    np.testing.assert_array_equal(rec["r"], [[1.5, 1.5], [2.0, 3.0], [2.0, 4.5]])


def test_flag_population_makes_global_parameter():
    # docs/reference_facts.md §E/§G: a `population` parameter reads back as a Python float; an unflagged one
    # is local (one value per neuron).
    n = ann.Neuron(parameters="tau = 10.0 : population\nk = 2.0", equations="r = tau + k")
    pop = ann.Population(3, n)
    assert isinstance(pop.tau, float) and pop.tau == 10.0
    np.testing.assert_array_equal(pop.k, [2.0, 2.0, 2.0])


def test_flag_population_int_parameter_is_int():
    # docs/reference_facts.md §E: `: population, int` gives a Python int (3).
    n = ann.Neuron(parameters="n = 3 : population, int", equations="r = n")
    pop = ann.Population(2, n)
    assert type(pop.n) is int and pop.n == 3


def test_flag_int_variable_truncates(paradigm):
    # docs/reference_facts.md §G (measured): `r = 1.7 : int` gave r = [1, 1] (int array).
    n = ann.Neuron(equations="r = 1.7 : int")
    pop, rec = run(n, 1, ["r"])
    np.testing.assert_array_equal(pop.r, [1, 1])
    assert np.issubdtype(pop.r.dtype, np.integer)


def test_flag_bool_parameter(paradigm):
    # docs/reference_facts.md §G: `bool` type; §E: a True value reads back as bool. Used as a condition.
    n = ann.Neuron(parameters="flag = True : population, bool", equations="r = ite(flag, 2.0, 3.0)")
    pop, rec = run(n, 1, ["r"])
    assert pop.flag is True
    np.testing.assert_array_equal(rec["r"][0], [2.0, 2.0])


@pytest.mark.parametrize("text, expected", [("true", True), ("false", False), ("1", True), ("0", False)])
def test_flag_bool_init_spellings(text, expected):
    # docs/reference_facts.md §G: "For booleans `init` accepts true/false/1/0".
    n = ann.Neuron(equations=f"b = b : bool, init={text}\nr = 0.0")
    pop = ann.Population(2, n)
    np.testing.assert_array_equal(pop.b, [expected, expected])


# -- comments, ';' and continuations in a simulated model -------------------------------------

def test_model_with_comments_semicolons_and_continuation(paradigm):
    n = ann.Neuron(
        parameters="""
            # a comment line
            a = 2.0  # trailing comment
            b = 3.0 ; c = 0.5
        """,
        equations="""
            x = a + \\
                b        # continued: x = 5
            r = x * c ; y = r + 1.0
        """,
    )
    _, rec = run(n, 1, ["x", "r", "y"])
    np.testing.assert_array_equal(rec["x"][0], [5.0, 5.0])
    np.testing.assert_array_equal(rec["r"][0], [2.5, 2.5])
    np.testing.assert_array_equal(rec["y"][0], [3.5, 3.5])


# -- errors ------------------------------------------------------------------------------------

def _error_of(**kwargs):
    with pytest.raises(AnnarrayError) as info:
        n = ann.Neuron(name="MyNeuron", **kwargs)
        ann.Population(2, n)
        ann.compile()
    return info


def test_unknown_flag_error_names_neuron_and_line():
    info = _error_of(equations="r = 1.0 : blah")
    assert isinstance(info.value, ParserError)
    assert "MyNeuron" in str(info.value)
    assert "r = 1.0 : blah" in str(info.value)


def test_unknown_flag_in_parameters_error_names_neuron_and_line():
    info = _error_of(parameters="tau = 10.0 : popluation", equations="r = tau")
    assert isinstance(info.value, ParserError)
    assert "MyNeuron" in str(info.value)
    assert "tau = 10.0 : popluation" in str(info.value)


def test_unknown_key_flag_error():
    info = _error_of(equations="r = 1.0 : foo=2.0")
    assert isinstance(info.value, ParserError)
    assert "MyNeuron" in str(info.value)


def test_bad_init_value_error():
    info = _error_of(equations="r = 1.0 : init=undefined_name")
    assert isinstance(info.value, ModelError)
    assert "MyNeuron" in str(info.value)
    assert "undefined_name" in str(info.value)


def test_parameter_without_value_error():
    info = _error_of(parameters="tau", equations="r = 1.0")
    assert isinstance(info.value, ParserError)
    assert "MyNeuron" in str(info.value)
    assert "tau" in str(info.value)


def test_attribute_declared_twice_error():
    # docs/reference_facts.md §G: an attribute defined twice (parameter and variable both named r) is an error.
    info = _error_of(parameters="r = 1.0", equations="r = 2.0")
    assert isinstance(info.value, ModelError)
    assert "MyNeuron" in str(info.value)


def test_no_variable_on_left_error():
    # docs/reference_facts.md §G: `r + v = 1` has no variable name on the left: an error.
    info = _error_of(equations="r + v = 1.0")
    assert isinstance(info.value, ModelError)
    assert "MyNeuron" in str(info.value)
    assert "r + v = 1.0" in str(info.value)


def test_else_without_if_error():
    info = _error_of(equations="r = 1.0\nelse:\n    r = 2.0")
    assert isinstance(info.value, ParserError)
    assert "MyNeuron" in str(info.value)


def test_mixed_indentation_is_accepted(paradigm):
    # The reference strips every line (StringManipulation.process_equations in 4.8.2): the
    # indentation of plain statements does not matter, e.g. a first line written right after
    # the opening quotes and the next ones indented.
    n = ann.Neuron(equations="x = 2.0\n        r = x + 1.0\n  y = r * 2.0")
    _, rec = run(n, 1, ["r", "y"])
    np.testing.assert_array_equal(rec["r"][0], [3.0, 3.0])
    np.testing.assert_array_equal(rec["y"][0], [6.0, 6.0])


def test_line_without_assignment_continues_previous_equation(paradigm):
    # The reference (4.8.2 StringManipulation.process_equations) appends a line that has no
    # assignment operator to the previous equation, so an equation may span lines without '\\'.
    n = ann.Neuron(equations="r = 1.0 + 2.0\n    + 4.0 : init=0.0")
    _, rec = run(n, 1, ["r"])
    np.testing.assert_array_equal(rec["r"][0], [7.0, 7.0])


def test_unknown_method_flag_error():
    # docs/reference_facts.md §G: an unknown method name (`: euler`) is an error in the reference.
    info = _error_of(equations="dr/dt = -r : euler")
    assert isinstance(info.value, ParserError)
    assert "MyNeuron" in str(info.value)
    assert "dr/dt = -r : euler" in str(info.value)


def test_projection_flag_forbidden_in_neuron():
    # docs/reference_facts.md §G: `projection` or `postsynaptic` in a neuron is an error.
    for flag in ("projection", "postsynaptic"):
        info = _error_of(parameters=f"a = 1.0 : {flag}", equations="r = a")
        assert isinstance(info.value, ModelError)
        assert "MyNeuron" in str(info.value)
        assert flag in str(info.value)


def test_reserved_name_as_parameter_error():
    # docs/reference_facts.md §G: a reserved name as a parameter (`t`) is an error.
    info = _error_of(parameters="t = 1.0", equations="r = t")
    assert isinstance(info.value, ModelError)
    assert "MyNeuron" in str(info.value)
    assert "t" in str(info.value)


def test_rate_neuron_without_r_error():
    # docs/reference_facts.md §A: a rate-coded neuron MUST define `r` ("Rate-coded neurons must define the
    # variable "r"").
    info = _error_of(equations="v = 1.0")
    assert isinstance(info.value, ModelError)
    assert "MyNeuron" in str(info.value)
    assert "r" in str(info.value)


def test_variable_defined_twice_with_flags_error():
    # docs/reference_facts.md §G: two equations for r -> "Attributes must be declared only once".
    info = _error_of(equations="r = 1.0 : init=1.0\nr = 2.0 : init=2.0")
    assert isinstance(info.value, ModelError)
    assert "MyNeuron" in str(info.value)



def test_lines_indented_less_than_the_first_are_kept():
    """Indentation only matters inside if/else blocks: a dedented line is one more statement."""
    items = split_statements("        a = 1\n    b = 2\nc = 3")
    assert [item.left for item in items] == ["a", "b", "c"]
