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


@dataclass(frozen=True)
class NeuronRef:
    """A synapse's reference to a neuron value: ``pre.r``, ``post.sum(exc)``, ``mean(pre.r)``.

    :param name: symbol name in the synapse's expressions (``_pre_r``, ``_post__sum_exc``).
    :param side: 'pre' or 'post'.
    :param key: name of the array in that population's state (``r``, ``_sum_exc``, ``_mean_r``).
    :param per_neuron: True for one value per neuron (gathered per synapse), False for a
        population-wide value.
    :param op: for global operations, the :class:`GlobalOp` the population must compute.
    """

    name: str
    side: str
    key: str
    per_neuron: bool
    op: GlobalOp | None = None
