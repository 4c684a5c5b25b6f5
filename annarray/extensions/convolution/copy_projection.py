"""``Copy``: a projection that reuses the synapses, weights and delays of another one.

The copy transmits between its own populations (of the same geometries as the original's)
with its own ``psp`` and ``operation``, through the original's connectivity and weight
array: nothing is duplicated, and when the original learns or its weights are set, the copy
transmits the new values at the next step. The copy cannot learn nor have its weights set.

ANNarchy 4.8.2's ``Copy`` fails before compiling (docs/reference_facts.md section Q); this is
the behaviour its manual and docstring describe.
"""

import numpy as np

from annarray.core.population import population_of
from annarray.core.projection import Projection
from annarray.core.projection_ops import ProjectionOps
from annarray.core.synapse import Synapse
from annarray.errors import NetworkError

__all__ = ["Copy"]


class _CopyOps(ProjectionOps):
    """Transmission of a copy, bound to the original projection's weight array."""

    def _state_arrays(self):
        # the copy's only attribute is w: the original's array itself (no copy, so that
        # learning and new values reach the copy), plus the psp's random draws if any
        state = {"w": self.proj._original._state["w"]}
        for draw in self.code.random_draws:
            dtype = np.int64 if draw.kind == "binomial" else self.backend.float_dtype
            state[draw.name] = self.xp.zeros(self.nnz, dtype=dtype)
        return state


class Copy(Projection):
    """Shares the synapses and weights of an existing projection.

    :param pre: presynaptic population (the same geometry as the original's).
    :param post: postsynaptic population (the same geometry as the original's).
    :param target: name of the input.
    :param psp: what each synapse transmits (default ``'pre.r * w'``).
    :param operation: 'sum' (default), 'max', 'min' or 'mean'.
    :param name: unique name.
    """

    _saveable = False  # save() leaves it out: it owns no synapses (as in the reference)

    def __init__(self, pre, post, target, psp="pre.r * w", operation="sum", name=None, copied=False,
                 network=None):
        label = f"Copy '{name}'" if name else "Copy"
        neuron = getattr(population_of(pre), "neuron_type", None)
        if neuron is not None and neuron.type != "rate":
            raise NetworkError(f"{label}: the presynaptic population must be rate-coded (a Copy transmits rates)")
        synapse = Synapse(psp=psp, operation=operation, name=f"Copy ({operation})",
                          description="Weights shared with another projection.")
        kwargs = {} if network is None else {"network": network}
        super().__init__(pre, post, target, synapse=synapse, name=name, **kwargs)
        self.psp = psp
        self.operation = operation
        self._original = None

    @property
    def projection(self):
        """The projection whose synapses are copied (None before :meth:`connect_copy`)."""
        return self._original

    def connect_copy(self, projection):
        """Uses the synapses, weights and delays of ``projection`` (a connected ordinary
        projection between populations of the same geometries)."""
        label = f"Copy '{self.name}'"
        self._check_copyable(projection, label)
        if self._conn is not None:
            raise NetworkError(f"{label} is already connected")
        if self._net.compiled:
            raise NetworkError(f"{label} cannot be connected after compile()")
        self._original = projection
        self._conn = projection._conn
        self._delay_steps = projection._delay_steps
        self._single_weight = projection._single_weight
        self._state = {"w": projection._state["w"]}
        self.connector_description = f"Copy of {projection.name}"
        return self

    def _check_copyable(self, projection, label):
        from annarray.extensions.convolution._shared import SharedProjection
        from annarray.extensions.convolution.transpose import Transpose
        from annarray.inputs.decoding import DecodingProjection

        if not isinstance(projection, Projection):
            raise NetworkError(f"{label}: connect_copy() takes an existing Projection, got {type(projection).__name__}")
        if isinstance(projection, (SharedProjection, Copy, Transpose, DecodingProjection)) or \
                type(projection).__module__.startswith("annarray.inputs"):
            raise NetworkError(f"{label}: only ordinary projections can be copied, not a {type(projection).__name__}")
        if projection._net is not self._net:
            raise NetworkError(f"{label}: '{projection.name}' belongs to another network")
        if projection._conn is None:
            raise NetworkError(f"{label}: '{projection.name}' has no synapses yet; connect it before copying it")
        if population_of(projection.pre).neuron_type.type != "rate":
            raise NetworkError(f"{label}: '{projection.name}' is spiking; Copy only shares rate-coded projections")
        for side in ("pre", "post"):
            mine, theirs = population_of(getattr(self, side)), population_of(getattr(projection, side))
            if mine.geometry != theirs.geometry:
                raise NetworkError(f"{label}: the {side}-synaptic populations must have the same geometry as "
                                   f"those of '{projection.name}' ({theirs.geometry}), got {mine.geometry}")

    def _instantiate(self, code, backend, shared, delay_buffer, ops_class):
        if getattr(self._original, "_runtime", None) is None:
            raise NetworkError(f"Copy '{self.name}': '{self._original.name}' is not in this network's compiled "
                               "projections")
        self._runtime = _CopyOps(self, code, backend, shared, delay_buffer)
        self._state = self._runtime.state
        self._reset_values = {}

    def set(self, values):
        source = f"'{self._original.name}'" if self._original is not None else "the copied projection"
        raise NetworkError(f"Copy '{self.name}' shares the weights of {source}; set them on that projection")

    def _copy(self, network):
        copy = Copy(network.get(self.pre), network.get(self.post), self.target, self.psp, self.operation,
                    self.name, network=network)
        if self._original is not None:
            copy.connect_copy(network.get(self._original))
        return copy
