"""Spike-driven synaptic events: ``pre_spike`` / ``post_spike`` statements of a projection.

At each step only the synapses of the neurons that spiked are touched: their indices are
gathered from a per-presynaptic-neuron ordering (``pre_indptr``/``pre_order``) or from the
dendrites of the postsynaptic neurons, the statements run as numexpr kernels on those
subsets, the changed variables are scattered back, and ``g_target += value`` increments are
summed per postsynaptic neuron with ``bincount``. The cost grows with spikes × fan-out, not
with the number of synapses. Event-driven ODEs are brought up to date on the same subsets
with their exact solution over the time since each synapse's last event.
"""

import numpy as np

from annarray.codegen.code import Gather
from annarray.codegen.kernel_cache import get_kernel
from annarray.core.delays import SpikeQueue
from annarray.errors import NetworkError

__all__ = ["SpikeEvents"]


def _ranges(xp, starts, lengths):
    """Concatenation of ``arange(s, s + l)`` for each (s, l), without a Python loop."""
    total = int(lengths.sum())
    if total == 0:
        return xp.zeros(0, dtype=np.int64)
    offsets = xp.cumsum(lengths) - lengths
    return xp.repeat(starts - offsets, lengths) + xp.arange(total, dtype=np.int64)


class SpikeEvents:
    """Spike propagation and event statements of one compiled spiking projection.

    :param ops: the projection's :class:`~annarray.core.projection_ops.ProjectionOps`.
    """

    def __init__(self, ops):
        self.ops = ops
        self.xp = xp = ops.xp
        proj, code, conn = ops.proj, ops.code, ops.proj._conn
        self.net = proj._net
        order = np.argsort(conn.indices, kind="stable")
        counts = np.bincount(conn.indices, minlength=ops.pre.size)
        self.pre_order = xp.asarray(order.astype(np.int64))
        self.pre_starts = xp.asarray(np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64))
        self.pre_counts = xp.asarray(counts.astype(np.int64))
        self.post_of_syn = xp.asarray(np.repeat(conn.post_ranks, ops.lengths).astype(np.int64))
        dend = np.full(ops.post.size, -1, dtype=np.int64)
        dend[conn.post_ranks] = np.arange(ops.ndend)
        self.dendrite_of_post = xp.asarray(dend)
        self.dend_starts = xp.asarray(conn.indptr[:-1].astype(np.int64))
        self.dend_lengths = xp.asarray(ops.lengths.astype(np.int64))
        key = f"g_{proj.target}"
        if key not in ops.post._state:
            raise NetworkError(
                f"projection '{proj.name}': the postsynaptic neuron type has no conductance '{key}'; "
                f"use g_{proj.target} in its equations (or choose another target)")
        self.conductance = ops.post._state[key]
        delays = proj._delay_steps
        if np.ndim(delays):
            raise NetworkError(
                f"projection '{proj.name}': non-uniform delays of spiking projections are not "
                "available yet; use one delay for the whole projection")
        self.queue = SpikeQueue(ops.backend, ops.pre.size, max(int(delays), 1)) if delays > 1 else None
        # step of each synapse's last event; far in the past at first, so that the event-driven
        # variables start fully relaxed (reference, docs/reference_facts.md J13)
        self.last_event = xp.full(ops.nnz, -10000, dtype=np.int64) if code.event_driven else None
        self.pre_steps = self._compile(code.pre_event)
        self.post_steps = self._compile(code.post_event)

    def _compile(self, steps):
        """``(kernels, read, written)`` for ``steps``: the gathers and compiled kernels in order,
        the per-synapse variables they read or write (taken on the subset first) and those
        they write (scattered back after)."""
        ops, compiled = self.ops, []
        local = {name for name, attr in ops.proj.synapse_type.attributes.items() if attr.locality == "local"}
        read, written = set(), set()
        for step in steps:
            if isinstance(step, Gather):
                compiled.append(step)
                continue
            dtypes = [self._dtype(a) for a in step.args]
            compiled.append((step, get_kernel(ops.backend, step.source, step.args, dtypes)))
            read |= (set(step.args) | {step.target}) & local
            written |= {step.target} & local
        return compiled, read, written

    def _dtype(self, name):
        ops = self.ops
        if name in ops.ns:
            return ops.ns[name].dtype
        for ref in ops.code.neuron_refs:
            if ref.name == name:
                return (ops.pre if ref.side == "pre" else ops.post)._state[ref.key].dtype
        if name.startswith("_sg_"):
            return ops.state[name[4:]].dtype
        return ops.backend.float_dtype

    # -- per step -------------------------------------------------------------------------
    def pre_event(self):
        """Propagates the spikes of the previous step (or of ``delay`` steps before)."""
        ranks = self.ops.pre._spike_ranks
        if self.queue is not None:
            self.queue.push(ranks)
            ranks = self.queue.row(self.queue.depth - 1)
        if ranks.shape[0] == 0 or not self.pre_steps[0]:
            return
        syn = self.pre_order[_ranges(self.xp, self.pre_starts[ranks], self.pre_counts[ranks])]
        self._run(syn, self.pre_steps, lag=1)

    def post_event(self):
        """Runs ``post_spike`` on the synapses of the postsynaptic neurons that spiked."""
        ranks = self.ops.post._spike_ranks
        if ranks.shape[0] == 0 or not self.post_steps[0]:
            return
        dend = self.dendrite_of_post[ranks]
        dend = dend[dend >= 0]
        syn = _ranges(self.xp, self.dend_starts[dend], self.dend_lengths[dend])
        self._run(syn, self.post_steps)

    def _run(self, syn, steps, lag=0):
        """Runs ``steps`` on the synapses ``syn``. Event-driven variables first decay over the
        time since each synapse's last event, measured ``lag`` steps before now (1 for
        presynaptic events, which arrive the step after the spike: the reference's timing)."""
        ops, xp = self.ops, self.xp
        kernels, read, written = steps
        n = syn.shape[0]
        if n == 0:
            return
        ns = dict(ops.ns)
        for name in read:
            ns[name] = ops.state[name][syn]
        if self.last_event is not None:
            step = self.net._step
            ns["_elapsed"] = ((step - lag - self.last_event[syn]) * self.net.dt).astype(ops.backend.float_dtype)
            self.last_event[syn] = step
        for item in kernels:
            if isinstance(item, Gather):
                ns[item.out] = self._gather(item, syn)
                continue
            spec, kernel = item
            if spec.target in read:
                out = ns[spec.target]  # the subset of the variable, updated in place
            else:
                out = ns[spec.target] = xp.empty(n, dtype=ops.backend.float_dtype)
            kernel([ns[a] for a in spec.args], out)
        for name in written:
            ops.state[name][syn] = ns[name]
        if "_g_inc" in ns:  # only a pre_spike kernel writes it (the event namespace is fresh)
            post = self.post_of_syn[syn]
            self.conductance += xp.bincount(post, weights=ns["_g_inc"], minlength=self.conductance.shape[0])

    def _gather(self, g, syn):
        ops = self.ops
        if g.kind == "pre":
            return ops.pre._state[g.key][ops.indices[syn]]
        if g.kind == "post":
            return ops.post._state[g.key][self.post_of_syn[syn]]
        if g.kind == "sg":
            return ops.state[g.key][self.dendrite_of_post[self.post_of_syn[syn]]]
        raise NetworkError(f"projection '{ops.proj.name}': '{g.key}' cannot be read in a spike event")

    def clear(self):
        """Forgets the spikes in transit and the synapses' last events (network reset)."""
        if self.queue is not None:
            self.queue.clear()
        if self.last_event is not None:
            self.last_event[...] = -10000
