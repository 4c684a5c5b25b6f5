"""Plain-data items found while parsing expressions (no SymPy), kept in generated code."""

from dataclasses import dataclass

__all__ = ["RandomDraw", "GlobalOp"]


@dataclass(frozen=True)
class RandomDraw:
    """A per-element random array drawn at each step.

    :param name: symbol name (``_rand_0``…).
    :param kind: 'uniform' (U[0,1)), 'normal' (standard normal), or a NumPy generator
        method name with fixed ``args`` ('gamma', 'binomial').
    :param args: numeric arguments for the NumPy generator methods.
    """

    name: str
    kind: str
    args: tuple = ()


@dataclass(frozen=True)
class GlobalOp:
    """A reduction of a variable over the population: ``op`` in min/max/mean/norm1/norm2."""

    name: str
    op: str
    variable: str
