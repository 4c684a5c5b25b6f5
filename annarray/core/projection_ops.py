"""A compiled projection's per-step operations: transmission (psp) and learning.

Built once at ``compile()`` from the generated :class:`~annarray.codegen.code.ProjectionCode`;
each operation is a no-argument callable that runs kernels on preallocated arrays.

Transmission, for a projection feeding ``post.sum(target)``:

* 'linear' psp (``w * g(pre)``, operation 'sum'/'mean'): ``g`` once per presynaptic neuron,
  then one sparse (CSR) or dense matrix-vector product accumulated into ``sum(target)``;
* otherwise: the psp of every synapse (one fused kernel after gathering the neuron values),
  reduced per dendrite ('sum', 'max', 'min', 'mean') and added to ``sum(target)``.

Delays read the presynaptic rates from a :class:`~annarray.core.delays.DelayBuffer`.
"""

import numpy as np

from annarray.codegen.code import Gather
from annarray.codegen.kernel_cache import bind_kernel, get_kernel
from annarray.core.population import population_of as _population
from annarray.errors import NetworkError

__all__ = ["ProjectionOps"]


class ProjectionOps:
    """Arrays and step operations of one compiled projection.

    :param proj: the :class:`~annarray.core.projection.Projection`.
    :param code: its :class:`~annarray.codegen.code.ProjectionCode`.
    :param backend: the network's backend.
    :param shared: arrays shared by the network (``t``, constants).
    :param delay_buffer: callable ``(population, max_delay) -> DelayBuffer``.
    """

    def __init__(self, proj, code, backend, shared, delay_buffer):
        self.proj, self.code, self.backend = proj, code, backend
        self.xp = xp = backend.xp
        conn = proj._conn
        self.pre, self.post = _population(proj.pre), _population(proj.post)
        self.nnz, self.ndend = int(conn.indptr[-1]), len(conn.post_ranks)
        # gathers want native (int64) indices; a projection without per-synapse gathers keeps
        # the smallest type SciPy's kernels accept (4 bytes per synapse)
        per_synapse_psp = code.psp_mode == "general" or np.ndim(proj._delay_steps) > 0
        self.reads_sums = any(r.key.startswith("_sum_") for r in code.neuron_refs)
        steps = code.learning + (code.psp_steps if per_synapse_psp else [])
        gathers = any(isinstance(s, Gather) and s.kind != "postd" for s in steps)
        itype = np.int64 if gathers else backend.index_dtype(max(self.nnz, self.pre.size, self.post.size) + 1)
        conn.indices = conn.indices.astype(itype, copy=False)  # shared with the connectivity
        self.indices = xp.asarray(conn.indices)
        self.post_ranks = xp.asarray(conn.post_ranks.astype(itype))
        self.starts = xp.asarray(conn.indptr[:-1].astype(np.int64))
        self.full_indptr = xp.asarray(proj._full_indptr().astype(itype))
        self.lengths = np.diff(conn.indptr)
        self._index_cache = {}
        self.state = self._state_arrays()
        self.ns = {**shared, **self.state}
        self._bind_neuron_refs()
        # a delay of d steps reads the rates d - 1 rows back in the pre population's buffer
        # (transmission already reads the previous step's rates: delays 0 and 1 are the same)
        self._rows_back = np.maximum(np.asarray(proj._delay_steps) - 1, 0)
        self._buffer = None
        if not code.spiking and (np.ndim(self._rows_back) or self._rows_back > 0):
            self._buffer = delay_buffer(self.pre)
        if self._buffer is not None and np.ndim(self._rows_back):
            self._offsets = xp.asarray(self._buffer.flat_offsets(self._rows_back, conn.indices))
            self._scratch = xp.empty(self.nnz, dtype=np.int64)
        self.rng = backend.new_generator(shared["_seed_sequence"].spawn(1)[0])
        dt = proj._net.dt
        self.ns["dt"] = xp.asarray(np.asarray(dt, dtype=backend.float_dtype))
        self.psp_ops = self._psp_ops() if code.psp_mode else []
        # the learning kernels read their own dt: dt * period under enable_learning(period=)
        self.learning_dt = self.ns["dt"] = xp.asarray(np.asarray(dt, dtype=backend.float_dtype))
        self.learning_ops = self._steps(code.learning)
        self.events, self.post_ops = None, []
        if code.spiking:
            from annarray.core.spike_events import SpikeEvents

            self.events = SpikeEvents(self)
            self.psp_ops = [self.events.pre_op]
            self.post_ops = [self.events.post_event] if code.post_event else []

    def changed(self, name):
        """Called after the user wrote the synaptic attribute ``name`` (copies kept for speed
        are refreshed)."""
        if self.events is not None:
            self.events.changed(name)

    # -- arrays ---------------------------------------------------------------------------
    def _state_arrays(self):
        xp, proj = self.xp, self.proj
        state = {}
        for name, attr in proj.synapse_type.attributes.items():
            state[name] = xp.asarray(np.asarray(proj._state[name], dtype=proj._dtype(attr)))
        for draw in self.code.random_draws:
            dtype = np.int64 if draw.kind == "binomial" else self.backend.float_dtype
            state[draw.name] = xp.zeros(self.nnz, dtype=dtype)
        return state

    def _index(self, kind):
        """Index array of a gather kind (built on first use)."""
        if kind not in self._index_cache:
            xp, conn = self.xp, self.proj._conn
            if kind == "pre":
                idx = self.indices
            elif kind == "postd":
                idx = self.post_ranks
            else:
                idx = np.repeat(np.arange(self.ndend) if kind == "sg" else conn.post_ranks, self.lengths)
                idx = xp.asarray(idx.astype(self.indices.dtype, copy=False))
            self._index_cache[kind] = idx
        return self._index_cache[kind]

    def _bind_neuron_refs(self):
        for ref in self.code.neuron_refs:
            pop = self.pre if ref.side == "pre" else self.post
            if ref.op is not None:
                pop._require_global_op(ref.op)
            if ref.key not in pop._state:
                what = f"sum({ref.key[5:]})" if ref.key.startswith("_sum_") else ref.key
                raise NetworkError(
                    f"projection '{self.proj.name}': the synapse reads {ref.side}.{what}, which the "
                    f"population '{pop.name}' does not have")
            if not ref.per_neuron:
                self.ns[ref.name] = pop._state[ref.key]

    # -- gathers and kernels --------------------------------------------------------------
    def _gather_op(self, g):
        xp, backend = self.xp, self.backend
        if g.kind in ("pre", "post"):
            source = (self.pre if g.kind == "pre" else self.post)._state[g.key]
            size = self.nnz
        elif g.kind == "postd":
            source, size = self.post._state[g.key], self.ndend
        else:
            source, size = self.ns[g.key], self.nnz
        out = self.ns.get(g.out)
        if out is None or out.shape != (size,):
            out = self.ns[g.out] = xp.empty(size, dtype=source.dtype)
        if g.kind == "pre" and g.key == "r" and self._buffer is not None:
            return self._delayed_gather(out)
        index = self._index(g.kind)
        return lambda: backend.gather(source, index, out)

    def _delayed_gather(self, out):
        buf, backend, index = self._buffer, self.backend, self.indices
        delays = int(self._rows_back) if np.ndim(self._rows_back) == 0 else self._rows_back
        if np.ndim(delays):
            offsets, scratch = self._offsets, self._scratch
            return lambda: buf.gather(offsets, scratch, out)
        return lambda: backend.gather(buf.row(delays), index, out)

    def _kernel_op(self, spec, ns):
        if spec.target not in ns:  # a temporary: shaped as the attribute it stands for
            like = ns.get(spec.like)
            ns[spec.target] = self.xp.zeros(self.nnz, self.backend.float_dtype) if like is None else self.xp.zeros_like(like)
        return bind_kernel(self.backend, spec, ns, f"projection '{self.proj.name}'")

    def _steps(self, steps):
        """Operations of ``steps``, preceded by the random draws their kernels read."""
        read = {a for s in steps if not isinstance(s, Gather) for a in s.args}
        draws = [self.backend.draw_op(self.rng, d, self.ns[d.name]) for d in self.code.random_draws if d.name in read]
        return draws + [self._gather_op(s) if isinstance(s, Gather) else self._kernel_op(s, self.ns) for s in steps]

    # -- transmission ---------------------------------------------------------------------
    @property
    def into_conductance(self):
        """Continuous transmission onto spiking neurons (gap junctions) writes the
        conductance ``g_target`` (reset by the neurons after each step), as the reference."""
        return self.post.neuron_type.type == "spike" and f"g_{self.proj.target}" in self.post._state

    def _sum_array(self):
        if self.into_conductance:
            return self.post._state[f"g_{self.proj.target}"]
        return self.post._state[f"_sum_{self.proj.target}"]

    def _psp_ops(self):
        code = self.code
        if code.psp_mode == "linear" and np.ndim(self._rows_back) == 0:
            return self._linear_ops()
        return self._steps(code.psp_steps) + [self._reduce_op()]

    def _presynaptic_input(self):
        """Callable returning the vector multiplied by the weights, ``g(pre)`` (shape
        ``(pre.size,)``); with a uniform delay, ``pre.r`` is read from the delay buffer."""
        code, buf = self.code, self._buffer
        rows_back = int(self._rows_back)
        if code.psp_pre is None:
            if buf is not None and code.psp_pre_key == "r":
                return lambda: buf.row(rows_back)
            x = self.pre._state[code.psp_pre_key]
            return lambda: x
        spec = code.psp_pre
        ns = dict(self.ns)
        ns.update({r.name: self.pre._state[r.key] for r in code.neuron_refs if r.side == "pre" and r.per_neuron})
        out = ns["_psp_pre"] = self.xp.empty(self.pre.size, dtype=self.backend.float_dtype)
        if buf is None or "_pre_r" not in spec.args:
            call = bind_kernel(self.backend, spec, ns, f"projection '{self.proj.name}'")

            def computed():
                call()
                return out

            return computed
        args = [ns[a] for a in spec.args]
        kernel = get_kernel(self.backend, spec.source, spec.args, [a.dtype for a in args])
        position = spec.args.index("_pre_r")

        def delayed():
            args[position] = buf.row(rows_back)
            kernel(args, out)
            return out

        return delayed

    def _linear_ops(self):
        backend, xp = self.backend, self.xp
        x_of = self._presynaptic_input()
        w = self.state["w"]
        total = self._sum_array()
        mean = self.code.operation == "mean"
        target = xp.zeros(self.post.size, dtype=total.dtype) if mean else total
        if self.nnz == self.pre.size * self.post.size:  # every pair connected: BLAS on the weights
            matrix = w.reshape(self.post.size, self.pre.size)
            tmp = xp.empty(self.post.size, dtype=total.dtype)
            product = lambda: backend.dense_matvec_add(matrix, x_of(), target, tmp)  # noqa: E731
        else:
            matvec = backend.csr_matvec_plan((self.post.size, self.pre.size), self.full_indptr, self.indices, w)
            product = lambda: matvec(x_of(), target)  # noqa: E731
        if not mean:
            return [product]
        counts = np.zeros(self.post.size)
        counts[self.proj._conn.post_ranks] = self.lengths
        inverse = xp.asarray(np.divide(1.0, counts, out=np.zeros_like(counts), where=counts > 0).astype(total.dtype))

        def mean_op():
            target[...] = 0
            product()
            xp.multiply(target, inverse, out=target)
            xp.add(total, target, out=total)

        return [mean_op]

    def _reduce_op(self):
        backend, xp = self.backend, self.xp
        psp, total = self.ns["_psp"], self._sum_array()
        op = self.code.operation
        starts, ranks, lengths = self.starts, self.post_ranks, self.lengths
        if lengths.size and lengths.min() == 0:
            # dendrites left without synapses (pruning) add nothing; the segment reduction
            # needs non-empty segments
            full = np.flatnonzero(lengths > 0)
            starts, ranks, lengths = starts[xp.asarray(full)], ranks[xp.asarray(full)], lengths[full]
        reduced = xp.empty(lengths.size, dtype=psp.dtype)
        scale = None
        if op == "mean":
            scale = xp.asarray((1.0 / lengths).astype(psp.dtype))
        reduce_kind = "sum" if op == "mean" else op

        def reduce():
            if reduced.shape[0] == 0:
                return
            backend.reduce_rows(reduce_kind, psp, starts, reduced)
            if scale is not None:
                reduced[...] *= scale
            total[ranks] += reduced

        return reduce
