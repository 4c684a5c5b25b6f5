"""Kernel text compiled into NumPy ufunc chains gives numexpr's values.

The expected values are numexpr's evaluation of the same text (the CPU kernel language);
the ufunc chain re-associates sums and products of scalars, so they agree to rounding
(relative 1e-12), and exactly for selections and comparisons.
"""

import numexpr
import numpy as np
import pytest

from annarray.codegen.ufunc_kernel import UfuncProgram
from annarray.errors import CompilationError

N = 257
CASES = [
    "(v + (0.1 * (El + I + (-1.0 * v) + (g_exc * (Erev_exc + (-1.0 * v))) + (g_inh * (Erev_inh + (-1.0 * v)))) / (tau)))",
    "(g_exc + (-0.1 * g_exc / (tau)))",
    "(((0.04 * (v ** 2)) + (5.0 * v) + 140.0 + (-1.0 * u) + g_exc) * 0.5)",
    "(v ** 3) + (u ** 2.5) + (1.0 / v) + (El / (v * u))",
    "exp((-1.0 * v / (tau))) + sqrt(abs(u)) + log(abs(v) + 1.0) + tanh(u)",
    "where((v > Vt), Vr, v)",
    "where((u < 0.5) & (v > -1.0) | (~(u > 0.9)), (v * 2.0), (u - El))",
    "((v % 0.7) + (El % 0.7))",
    "(El + I) * (tau - 1.0)",
    "(v - v) + (2.0 * u) - (0.5 * u) + (u * El) - (El * u)",
    "(-1.0 * v) + (-1.0 * u)",
    "where((El > 0.0), v, u)",
    "floor(v) + ceil(u) + arctan2(v, u)",
]


def _arrays(rng):
    return {
        "v": rng.normal(-55.0, 5.0, N), "u": rng.uniform(0.1, 1.0, N), "g_exc": rng.uniform(0, 5, N),
        "g_inh": rng.uniform(0, 20, N), "El": np.array(-60.0), "I": np.array(20.0), "tau": np.array(20.0),
        "Erev_exc": np.array(0.0), "Erev_inh": np.array(-80.0), "Vt": np.array(-50.0), "Vr": np.array(-60.0),
    }


def _names(source, ns):
    import ast

    used = {n.id for n in ast.walk(ast.parse(source, mode="eval")) if isinstance(n, ast.Name)}
    return [k for k in ns if k in used]


@pytest.mark.parametrize("source", CASES)
def test_matches_numexpr(source):
    ns = _arrays(np.random.default_rng(0))
    names = _names(source, ns)
    expected = numexpr.evaluate(source, local_dict=ns)
    out = np.empty(N)
    arrays = {n for n in names if ns[n].ndim}
    UfuncProgram(source, names, arrays, set(), set()).run(np, [ns[n] for n in names], out)
    np.testing.assert_allclose(out, np.broadcast_to(expected, (N,)), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("source", CASES[:7])
def test_in_place_output(source):
    """The output is also an input (``v = f(v)``): every read sees the value before."""
    ns = _arrays(np.random.default_rng(1))
    names = _names(source, ns)
    expected = np.broadcast_to(numexpr.evaluate(source, local_dict=ns), (N,)).copy()
    if "v" not in names:
        pytest.skip("does not read v")
    arrays = {n for n in names if ns[n].ndim}
    bound = UfuncProgram(source, names, arrays, set(), {"v"}).bind(np, [ns[n] for n in names], ns["v"])
    bound()
    np.testing.assert_allclose(ns["v"], expected, rtol=1e-12, atol=1e-12)


def test_masked_update_leaves_other_elements():
    """``where(r > 0, v, f(v))`` written into ``v`` only changes the elements with r <= 0."""
    v = np.array([1.0, 2.0, 3.0, 4.0])
    r = np.array([0.0, 2.0, 0.0, 1.0])
    source = "where((r > 0.0), v, (v * 10.0))"
    UfuncProgram(source, ["v", "r"], {"v", "r"}, set(), {"v"}).bind(np, [v, r], v)()
    assert v.tolist() == [10.0, 2.0, 30.0, 4.0]


def test_boolean_output():
    v = np.array([-60.0, -40.0, -45.0])
    r = np.array([0.0, 0.0, 3.0])
    out = np.zeros(3, dtype=bool)
    source = "((r <= 0.0) & (v > Vt))"
    UfuncProgram(source, ["r", "v", "Vt"], {"r", "v"}, set(), set()).run(np, [r, v, np.array(-50.0)], out)
    assert out.tolist() == [False, True, False]


def test_parameters_are_read_at_each_call():
    """Population-wide parameters are 0-d arrays changed in place by the user."""
    g, tau = np.ones(3), np.array(10.0)
    step = UfuncProgram("(g + (-1.0 * g / (tau)))", ["g", "tau"], {"g"}, set(), {"g"}).bind(np, [g, tau], g)
    step()
    tau[...] = 2.0
    step()
    np.testing.assert_allclose(g, 0.9 * 0.5)


def test_unknown_function_refused():
    with pytest.raises(CompilationError, match="unknown function"):
        UfuncProgram("foo(v)", ["v"], {"v"}, set(), set())
