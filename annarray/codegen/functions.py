"""SymPy functions whose meaning follows the reference's C++ rather than Python.

The reference computes ``modulo(a, b)`` as ``long(a) % long(b)``: both operands truncated
to integers, and the remainder takes the sign of the dividend (unlike Python's ``%``).
"""

import sympy as sp

__all__ = ["CFmod"]


class CFmod(sp.Function):
    """``long(a) % long(b)`` in C: ``trunc(a) - trunc(b) * trunc(trunc(a) / trunc(b))``."""

    nargs = 2

    @classmethod
    def eval(cls, a, b):
        if a.is_Number and b.is_Number and int(b) != 0:
            ia, ib = int(a), int(b)
            return sp.Integer(ia - ib * int(ia / ib))
        return None

    def _numpycode(self, printer):
        a, b = (printer._print(x) for x in self.args)
        return f"numpy.fmod(numpy.trunc({a}), numpy.trunc({b}))"
