"""Model-wide names shared by all networks: ``Constant`` and ``add_function``."""

import logging
import re

import numpy as np

from annarray.errors import AnnarrayError, ParserError

__all__ = ["Constant", "add_function", "functions", "constant_values", "global_functions",
           "parse_function_definitions"]

logger = logging.getLogger(__name__)

_constants = {}
_functions = {}
_FUNC_RE = re.compile(r"^\s*([A-Za-z_]\w*)\s*\(([^)]*)\)\s*=\s*(.+)$")


class Constant(float):
    """A named value usable in every equation; ``set()`` changes it, also after compile.

    It behaves as a float in Python code. At simulation time the kernels read its value
    from a 0-d array that ``set()`` updates in place.
    """

    def __new__(cls, name, value, net_id=0):
        return float.__new__(cls, value)

    def __init__(self, name, value, net_id=0):
        if not str(name).isidentifier():
            raise AnnarrayError(f"Constant name '{name}' is not a valid identifier")
        self.name = name
        self.value = float(value)
        self.array = np.array(float(value))
        _constants[name] = self

    def set(self, value):
        """Changes the value seen by the equations (takes effect at the next step)."""
        self.value = float(value)
        self.array[...] = value

    def get(self):
        return self.value

    def __float__(self):
        return self.value

    def __repr__(self):
        return f"Constant({self.name!r}, {self.value})"

    __str__ = __repr__


def constant_values():
    """name → current value of every Constant."""
    return {name: c.value for name, c in _constants.items()}


def constants():
    return dict(_constants)


def parse_function_definitions(text, obj_name="functions"):
    """``f(x, y) = body`` lines → {name: (argument names, body)}."""
    result = {}
    for line in (text or "").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = _FUNC_RE.match(line)
        if not m:
            raise ParserError("a function is defined as 'name(x, y) = expression'", obj_name, line)
        args = [a.strip() for a in m.group(2).split(",") if a.strip()]
        if not all(a.isidentifier() for a in args):
            raise ParserError("function arguments must be names", obj_name, line)
        result[m.group(1)] = (args, m.group(3).strip())
    return result


def add_function(function):
    """Declares global functions usable in every equation, e.g. ``'sigmoid(x) = 1/(1+exp(-x))'``."""
    _functions.update(parse_function_definitions(function, "add_function"))


def global_functions():
    return dict(_functions)


def functions(name, net_id=0):
    """A NumPy-callable version of the global function ``name``: takes and returns arrays."""
    if name not in _functions:
        raise AnnarrayError(f"function '{name}' was not declared with add_function()")
    return numpy_function(name, _functions)


def numpy_function(name, definitions):
    """``definitions[name]`` (see :func:`parse_function_definitions`) as a NumPy function."""
    import sympy as sp

    from annarray.parser.expressions import ExpressionContext, parse_expression

    args, body = definitions[name]
    symbols = {a: sp.Symbol(a, real=True) for a in args}
    ctx = ExpressionContext(name, dict(symbols), functions={**_functions, **definitions}, allow_globals=False)
    expr = parse_expression(body, ctx)
    func = sp.lambdify([symbols[a] for a in args], expr, modules="numpy")

    def call(*values):
        return np.asarray(func(*(np.asarray(v, dtype=float) for v in values)), dtype=float)

    call.__name__ = name
    return call


def clear_globals():
    _constants.clear()
    _functions.clear()
