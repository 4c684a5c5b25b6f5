"""``Pooling``: each post neuron takes the max, min or mean of a window of presynaptic rates.

The window of post neuron ``(i, j, ...)`` starts at ``(i * extent[0], j * extent[1], ...)``
and spans ``extent`` neurons along every presynaptic dimension (from 0 along the dimensions
the post population lacks). Without ``extent`` the populations must have the same number of
dimensions and the presynaptic sizes be multiples of the postsynaptic ones. With an explicit
``extent``, windows that cross the border of the presynaptic population are cut, as in the
reference ('mean' still divides by the full window size); windows that would start outside
are refused.

As measured on the reference (docs/reference_facts.md section Q), 'max' starts from the
smallest positive normal number (``numpy.finfo(dtype).tiny``): a window of negative or zero
values gives that number, not its maximum.
"""

import numpy as np

from annarray.errors import NetworkError
from annarray.extensions.convolution._pattern import pooling_pattern
from annarray.extensions.convolution._shared import SharedProjection, uniform_delay
from annarray.extensions.convolution._transmission import Reduction

__all__ = ["Pooling"]

_OPERATIONS = ("max", "min", "mean")


class _NoWeights(NetworkError, AttributeError):
    """``pool.w``: a NetworkError that ``hasattr()`` also understands (as the reference's
    AttributeError)."""


class Pooling(SharedProjection):
    """Max-, min- or mean-pooling of the presynaptic rates (no weights).

    :param pre: rate-coded presynaptic population.
    :param post: postsynaptic population.
    :param target: name of the input (``sum(target)``).
    :param psp: value pooled at each position (default ``'pre.r'``).
    :param operation: 'max' (default), 'min' or 'mean'.
    :param name: unique name.
    """

    _kind = "Pooling"

    def __init__(self, pre, post, target, psp="pre.r", operation="max", name=None, copied=False, network=None):
        if operation not in _OPERATIONS:
            label = f"Pooling '{name}'" if name else "Pooling"
            raise NetworkError(f"{label}: operation must be 'max', 'min' or 'mean', got {operation!r}")
        super().__init__(pre, post, target, psp, operation, name=name, network=network)
        self.extent = None

    def _reduction(self):
        op = self.operation
        if op == "max":
            return Reduction(op, skip_outside=True, floor=float(np.finfo(self._net.backend().float_dtype).tiny))
        return Reduction(op, skip_outside=True, divisor=self._pattern.kernel_size)

    def connect_pooling(self, extent=None, delays=0.0):
        """Defines the pooling windows.

        :param extent: window size along each presynaptic dimension (a tuple); default: the
            ratio of the presynaptic to the postsynaptic sizes.
        :param delays: one synaptic delay (ms).
        """
        label = f"Pooling '{self.name}'"
        self._check_connectable()
        delay = uniform_delay(delays, label)
        pre_geo, post_geo = self.pre.geometry, self.post.geometry
        if len(post_geo) > len(pre_geo):
            raise NetworkError(f"{label}: the post-synaptic population has more dimensions ({len(post_geo)}) than "
                               f"the pre-synaptic one ({len(pre_geo)})")
        extent = self._automatic_extent(label) if extent is None else self._given_extent(extent, label)
        for d, (n_post, e) in enumerate(zip(post_geo, extent, strict=False)):
            if (n_post - 1) * e >= pre_geo[d]:
                raise NetworkError(f"{label}: along dimension {d}, {n_post} windows of {e} neurons do not fit in "
                                   f"{pre_geo[d]} pre-synaptic neurons; reduce the extent or the post population")
        pattern = pooling_pattern(post_geo, extent, pre_geo)
        self.extent = tuple(extent)
        self._set_pattern(pattern, np.zeros(0), delay, "Pooling",
                          ("connect_pooling", dict(extent=tuple(extent), delays=delays)))
        return self

    def _automatic_extent(self, label):
        pre_geo, post_geo = self.pre.geometry, self.post.geometry
        if len(pre_geo) != len(post_geo):
            raise NetworkError(f"{label}: without extent=, pre and post must have the same number of dimensions, "
                               f"got {pre_geo} and {post_geo}")
        if any(p % q for p, q in zip(pre_geo, post_geo, strict=True)):
            raise NetworkError(f"{label}: the pre-synaptic geometry {pre_geo} is not a multiple of the post-synaptic "
                               f"one {post_geo}; give extent= (the window size along each pre dimension)")
        return tuple(p // q for p, q in zip(pre_geo, post_geo, strict=True))

    def _given_extent(self, extent, label):
        dims = len(self.pre.geometry)
        if not isinstance(extent, (tuple, list)) or len(extent) != dims or \
                not all(isinstance(e, (int, np.integer)) and not isinstance(e, bool) and e >= 1 for e in extent):
            raise NetworkError(f"{label}: extent must be a tuple of {dims} positive integers (one per pre-synaptic "
                               f"dimension), got {extent!r}")
        return tuple(int(e) for e in extent)

    def connectivity_matrix(self, fill=0.0):
        """Not available (pooling has no weights), as in the reference: a warning, None."""
        from annarray.extensions.convolution._shared import logger

        logger.warning("Pooling '%s' has no weights to show", self.name)

    def receptive_fields(self, variable="w", in_post_geometry=True):
        return self.connectivity_matrix()

    def get(self, name):
        if name == "w":
            raise _NoWeights(f"Pooling '{self.name}' has no weights")
        return super().get(name)

    def _copy(self, network):
        copy = Pooling(network.get(self.pre), network.get(self.post), self.target, self.psp, self.operation,
                       self.name, network=network)
        return self._copy_connection(copy)
