"""SymPy functions whose meaning follows C rather than Python.

The reference compiles equations to C++, so ``modulo(a, b)`` and ``a % b`` take the sign of
the dividend (C's ``fmod``), unlike Python's ``%``.
"""

import sympy as sp

__all__ = ["CFmod"]


class CFmod(sp.Function):
    """C's ``fmod(a, b)``: ``a - b * trunc(a / b)``."""

    nargs = 2

    @classmethod
    def eval(cls, a, b):
        if a.is_Number and b.is_Number and b != 0:
            q = float(a) / float(b)
            return sp.Float(float(a) - float(b) * int(q))
        return None

    def _numpycode(self, printer):
        a, b = (printer._print(x) for x in self.args)
        return f"numpy.fmod({a}, {b})"
