"""Spike-driven synaptic events: ``pre_spike``, ``pre_axon_spike`` and ``post_spike``.

At each step only the synapses of the neurons that spiked are touched. Presynaptic spikes
reach their synapses through *delay groups*: the synapses of one delay (in steps), ordered
by presynaptic neuron (``starts``/``counts``/``order``), read the spikes emitted that many
steps before from a ring of spike ranks (:class:`~annarray.core.delays.SpikeQueue`). A
uniform delay is one group; non-uniform delays give one group per distinct delay, so the
per-step work is a loop over the distinct delays, never over neurons or synapses.

On the selected synapses the statements run as element-wise kernels on gathered subsets,
the changed variables are scattered back, and ``g_target += value`` increments are
accumulated per postsynaptic neuron (unbuffered scatter-add). The cost grows with spikes ×
fan-out, not with the number of synapses. Event-driven ODEs are brought up to date on the
same subsets with their exact solution over the time since each synapse's last event.
"""

import logging
from dataclasses import dataclass

import numpy as np

from annarray.codegen.code import Gather
from annarray.codegen.kernel_cache import get_kernel
from annarray.core.delays import SpikeQueue
from annarray.errors import CompilationError, NetworkError

__all__ = ["SpikeEvents"]

logger = logging.getLogger(__name__)

_NEVER = -10000  # step of the "last event" of a synapse before its first (reference)


@dataclass
class _DelayGroup:
    """The synapses of one delay, reading the spikes emitted ``back`` steps before the
    newest row of the queue. Two layouts of the synapses of each presynaptic neuron ``i``:

    * padded (``table``, shape ``(senders + 1, max fan-out)``, -1 after the last synapse;
      ``row_of`` maps ranks to rows), when it costs at most twice the synapses: four array
      calls per step;
    * segments (``order[starts[i]:starts[i] + counts[i]]``) otherwise.
    """

    back: int
    starts: object
    counts: object
    order: object
    table: object = None
    row_of: object = None  # table row of each presynaptic rank (the padding row if none)
    post_table: object = None  # fast delivery: postsynaptic rank of each table entry (0 as padding)
    same_targets: bool = False  # fast delivery: every sender reaches the same neurons, in order
    targets: object = None  # ... those neurons
    full: bool = False  # ... which are the whole population in rank order
    w_table: object = None  # fast delivery: weight of each table entry (0.0 as padding)
    deliver: object = None  # fast delivery by a compiled loop (a _RankCall), or None

    def synapses(self, backend, ranks):
        if self.table is not None:
            rows = self.table.take(self.row_of.take(ranks), axis=0)
            return rows[rows >= 0]
        return self.order[backend.segment_ranges(self.starts[ranks], self.counts[ranks])]


@dataclass
class _Program:
    """Compiled statements of one event kind: ``items`` (Gather or (spec, kernel, alias)),
    per-synapse variables ``read`` (taken on the subset first) and ``written`` (scattered
    back after)."""

    items: list
    read: tuple
    written: tuple

    def __bool__(self):
        return bool(self.items)


def _delay_groups(xp, indices, delays, pre_size):
    """Delay groups for the synapses' presynaptic ranks ``indices`` and delays in steps
    (an int, or an int array per synapse). Delays 0 and 1 are the same (next step)."""
    delays = np.maximum(np.asarray(delays, dtype=np.int64), 1)
    uniform = delays.ndim == 0
    values = [int(delays)] if uniform else np.unique(delays).tolist()
    groups = []
    for d in values:
        selected = np.arange(indices.shape[0]) if uniform else np.flatnonzero(delays == d)
        order = selected[np.argsort(indices[selected], kind="stable")]
        counts = np.bincount(indices[selected], minlength=pre_size)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        table, row_of = _padded(xp, order, counts, starts)
        groups.append(_DelayGroup(d - 1, xp.asarray(starts.astype(np.int64)), xp.asarray(counts.astype(np.int64)),
                                  xp.asarray(order.astype(np.int64)), table, row_of))
    return groups


def _padded(xp, order, counts, starts):
    """``(table, row_of)``: the padded table of the synapses of each presynaptic neuron
    that has any (one row each, -1 after its last synapse, plus a last row of padding only)
    and the table row of every presynaptic rank; ``(None, None)`` when padding would more
    than double the memory."""
    width = int(counts.max()) if counts.size else 0
    senders = np.flatnonzero(counts)
    if width == 0 or (senders.size + 1) * width > 2 * max(order.size, 1):
        return None, None
    row_of = np.full(counts.size, senders.size, dtype=np.int64)
    row_of[senders] = np.arange(senders.size)
    table = np.full((senders.size + 1, width), -1, dtype=np.int64)
    column = np.arange(order.size) - np.repeat(starts, counts)
    table[np.repeat(row_of, counts), column] = order
    return xp.asarray(table), xp.asarray(row_of)


class _RankCall:
    """A compiled loop whose first argument is an array of spike ranks, compiled for one
    integer type (``dtype``); ranks of another type are converted at the call."""

    def __init__(self, dtype, call):
        self.dtype, self.call = dtype, call

    def __call__(self, ranks, *rest):
        if ranks.dtype.type is not self.dtype:
            ranks = ranks.astype(self.dtype)
        self.call(ranks, *rest)


class SpikeEvents:
    """Spike propagation and event statements of one compiled spiking projection.

    :param ops: the projection's :class:`~annarray.core.projection_ops.ProjectionOps`.
    """

    def __init__(self, ops):
        self.ops = ops
        self.xp = xp = ops.xp
        proj, code, conn = ops.proj, ops.code, ops.proj._conn
        self.net = proj._net
        indices = np.asarray(conn.indices)
        self.groups = _delay_groups(xp, indices, proj._delay_steps, ops.pre.size)
        depth = max(g.back for g in self.groups) + 1
        self.queue = SpikeQueue(ops.backend, ops.pre.size, depth) if depth > 1 else None
        self.axon_queue = None
        self.post_of_syn = xp.asarray(np.repeat(conn.post_ranks, ops.lengths).astype(np.int64))
        dend = np.full(ops.post.size, -1, dtype=np.int64)
        dend[conn.post_ranks] = np.arange(ops.ndend)
        self.dendrite_of_post = xp.asarray(dend)
        self.dend_starts = xp.asarray(conn.indptr[:-1].astype(np.int64))
        self.dend_lengths = xp.asarray(ops.lengths.astype(np.int64))
        # step of each synapse's last event; far in the past at first, so that the event-driven
        # variables start fully relaxed (reference, docs/reference_facts.md J13)
        self.last_event = xp.full(ops.nnz, _NEVER, dtype=np.int64) if code.event_driven else None
        self.pre_program = self._compile(code.pre_event)
        self.post_program = self._compile(code.post_event)
        self.axon_program = self._compile(code.pre_axon_event)
        self.conductance = self._conductance()
        if self.axon_program and depth > 1:
            self.axon_queue = SpikeQueue(ops.backend, ops.pre.size, depth)
        self.fast = self._fast_delivery_possible()
        if self.fast:
            self._fill_tables()
        self.loops = {} if self.fast or not ops.backend.runs_event_loops() else self._event_loops(code)
        self.pre_op = self._pre_op()  # what the step plan calls for the presynaptic events

    def _conductance(self):
        """The postsynaptic ``g_target`` array, when a statement increments it."""
        proj, state = self.ops.proj, self.ops.post._state
        increments = any(not isinstance(i, Gather) and i[0].target == "_g_inc"
                         for i in self.pre_program.items + self.axon_program.items)
        key = f"g_{proj.target}"
        if increments and key not in state:
            raise NetworkError(
                f"projection '{proj.name}': the postsynaptic neuron type has no conductance '{key}'; "
                f"use g_{proj.target} in its equations (or choose another target)")
        return state.get(key)

    def _fast_delivery_possible(self):
        """Whether spikes only add the (constant) weight to the conductance: the default
        synapse, nothing else running on events and no kernel writing ``w``. Then each
        delay group keeps, per presynaptic neuron, its targets and weights side by side
        (contiguous memory: a spike reads two short rows instead of scattered synapses)."""
        items = self.pre_program.items
        if len(items) != 1 or isinstance(items[0], Gather) or items[0][2] != "w" or items[0][0].target != "_g_inc":
            return False
        if self.axon_program or self.last_event is not None:
            return False
        writes_w = any(getattr(s, "target", None) == "w" for s in self.ops.code.learning + self.ops.code.post_event)
        return not writes_w and all(g.table is not None for g in self.groups)

    def _fill_tables(self):
        xp = self.xp
        w = self.ops.state["w"]
        for g in self.groups:
            valid = g.table >= 0
            safe = xp.where(valid, g.table, 0)
            g.post_table = xp.where(valid, xp.take(self.post_of_syn, safe), 0).astype(
                self.ops.backend.index_dtype(self.ops.post.size))
            g.w_table = xp.where(valid, xp.take(w, safe), 0.0).astype(w.dtype)
            # dense (all-to-all-like) groups: a column sum replaces the scatter-add
            first = g.post_table[0]  # the last row is padding (weights 0): not compared
            g.same_targets = bool(xp.all(valid[:-1])) and bool(xp.all(g.post_table[:-1] == first)) and \
                int(xp.unique(first).shape[0]) == first.shape[0]
            if g.same_targets:
                g.targets = first
                g.full = bool(first.shape[0] == self.conductance.shape[0] and xp.all(first == xp.arange(first.shape[0])))
            if self.ops.backend.delivers_spikes():
                g.deliver = self._compiled_delivery(g, valid)

    def _compiled_delivery(self, g, valid):
        """The compiled delivery of group ``g``. Rows that reach the whole population in
        order, or at least half of it (then spread over it with 0.0 where there is no
        synapse, at most twice the table's memory: the added zeros leave every sum as it
        is), are added as contiguous vectors; other rows go through their targets."""
        xp, n = self.xp, self.conductance.shape[0]
        rows, width = g.w_table.shape
        dense = None
        if g.full:
            dense = g.w_table
        elif not g.same_targets and 2 * width >= n:
            dense = xp.zeros((rows, n), dtype=g.w_table.dtype)
            r, c = xp.nonzero(valid)
            dense[r, g.post_table[r, c]] = g.w_table[r, c]
        dtype = self.ops.pre._spike_buffer.dtype.type if g.back == 0 else np.int64  # queued ranks: int64
        post_table = None if dense is not None else g.post_table
        call = self.ops.backend.spike_delivery(self.conductance, g.row_of, g.w_table if dense is None else dense,
                                               dtype, post_table)
        return _RankCall(dtype, call)

    def _event_loops(self, code):
        """Compiled loops of the event programs (see :mod:`annarray.codegen.jit_events`):
        kind ('pre', 'axon', 'post') → one call per delay group (post: one call), each a dict
        rank dtype → ``call(ranks, now, ref)``. Empty when a program cannot be compiled."""
        from annarray.codegen.jit_events import EventLoop, event_loop_source

        ops = self.ops
        local = {n for n, a in ops.proj.synapse_type.attributes.items() if a.locality == "local"}
        queued = np.int64  # ranks read back from a spike queue
        pre_dtype, post_dtype = ops.pre._spike_buffer.dtype.type, ops.post._spike_buffer.dtype.type
        sources = {f"_src_{g.out}": self._gather_source(g) for g in code.pre_event + code.post_event
                   + code.pre_axon_event if isinstance(g, Gather)}
        loops = {}
        try:
            for kind, steps, program in (("pre", code.pre_event, self.pre_program),
                                         ("axon", code.pre_axon_event, self.axon_program),
                                         ("post", code.post_event, self.post_program)):
                if not program:
                    continue
                aliases = {item[0].target: item[2] for item in program.items
                           if not isinstance(item, Gather) and item[2] is not None}
                loop = EventLoop(list(steps), local, aliases, "direct" if kind == "post" else "ordered",
                                 self.last_event is not None, self._increments(program))
                source, names = event_loop_source(loop)
                if kind == "post":
                    loops[kind] = [self._bind_loop(loop, source, names, self._post_segments(), sources, post_dtype)]
                else:
                    loops[kind] = [self._bind_loop(loop, source, names, (g.starts, g.counts, g.order), sources,
                                                   pre_dtype if g.back == 0 else queued) for g in self.groups]
        except CompilationError as err:
            logger.info("projection '%s': no compiled event loops (%s); running NumPy kernels",
                        ops.proj.name, err)
            return {}
        return loops

    @staticmethod
    def _increments(program):
        return any(not isinstance(i, Gather) and i[0].target == "_g_inc" for i in program.items)

    def _post_segments(self):
        """First synapse and synapse count of each postsynaptic neuron's dendrite (0, 0 without one)."""
        xp, has = self.xp, self.dendrite_of_post >= 0
        dend = xp.where(has, self.dendrite_of_post, 0)
        start = xp.where(has, self.dend_starts.take(dend), 0).astype(np.int64)
        count = xp.where(has, self.dend_lengths.take(dend), 0).astype(np.int64)
        return start, count

    def _bind_loop(self, loop, source, names, layout, sources, rank_dtype):
        """The loop of :class:`~annarray.codegen.jit_events.EventLoop` ``loop`` (``source``:
        its Python text, ``names``: its arguments) bound to its arrays (``sources``: the
        arrays gathered from), as a :class:`_RankCall` for ``rank_dtype``."""
        ops = self.ops
        fixed = dict(zip(("_seg_start", "_seg_count", "_seg_order"), layout))
        fixed.update(_last_event=self.last_event, _g=self.conductance, _post_of_syn=self.post_of_syn,
                     _pre_index=ops.indices, _event_dt=self.xp.asarray(float(self.net.dt)))
        if "_dend_of_syn" in names:
            fixed["_dend_of_syn"] = ops._index("sg")
        args = []
        for name in names:
            value = fixed.get(name, sources.get(name, ops.ns.get(name)))
            if value is None or (name not in fixed and name not in sources and name not in ops.state
                                 and getattr(value, "ndim", None) != 0):
                raise CompilationError(f"'{name}' is not a per-synapse or projection-wide value")
            args.append(value)
        return _RankCall(rank_dtype, ops.backend.spike_event_loop(loop, source, names, args, rank_dtype))

    def _gather_source(self, g):
        ops = self.ops
        if g.kind == "pre":
            return ops.pre._state[g.key]
        if g.kind == "post":
            return ops.post._state[g.key]
        if g.kind == "sg":
            return ops.state[g.key]
        raise CompilationError(f"'{g.key}' cannot be read in a compiled spike event")

    def changed(self, name):
        """The user wrote ``name``: the weight tables of fast delivery are rebuilt."""
        if self.fast and name == "w":
            self._fill_tables()

    def _compile(self, steps):
        ops, items = self.ops, []
        local = {name for name, attr in ops.proj.synapse_type.attributes.items() if attr.locality == "local"}
        read, written = set(), set()
        for k, step in enumerate(steps):
            if isinstance(step, Gather):
                items.append(step)
                continue
            alias = step.source.strip() if step.source.strip() in step.args else None
            if alias is not None and any(getattr(later, "target", None) == alias for later in steps[k + 1:]):
                alias = None  # a later statement changes it in place: compute a copy
            kernel = None if alias else get_kernel(ops.backend, step.source, step.args,
                                                   [self._dtype(a) for a in step.args])
            items.append((step, kernel, alias))
            read |= (set(step.args) | {step.target}) & local
            written |= {step.target} & local
        return _Program(items, tuple(sorted(read)), tuple(sorted(written)))

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
    def _arrived(self, ranks, queue):
        """The synapses reached this step by the spikes ``ranks`` emitted at the last step
        (pushed into ``queue`` for the delayed groups)."""
        xp = self.xp
        if queue is not None:
            queue.push(ranks)
        parts = []
        for group in self.groups:
            r = ranks if group.back == 0 else queue.row(group.back)
            if r.shape[0]:
                parts.append(group.synapses(self.ops.backend, r))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else xp.concatenate(parts)

    def _pre_op(self):
        """The call that propagates the presynaptic spikes at each step, chosen once: compiled
        delivery of a single undelayed group straight from the spike ranks (the common case),
        fast delivery, the compiled event loops, or array operations."""
        if self.fast and len(self.groups) == 1 and self.queue is None and self.groups[0].deliver is not None:
            group, pre = self.groups[0], self.ops.pre.__dict__

            def deliver_spikes():
                ranks = pre["_spike_ranks"]
                if ranks.shape[0]:
                    group.deliver(ranks)  # read at each call: changed('w') rebuilds it

            return deliver_spikes
        if self.fast:
            return self._fast_pre_event
        if self.loops:
            self._compiled_kinds = [(attribute, queue, self.loops[kind]) for kind, attribute, queue in
                                    (("pre", "_spike_ranks", self.queue), ("axon", "_axon_ranks", self.axon_queue))
                                    if kind in self.loops]
            return self._compiled_pre_event
        return self._array_pre_event

    def pre_event(self):
        """Propagates the spikes of the previous step (or of ``delay`` steps before)."""
        self.pre_op()

    def _array_pre_event(self):
        syn = self._arrived(self.ops.pre._spike_ranks, self.queue)
        if syn is not None and self.pre_program:
            self._run(syn, self.pre_program, lag=1)
        if self.axon_program:
            syn = self._arrived(self.ops.pre._axon_ranks, self.axon_queue)
            if syn is not None:
                self._run(syn, self.axon_program, lag=1)

    def _fast_pre_event(self):
        ranks, queue, add = self.ops.pre._spike_ranks, self.queue, self.ops.backend.scatter_add
        if queue is not None:
            queue.push(ranks)
        for group in self.groups:
            r = ranks if group.back == 0 else queue.row(group.back)
            if r.shape[0]:
                if group.deliver is not None:
                    group.deliver(r)
                    continue
                rows = group.row_of.take(r)
                if group.same_targets:
                    total = group.w_table.take(rows, axis=0).sum(axis=0)
                    if group.full:
                        self.conductance += total
                    else:
                        self.conductance[group.targets] += total
                else:
                    add(self.conductance, group.post_table.take(rows, axis=0).ravel(),
                        group.w_table.take(rows, axis=0).ravel())

    def _compiled_pre_event(self):
        step, pre = self.net._step, self.ops.pre.__dict__
        for attribute, queue, calls in self._compiled_kinds:
            ranks = pre[attribute]
            if queue is not None:
                queue.push(ranks)
            for group, call in zip(self.groups, calls):
                r = ranks if group.back == 0 else queue.row(group.back)
                if r.shape[0]:
                    call(r, step, step - 1)

    def post_event(self):
        """Runs ``post_spike`` on the synapses of the postsynaptic neurons that spiked."""
        ranks = self.ops.post._spike_ranks
        if ranks.shape[0] == 0 or not self.post_program:
            return
        if self.loops:
            step = self.net._step
            self.loops["post"][0](ranks, step, step)
            return
        dend = self.dendrite_of_post[ranks]
        dend = dend[dend >= 0]
        syn = self.ops.backend.segment_ranges(self.dend_starts[dend], self.dend_lengths[dend])
        if syn.shape[0]:
            self._run(syn, self.post_program)

    def _run(self, syn, program, lag=0):
        """Runs ``program`` on the synapses ``syn``. Event-driven variables first decay over
        the time since each synapse's last event, measured ``lag`` steps before now (1 for
        presynaptic events, which arrive the step after the spike: the reference's timing)."""
        ops, xp = self.ops, self.xp
        ns, state = ops.ns, ops.state
        take = xp.take
        local = {name: take(state[name], syn) for name in program.read}
        if self.last_event is not None:
            step = self.net._step
            local["_elapsed"] = ((step - lag - self.last_event[syn]) * self.net.dt).astype(ops.backend.float_dtype)
            self.last_event[syn] = step
        for item in program.items:
            if isinstance(item, Gather):
                local[item.out] = self._gather(item, syn)
                continue
            spec, kernel, alias = item
            if alias is not None:
                local[spec.target] = local[alias] if alias in local else ns[alias]
                continue
            args = [local[a] if a in local else ns[a] for a in spec.args]
            out = local.get(spec.target) if spec.target in program.read else None
            if out is None:
                out = local[spec.target] = xp.empty(syn.shape[0], dtype=ops.backend.float_dtype)
            kernel(args, out)
        for name in program.written:
            state[name][syn] = local[name]
        increment = local.get("_g_inc")
        if increment is not None:
            ops.backend.scatter_add(self.conductance, self.post_of_syn[syn], increment)

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
        for queue in (self.queue, self.axon_queue):
            if queue is not None:
                queue.clear()
        if self.last_event is not None:
            self.last_event[...] = _NEVER
