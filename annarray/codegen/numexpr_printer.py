"""SymPy expressions → numexpr source text (the CPU kernel language).

Everything is printed with explicit parentheses and floating-point literals, so that the
text evaluates with C's precedence and without integer division. Boolean attributes are
used directly as conditions and as 0/1 in arithmetic.
"""

import math

import sympy as sp

from annarray.codegen.functions import CFmod
from annarray.errors import CompilationError

__all__ = ["NumexprPrinter", "to_numexpr"]

_FUNCS = {
    sp.exp: "exp", sp.log: "log", sp.sin: "sin", sp.cos: "cos", sp.tan: "tan",
    sp.asin: "arcsin", sp.acos: "arccos", sp.atan: "arctan", sp.atan2: "arctan2",
    sp.sinh: "sinh", sp.cosh: "cosh", sp.tanh: "tanh",
    sp.asinh: "arcsinh", sp.acosh: "arccosh", sp.atanh: "arctanh",
    sp.Abs: "abs", sp.floor: "floor", sp.ceiling: "ceil",
}


class NumexprPrinter:
    """Prints SymPy expressions as numexpr text.

    :param values: symbol name → number to inline (e.g. ``dt``).
    :param bool_names: names of boolean arrays.
    :param rename: symbol name → name used in the kernel (default: unchanged).
    """

    def __init__(self, values=None, bool_names=(), rename=None):
        self.values = dict(values or {})
        self.bool_names = set(bool_names)
        self.rename = dict(rename or {})
        self.used = []

    def doprint(self, expr, boolean=False):
        """numexpr text of ``expr``; ``boolean=True`` prints it as a condition."""
        self.used = []
        expr = sp.sympify(expr)
        if self.values:
            # inline the numbers first, so that SymPy folds the constant factors (dt/2 ...)
            expr = expr.xreplace({s: sp.Float(self.values[s.name]) for s in expr.free_symbols
                                  if s.name in self.values})
        return self._p(expr, boolean=boolean)

    def _name(self, name):
        new = self.rename.get(name, name)
        if new not in self.used:
            self.used.append(new)
        return new

    def _p(self, e, boolean):
        if boolean:
            return self._boolean(e)
        if e is sp.true or e is sp.false:
            return "1.0" if e is sp.true else "0.0"
        if isinstance(e, (sp.core.relational.Relational, sp.logic.boolalg.Boolean)) and not e.is_Symbol:
            return f"where({self._boolean(e)}, 1.0, 0.0)"
        if e.is_Symbol:
            if e.name in self.values:
                return repr(float(self.values[e.name]))
            name = self._name(e.name)
            return f"where({name}, 1.0, 0.0)" if e.name in self.bool_names else name
        if e.is_Number or e in (sp.pi, sp.E):
            value = float(e)
            if math.isnan(value) or math.isinf(value):
                raise CompilationError(f"the expression contains a non-finite number ({e})")
            return repr(value)
        if e.is_Add:
            return "(" + " + ".join(self._p(a, False) for a in e.args) + ")"
        if e.is_Mul:
            return self._mul(e)
        if e.is_Pow:
            return self._pow(e)
        if isinstance(e, sp.Piecewise):
            return self._piecewise(list(e.args))
        if isinstance(e, (sp.Max, sp.Min)):
            return self._minmax(e)
        if isinstance(e, CFmod):
            a, b = (self._trunc(self._p(x, False)) for x in e.args)
            return f"({a} - {b} * {self._trunc(f'({a} / {b})')})"
        if isinstance(e, sp.Mod):
            a, b = (self._p(x, False) for x in e.args)
            return f"(({a}) % ({b}))"
        if isinstance(e, sp.sign):
            a = self._p(e.args[0], False)
            return f"where(({a}) > 0.0, 1.0, where(({a}) < 0.0, -1.0, 0.0))"
        for func, name in _FUNCS.items():
            if isinstance(e, func):
                return f"{name}(" + ", ".join(self._p(a, False) for a in e.args) + ")"
        raise CompilationError(f"'{e}' cannot be translated into a kernel expression")

    @staticmethod
    def _trunc(text):
        return f"where({text} < 0.0, ceil({text}), floor({text}))"

    def _boolean(self, e):
        if e.is_Symbol:
            return self._name(e.name) if e.name in self.bool_names else f"({self._p(e, False)} != 0.0)"
        if isinstance(e, sp.Ne) and e.args[1] == 0 and e.args[0].is_Symbol and e.args[0].name in self.bool_names:
            return self._name(e.args[0].name)
        if isinstance(e, sp.core.relational.Relational):
            ops = {sp.Lt: "<", sp.Le: "<=", sp.Gt: ">", sp.Ge: ">=", sp.Eq: "==", sp.Ne: "!="}
            op = ops[type(e)]
            return f"({self._p(e.args[0], False)} {op} {self._p(e.args[1], False)})"
        if isinstance(e, sp.And):
            return "(" + " & ".join(self._p(a, True) for a in e.args) + ")"
        if isinstance(e, sp.Or):
            return "(" + " | ".join(self._p(a, True) for a in e.args) + ")"
        if isinstance(e, sp.Not):
            return f"(~{self._p(e.args[0], True)})"
        if e is sp.true or e is sp.false:
            return "True" if e is sp.true else "False"
        if isinstance(e, sp.logic.boolalg.Boolean):
            raise CompilationError(f"'{e}' cannot be translated into a kernel condition")
        return f"({self._p(e, False)} != 0.0)"

    def _mul(self, e):
        num, den = [], []
        for a in e.args:
            if a.is_Pow and a.exp.is_Number and a.exp < 0:
                den.append(a.base if a.exp == -1 else sp.Pow(a.base, -a.exp))
            elif a.is_Rational and not a.is_Integer:
                num.append(sp.Integer(a.p))
                den.append(sp.Integer(a.q))
            else:
                num.append(a)
        text = " * ".join(self._p(a, False) for a in num) if num else "1.0"
        if den:
            text += " / (" + " * ".join(self._p(a, False) for a in den) + ")"
        return f"({text})"

    def _pow(self, e):
        base, exp = e.args
        if exp == sp.Rational(1, 2):
            return f"sqrt({self._p(base, False)})"
        if exp == -1:
            return f"(1.0 / {self._p(base, False)})"
        if exp.is_Integer:
            return f"({self._p(base, False)} ** {int(exp)})"
        return f"({self._p(base, False)} ** {self._p(exp, False)})"

    def _piecewise(self, pieces):
        value, cond = pieces[0]
        if cond is sp.true or len(pieces) == 1:
            return self._p(value, False)
        rest = self._piecewise(pieces[1:])
        return f"where({self._p(cond, True)}, {self._p(value, False)}, {rest})"

    def _minmax(self, e):
        args = list(e.args)
        op = ">" if isinstance(e, sp.Max) else "<"
        text = self._p(args[0], False)
        for a in args[1:]:
            b = self._p(a, False)
            text = f"where({text} {op} {b}, {text}, {b})"
        return text


def to_numexpr(expr, values=None, bool_names=()):
    """numexpr text of ``expr`` and the list of array names it reads."""
    printer = NumexprPrinter(values, bool_names)
    text = printer.doprint(expr)
    return text, list(printer.used)
