"""``SharedProjection``: what :class:`Convolution` and :class:`Pooling` have in common.

They are projections without individual synapses: one filter (or none, for pooling) is
applied at every place of the presynaptic population, read through a
:class:`~annarray.extensions.convolution._pattern.SharedPattern`. In the network they look
like any projection (they are in ``projections()``, their transmission runs in the step
plan's transmission stage), but

* ``proj.w`` is the filter array itself (one copy, however many post neurons),
* ``size`` is the number of post neurons and ``nb_synapses`` is 0, as the reference reports,
* there are no dendrites, no learning, and the connectivity cannot be saved.
"""

import logging
from abc import ABCMeta, abstractmethod

import numpy as np

from annarray.core.connectivity import Connectivity
from annarray.core.population import Population
from annarray.core.projection import Projection
from annarray.core.synapse import Synapse
from annarray.errors import NetworkError
from annarray.inputs._common import instantiate_direct, is_number

__all__ = ["SharedProjection", "check_populations", "uniform_delay"]

logger = logging.getLogger(__name__)


def check_populations(kind, name, pre, post):
    """Both ends whole populations, the presynaptic one rate-coded."""
    label = f"{kind} '{name}'" if name else kind
    for role, obj in (("pre", pre), ("post", post)):
        if not isinstance(obj, Population):
            raise NetworkError(f"{label}: {role} must be a whole Population (its geometry defines the "
                               f"operation), got {type(obj).__name__}")
    if pre.neuron_type.type != "rate":
        raise NetworkError(f"{label}: the presynaptic population '{pre.name}' must be rate-coded "
                           "(the operation reads its rates r)")
    return label


def uniform_delay(delays, label):
    """The one delay (ms) of a shared projection."""
    if not is_number(delays) or delays < 0:
        raise NetworkError(f"{label}: delays must be one number of ms >= 0 (shared projections have a "
                           f"single delay), got {delays!r}")
    return float(delays)


class SharedProjection(Projection, metaclass=ABCMeta):
    """Base of the projections applying one operation at every place of ``pre``.

    :param kind: class name used in messages.
    :param psp: what one position transmits (``w`` is the filter value there).
    :param operation: 'sum', 'mean', 'max' or 'min'.
    """

    _saveable = False  # save() leaves it out: it owns no synapses (as in the reference)

    _kind = "SharedProjection"

    def __init__(self, pre, post, target, psp, operation, name=None, network=None):
        label = check_populations(self._kind, name, pre, post)
        if not isinstance(psp, str) or not psp.strip():
            raise NetworkError(f"{label}: psp must be an expression such as 'w * pre.r', got {psp!r}")
        synapse = Synapse(psp=psp, operation=operation, name=f"{self._kind} ({operation})",
                          description=f"{self._kind}: one operation shared by every post-synaptic neuron.")
        kwargs = {} if network is None else {"network": network}
        super().__init__(pre, post, target, synapse=synapse, name=name, **kwargs)
        self.psp = psp
        self.operation = operation
        self._pattern = None
        self._connect_call = None  # (method name, kwargs): replayed by Network.add()

    # -- connecting -----------------------------------------------------------------------
    def _check_connectable(self):
        if self._pattern is not None:
            raise NetworkError(f"{self._kind} '{self.name}' is already connected; create a new one "
                               "for another operation")
        if self._net.compiled:
            raise NetworkError(f"{self._kind} '{self.name}' cannot be connected after compile()")

    def _set_pattern(self, pattern, weights, delay, description, call):
        """Installs a checked pattern: the filter becomes the weights, the connectivity a
        placeholder with every post neuron and no synapse."""
        pre, post = self.pre, self.post
        self._pattern = pattern
        self._conn = Connectivity(post.size, pre.size, np.arange(post.size), np.zeros(post.size + 1),
                                  np.zeros(0, dtype=np.int64), 0.0, delay)
        self._delay_steps = self._round_delays(delay)
        self._state = {"w": np.array(weights, dtype=self._dtype(self.synapse_type.attributes["w"]))}
        self._single_weight = False
        self.connector_description = description
        self._connect_call = call

    # -- compilation ----------------------------------------------------------------------
    @abstractmethod
    def _reduction(self):
        """The :class:`~annarray.extensions.convolution._transmission.Reduction` of the class."""

    def _padding_value(self):
        return 0.0

    def _instantiate(self, code, backend, shared, delay_buffer, ops_class):
        from annarray.extensions.convolution._transmission import SharedTransmission

        def build(runtime):
            transmission = SharedTransmission(self, runtime, code, shared, delay_buffer, self._pattern,
                                              self._reduction(), self._padding_value())
            runtime.reads_sums = any(r.key.startswith("_sum_") for r in code.neuron_refs)
            return [transmission.operation()]

        instantiate_direct(self, backend, build)

    # -- attributes -----------------------------------------------------------------------
    @property
    def attributes(self):
        """None that a Monitor can record (the reference records nothing either): the
        filter is read with ``proj.w``."""
        return []

    def _filter(self):
        self._check_connected()
        w = self._state["w"]
        return self._net.backend().to_host(w) if self._net.compiled else np.array(w)

    def get(self, name):
        """``'w'``: the filter (a NumPy array); ``'delay'``: the delay (ms)."""
        if isinstance(name, (list, tuple)):
            return {n: self.get(n) for n in name}
        if name == "delay":
            return self._get_delay()
        if name == "w":
            return self._filter()
        raise NetworkError(f"{self._kind} '{self.name}' has no attribute '{name}'; its filter is 'w'")

    def set(self, values):
        """``{'w': array}``: new filter values, of the filter's shape (or one number)."""
        if not isinstance(values, dict):
            raise NetworkError(f"{self._kind} '{self.name}': set() takes a dict {{'w': filter}}")
        for name in values:
            if name != "w":
                raise NetworkError(f"{self._kind} '{self.name}' has no attribute '{name}' to set; its filter is 'w'")
        self._check_connected()
        current = self._state["w"]
        value = np.asarray(values["w"], dtype=np.float64)
        if value.ndim and value.shape != current.shape:
            raise NetworkError(f"{self._kind} '{self.name}': the filter has shape {current.shape}, "
                               f"got values of shape {value.shape}")
        if self._net.compiled:
            value = self._net.backend().xp.asarray(value)
        current[...] = value

    def dendrite(self, post):
        raise NetworkError(f"{self._kind} '{self.name}' has no dendrites: one filter is shared by every "
                           "post-synaptic neuron (read it with proj.w)")

    def synapse(self, pre, post):
        return self.dendrite(post)

    @property
    def dendrites(self):
        return []

    def save_connectivity(self, filename):
        """Not available (as in the reference): a warning, nothing written."""
        logger.warning("%s '%s': shared projections cannot be saved", self._kind, self.name)

    def sparse_matrix(self, variable="w"):
        raise NetworkError(f"{self._kind} '{self.name}' has no synapses to export")

    def _copy_connection(self, copy):
        """Replays the connect call on ``copy`` (a new object in another network)."""
        if self._connect_call is not None:
            method, kwargs = self._connect_call
            getattr(copy, method)(**kwargs)
            if self._pattern is not None and "w" in self._state and self._state["w"].size:
                copy._state["w"][...] = self._filter()
        return copy
