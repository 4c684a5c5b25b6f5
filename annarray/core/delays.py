"""Ring buffer of a population's past rates, for delayed rate-coded transmission.

The buffer has ``depth`` rows of shape ``(size,)``. After the neuron updates of each step the
new values are copied into the next row (the reference's "delay queue" stage), so that
``row(k)`` holds the values of ``k`` steps before the newest. A projection with a delay of
``d`` steps reads ``row(d - 1)``, both when transmitting (start of the next step) and in its
learning rules (same step): the measured behaviour of the reference
(docs/reference_facts.md, J1-J2). Only the depth the longest delay needs is kept.
"""

import numpy as np

__all__ = ["DelayBuffer"]


class DelayBuffer:
    """Past values of ``population``'s variable ``name`` (default the rate ``r``).

    :param source: the population's state array, shape ``(size,)``.
    :param depth: number of rows (the longest delay served, in steps).
    """

    def __init__(self, backend, source, depth):
        self.backend = backend
        xp = self.xp = backend.xp
        self.source = source
        self.depth = max(int(depth), 1)
        self.size = source.shape[0]
        self.buffer = xp.empty((self.depth, self.size), dtype=source.dtype)
        self.head = 0
        self.fill()
        self._flat = self.buffer.reshape(-1)

    def fill(self):
        """Sets every past value to the current one (at compile time and reset)."""
        self.buffer[...] = self.source[None, :]
        self.head = 0

    def push(self):
        """Stores the current values as the newest row (after the neuron updates)."""
        self.head = (self.head + 1) % self.depth
        self.buffer[self.head] = self.source

    def row(self, delay):
        """Values ``delay`` steps before the newest (shape ``(size,)``, a view)."""
        return self.buffer[(self.head - delay) % self.depth]

    def flat_offsets(self, rows_back, indices):
        """Constant part of the flat positions of per-synapse delayed values: ``(-k mod depth)
        * size + pre`` for synapses reading ``row(k)`` (see :meth:`gather`)."""
        back = np.asarray(rows_back, dtype=np.int64)
        return ((-back) % self.depth) * self.size + np.asarray(indices, dtype=np.int64)

    def gather(self, offsets, scratch, out):
        """``out[s] = row(k[s])[pre[s]]`` for the per-synapse ``offsets``."""
        xp = self.xp
        xp.add(offsets, self.head * self.size, out=scratch)
        xp.remainder(scratch, self.depth * self.size, out=scratch)
        self.backend.gather(self._flat, scratch, out)


class SpikeQueue:
    """The ranks of the neurons that spiked at each of the last ``depth`` steps (a ring of
    preallocated rows), for spiking projections with a uniform delay.

    :param size: number of neurons.
    :param depth: steps kept (the delay in steps).
    """

    def __init__(self, backend, size, depth):
        xp = backend.xp
        self.depth = max(int(depth), 1)
        self.ranks = xp.empty((self.depth, size), dtype=np.int64)
        self.counts = [0] * self.depth
        self.head = 0

    def push(self, ranks):
        """Stores this step's spiking ranks as the newest row."""
        self.head = (self.head + 1) % self.depth
        n = ranks.shape[0]
        self.ranks[self.head, :n] = ranks
        self.counts[self.head] = n

    def row(self, back):
        """Ranks stored ``back`` pushes before the newest."""
        k = (self.head - back) % self.depth
        return self.ranks[k, : self.counts[k]]

    def clear(self):
        self.counts = [0] * self.depth
