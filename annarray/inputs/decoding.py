"""``DecodingProjection``: spikes of a spiking population → rates of a rate-coded one.

At each step (during transmission, so with the spikes emitted at the previous step), each
postsynaptic neuron adds up the weights of its synapses whose presynaptic neuron spiked.
The sums of the last ``window`` steps are kept in a ring buffer, and ``sum(target)``
receives, for each postsynaptic neuron with ``n`` synapses,

    sum over the window / (window_steps * dt) * 1000 / n

i.e. the mean weighted firing rate (Hz) of its presynaptic neurons over the window (the
reference's formula, measured on ANNarchy 4.8.2: docs/reference_facts.md section M). Only
the synapses of the neurons that spiked are touched; delays are not used.
"""

import logging

import numpy as np

from annarray.core.population import population_of as _population
from annarray.core.projection import Projection
from annarray.errors import NetworkError
from annarray.inputs._common import (
    check_endpoints,
    copy_projection_state,
    instantiate_direct,
    is_number,
    steps_floor,
)

__all__ = ["DecodingProjection"]

logger = logging.getLogger(__name__)


class DecodingProjection(Projection):
    """Decodes the spikes of a spiking population into rates (Hz) for a rate-coded one.

    :param pre: spiking population (or view).
    :param post: rate-coded population (or view); its neurons read the decoded rates with
        ``sum(target)``.
    :param target: name of the input.
    :param window: duration (ms) over which spikes are counted (0: one step, ``dt``).
    :param name: unique name.

    Connect it with any connector; the weights scale the rates (``w = 1/100`` maps a
    presynaptic 100 Hz onto 1.0). Delays are ignored.
    """

    def __init__(self, pre, post, target, window=0.0, name=None, copied=False, network=None):
        label = check_endpoints("DecodingProjection", name, pre, post, "spike", "rate",
                                "its spikes are decoded", "it reads the decoded rates with sum(target)")
        if not is_number(window) or window < 0:
            raise NetworkError(f"{label}: window must be a duration >= 0 ms (0: one step), got {window!r}")
        kwargs = {} if network is None else {"network": network}
        super().__init__(pre, post, target, synapse=None, name=name, **kwargs)
        dt = self._net.dt
        self.window = float(window) if window > 0 else dt
        if int(steps_floor(self.window, dt)) < 1:
            raise NetworkError(f"DecodingProjection '{self.name}': the window ({window} ms) is shorter than "
                               f"dt ({dt} ms); give 0 (one step) or at least dt")

    def _instantiate(self, code, backend, shared, delay_buffer, ops_class):
        if np.any(np.asarray(self._delay_steps) > 0):
            logger.warning("DecodingProjection '%s': delays are not used by a decoding projection", self.name)
        instantiate_direct(self, backend, self._decoding_ops)

    def _decoding_ops(self, runtime):
        backend = self._net.backend()
        xp = backend.xp
        dt = self._net.dt
        pre, post = _population(self.pre), _population(self.post)
        conn = self._conn
        lengths = np.diff(conn.indptr)
        window = int(steps_floor(self.window, dt))
        order = np.argsort(conn.indices, kind="stable")
        counts = np.bincount(conn.indices, minlength=pre.size)
        pre_order = xp.asarray(order.astype(np.int64))
        pre_starts = xp.asarray(np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64))
        pre_counts = xp.asarray(counts.astype(np.int64))
        post_of_syn = xp.asarray(np.repeat(conn.post_ranks, lengths).astype(np.int64))
        scale = np.zeros(post.size)
        has = lengths > 0
        scale[conn.post_ranks[has]] = 1000.0 / (window * dt * lengths[has])
        dtype = post._state[f"_sum_{self.target}"].dtype
        scale = xp.asarray(scale.astype(dtype))
        w = runtime.state["w"]
        total_sum = post._state[f"_sum_{self.target}"]
        history = xp.zeros((window, post.size), dtype=dtype)
        counted = xp.zeros(post.size, dtype=dtype)
        decoded = xp.zeros(post.size, dtype=dtype)
        position = [0]
        self._window_state = (history, counted, position)

        def decode():
            if not post.enabled:
                return
            k = position[0]
            row = history[k]
            xp.subtract(counted, row, out=counted)
            ranks = pre._spike_ranks
            n = ranks.shape[0]
            if n:
                total = int(pre_counts[ranks].sum())
                if total:
                    syn = pre_order[backend.segment_ranges(pre_starts[ranks], pre_counts[ranks], total)]
                    row[...] = xp.bincount(post_of_syn[syn], weights=w[syn], minlength=post.size)
                else:
                    row[...] = 0
            else:
                row[...] = 0
            k += 1
            if k == window:  # once per window: the exact sum, so that no rounding drift builds up
                k = 0
                xp.sum(history, axis=0, out=counted)
            else:
                xp.add(counted, row, out=counted)
            position[0] = k
            xp.multiply(counted, scale, out=decoded)
            xp.add(total_sum, decoded, out=total_sum)

        return [decode]

    def reset(self, attributes=-1, synapses=False):
        """Restores the synaptic variables and forgets the spikes counted in the window."""
        super().reset(attributes, synapses)
        state = getattr(self, "_window_state", None)
        if state is not None:
            history, counted, position = state
            history[...] = 0
            counted[...] = 0
            position[0] = 0

    def _copy(self, network):
        proj = DecodingProjection(network.get(self.pre), network.get(self.post), self.target,
                                  self.window, self.name, network=network)
        return copy_projection_state(self, proj)
