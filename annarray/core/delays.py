"""Ring buffer of a population's past rates, for delayed rate-coded transmission.

The buffer has ``depth = max_delay + 1`` rows of shape ``(size,)``. At the start of each step
the current values (those of the previous step's end) are copied into the next row, so that
row ``(head - d) % depth`` holds the values delayed by ``d`` more steps. Only the depth the
longest delay needs is kept.
"""

import numpy as np

__all__ = ["DelayBuffer"]


class DelayBuffer:
    """Past values of ``population``'s variable ``name`` (default the rate ``r``).

    :param source: the population's state array, shape ``(size,)``.
    :param max_delay: longest delay served, in steps.
    """

    def __init__(self, backend, source, max_delay):
        self.backend = backend
        xp = self.xp = backend.xp
        self.source = source
        self.depth = int(max_delay) + 1
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
        """Stores the current values as the newest row (start of a step)."""
        self.head = (self.head + 1) % self.depth
        self.buffer[self.head] = self.source

    def row(self, delay):
        """Values ``delay`` steps before the newest (shape ``(size,)``, a view)."""
        return self.buffer[(self.head - delay) % self.depth]

    def flat_offsets(self, delays, indices):
        """Constant part of the flat positions of per-synapse delayed values: ``(-d mod depth)
        * size + pre`` (see :meth:`gather`)."""
        return ((-np.asarray(delays, dtype=np.int64)) % self.depth) * self.size + np.asarray(indices, dtype=np.int64)

    def gather(self, offsets, scratch, out):
        """``out[s] = value of pre[s] delayed by d[s]`` for per-synapse ``offsets``."""
        xp = self.xp
        xp.add(offsets, self.head * self.size, out=scratch)
        xp.remainder(scratch, self.depth * self.size, out=scratch)
        self.backend.gather(self._flat, scratch, out)
