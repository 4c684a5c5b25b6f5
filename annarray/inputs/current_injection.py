"""``CurrentInjection``: a rate-coded population drives the conductance of a spiking one.

At each step, during transmission (before the neurons are updated), the conductance
``g_target`` of each postsynaptic neuron receives ``r`` of the presynaptic neuron of the
same rank, as it was after the previous step: ``g_target += pre.r``. The weights play no
part (the reference ignores them too). A ``g_target`` without an equation of its own is
set back to 0 after each neuron update, so it then equals the injected value during the
update; one with its own equation accumulates the injections.
"""

import numpy as np

from annarray.core.population import population_of as _population
from annarray.core.projection import Projection
from annarray.core.random import RandomDistribution
from annarray.errors import NetworkError
from annarray.inputs._common import check_endpoints, copy_projection_state, instantiate_direct

__all__ = ["CurrentInjection"]


class CurrentInjection(Projection):
    """Injects the rates ``r`` of a rate-coded population into ``g_target`` of a spiking
    population of the same size, neuron by neuron (rank i into rank i).

    :param pre: rate-coded population (or view).
    :param post: spiking population (or view) whose neuron reads ``g_<target>``.
    :param target: the conductance ``g_<target>`` that receives the rates.
    :param name: unique name.

    Connect it with :meth:`connect_current` (no weights, no delays).
    """

    def __init__(self, pre, post, target, name=None, copied=False, network=None):
        label = check_endpoints("CurrentInjection", name, pre, post, "rate", "spike",
                                "its r is injected", "its g_target receives the rates")
        if len(pre) != len(post):
            raise NetworkError(f"{label}: pre ({len(pre)} neurons) and post ({len(post)} neurons) must "
                               "have the same size: neuron i of pre drives neuron i of post")
        if isinstance(target, str) and f"g_{target}" not in _population(post).neuron_type.attributes:
            raise NetworkError(
                f"{label}: the neurons of '{_population(post).name}' have no conductance g_{target}; use "
                f"g_{target} in their equations, or choose the target they read")
        kwargs = {} if network is None else {"network": network}
        super().__init__(pre, post, target, synapse=None, name=name, **kwargs)

    def connect_current(self):
        """Connects neuron i of pre to neuron i of post (the only pattern allowed)."""
        return super().connect_one_to_one(weights=1.0, delays=0.0)

    def connect_one_to_one(self, weights=1.0, delays=0.0, force_multiple_weights=False,
                           storage_format=None, storage_order=None):
        """Same as :meth:`connect_current` (weights and delays are not used)."""
        if isinstance(delays, RandomDistribution) or np.any(np.asarray(delays, dtype=np.float64) != 0.0):
            raise NetworkError(f"CurrentInjection '{self.name}': the injection has no delay; "
                               "use connect_current()")
        return self.connect_current()

    def _connect(self, builder, description, *args, **kwargs):
        if builder != "one_to_one":
            raise NetworkError(f"CurrentInjection '{self.name}': connect it with connect_current() "
                               f"(neuron i to neuron i), not {description}")
        return super()._connect(builder, description, *args, **kwargs)

    def _instantiate(self, code, backend, shared, delay_buffer, ops_class):
        instantiate_direct(self, backend, self._injection_ops)

    def _injection_ops(self, runtime):
        xp = self._net.backend().xp
        pre, post = _population(self.pre), _population(self.post)
        key = f"g_{self.target}"
        if key not in post._state:
            raise NetworkError(f"CurrentInjection '{self.name}': '{post.name}' has no conductance {key}")
        g, r = post._state[key], pre._state["r"]
        conn = self._conn
        post_idx, pre_idx = conn.post_ranks, conn.indices[conn.indptr[:-1]]
        whole = (len(post_idx) == post.size == pre.size and np.array_equal(post_idx, np.arange(post.size))
                 and np.array_equal(pre_idx, np.arange(pre.size)))
        if whole:
            def inject():
                if post.enabled:
                    xp.add(g, r, out=g)
        else:
            post_dev, pre_dev = xp.asarray(post_idx.astype(np.int64)), xp.asarray(pre_idx.astype(np.int64))

            def inject():
                if post.enabled:
                    g[post_dev] += r[pre_dev]

        return [inject]

    def _copy(self, network):
        proj = CurrentInjection(network.get(self.pre), network.get(self.post), self.target, self.name,
                                network=network)
        return copy_projection_state(self, proj)
