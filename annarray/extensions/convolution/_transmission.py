"""The per-step transmission of a shared-weight projection, as array operations.

At each step a :class:`SharedTransmission` copies the presynaptic values its psp reads into
arrays one element longer than the population (the extra element holds the padding value),
gathers them at the positions of its :class:`~annarray.extensions.convolution._pattern.SharedPattern`
(``(M, K)``: an "im2col" gather) and then either

* for a psp ``w * g(pre)`` summed (or averaged): multiplies the gathered ``g`` by the
  filter with one matrix-vector (or, for a bank of filters, matrix-matrix) product, or
* otherwise: evaluates the psp kernel at every ``(post, position)`` pair (the filter value
  of each pair is gathered too) and reduces each row with ``sum``/``max``/``min``.

The result is added to ``post.sum(target)`` (or to the conductance ``g_target`` of spiking
post neurons). Everything goes through the backend's ``xp``, so the same code runs on NumPy
and CuPy; all arrays are allocated once, at compile time.
"""

import numpy as np

from annarray.codegen.code import Gather
from annarray.codegen.kernel_cache import bind_kernel
from annarray.errors import NetworkError

__all__ = ["Reduction", "SharedTransmission"]


class Reduction:
    """How the psp of one post neuron's positions are combined.

    :param operation: 'sum', 'mean', 'max' or 'min'.
    :param skip_outside: positions outside the presynaptic geometry take no part (for
        'max'/'min' of a convolution and for pooling), instead of reading the padding value.
    :param divisor: 'mean' divides the sum by this number of positions.
    :param floor: 'max' results are at least this value, 'min' results at most (the
        reference's initial value of the reduction), or None.
    """

    def __init__(self, operation, skip_outside, divisor=1, floor=None):
        self.operation = operation
        self.skip_outside = skip_outside
        self.divisor = divisor
        self.floor = floor


class SharedTransmission:
    """Builds the step operation of a shared-weight projection.

    :param proj: the projection (its ``pre``/``post`` populations, ``target``, delays).
    :param runtime: its :class:`~annarray.inputs._common.DirectRuntime` (``state['w']`` is the
        filter array, of shape ``(K,)``-compatible or ``(n_filters, ...)``).
    :param code: its :class:`~annarray.codegen.code.ProjectionCode` (the parsed psp).
    :param shared: the network's shared arrays (``t``, constants).
    :param delay_buffer: callable giving the presynaptic :class:`~annarray.core.delays.DelayBuffer`.
    :param pattern: the :class:`SharedPattern` of the reads.
    :param reduction: a :class:`Reduction`.
    :param padding: value of the presynaptic attributes outside the geometry.
    """

    def __init__(self, proj, runtime, code, shared, delay_buffer, pattern, reduction, padding):
        if code.random_draws:
            raise NetworkError(f"{type(proj).__name__} '{proj.name}': random numbers cannot be drawn in its psp")
        self.proj, self.runtime, self.code, self.pattern = proj, runtime, code, pattern
        self.reduction = reduction
        self.backend = backend = runtime.backend
        self.xp = backend.xp
        self.pre, self.post = runtime.pre, runtime.post
        self.dtype = backend.float_dtype
        self.owner = f"{type(proj).__name__} '{proj.name}'"
        self.ns = {**shared, "dt": self.xp.asarray(np.asarray(proj._net.dt, dtype=self.dtype))}
        self._bind_population_values()
        self._extended = {}  # presynaptic attribute -> (pre.size + 1,) array
        self._refresh = []
        rows_back = max(int(proj._delay_steps) - 1, 0)
        self._buffer = delay_buffer(self.pre) if rows_back > 0 else None
        self._rows_back = rows_back
        self.padding = padding
        self.total = runtime._sum_array() if self._has_sum_array() else None
        if self.total is None:
            raise NetworkError(f"{self.owner}: the post population '{self.post.name}' has no input "
                               f"'{proj.target}' (a spiking neuron needs a conductance g_{proj.target})")

    # -- set-up ---------------------------------------------------------------------------
    def _has_sum_array(self):
        key = f"g_{self.proj.target}" if self.runtime.into_conductance else f"_sum_{self.proj.target}"
        return key in self.post._state

    def _bind_population_values(self):
        """Population-wide neuron values (parameters, global operations) the psp reads."""
        for ref in self.code.neuron_refs:
            pop = self.pre if ref.side == "pre" else self.post
            if ref.op is not None:
                pop._require_global_op(ref.op)
            if ref.key not in pop._state:
                raise NetworkError(f"{self.owner}: the psp reads {ref.side}.{ref.key}, which the population "
                                   f"'{pop.name}' does not have")
            if not ref.per_neuron:
                self.ns[ref.name] = pop._state[ref.key]

    def _extended_attribute(self, key):
        """``(pre.size + 1,)`` copy of the presynaptic attribute ``key`` refreshed at each step;
        its last element holds the padding value."""
        if key not in self._extended:
            n = self.pre.size
            ext = self.xp.full(n + 1, self.padding, dtype=self.dtype)
            inside = ext[:n]
            if key == "r" and self._buffer is not None:  # the rates of delay steps before
                buf, back = self._buffer, self._rows_back

                def refresh():
                    inside[...] = buf.row(back)
            else:
                source = self.pre._state[key]

                def refresh():
                    inside[...] = source
            self._refresh.append(refresh)
            self._extended[key] = ext
        return self._extended[key]

    def _index(self, values):
        """``values`` (host int64) as a device index array of the smallest suitable type."""
        top = int(values.max()) + 2 if values.size else 2
        return self.xp.asarray(values.astype(self.backend.index_dtype(top), copy=False))

    # -- the operation --------------------------------------------------------------------
    def operation(self):
        """The no-argument callable run at each step (in the transmission stage)."""
        red = self.reduction
        linear = (self.code.psp_mode == "linear" and red.operation in ("sum", "mean")
                  and not red.skip_outside)
        return self._linear() if linear else self._general()

    def _presynaptic_factor(self):
        """The ``(pre.size + 1,)`` array of ``g(pre)`` (for a psp ``w * g(pre)``), kept up to
        date by the refresh operations (its last element is ``g`` of the padding value)."""
        code, xp = self.code, self.xp
        if code.psp_pre is None:
            ext = self._extended_attribute(code.psp_pre_key)
            return ext
        ns = dict(self.ns)
        for ref in code.neuron_refs:
            if ref.side == "pre" and ref.per_neuron:
                ns[ref.name] = self._extended_attribute(ref.key)
        out = ns["_psp_pre"] = xp.empty(self.pre.size + 1, dtype=self.dtype)
        self._refresh.append(bind_kernel(self.backend, code.psp_pre, ns, self.owner))
        return out

    def _linear(self):
        xp, backend, pattern = self.xp, self.backend, self.pattern
        factor = self._presynaptic_factor()
        refresh = list(self._refresh)
        index = self._index(pattern.pre_index)
        gathered = xp.empty(index.shape, dtype=self.dtype)
        w = self.runtime.state["w"]
        nf = pattern.n_filters
        if nf == 1:
            weights = w.reshape(-1)
            result = xp.empty(pattern.places, dtype=self.dtype)
        else:
            weights = w.reshape(nf, -1).T  # (K, n_filters) view: the product gives (M, n_filters)
            result = xp.empty((pattern.places, nf), dtype=self.dtype)
        flat = result.reshape(-1)
        scale = 1.0 / self.reduction.divisor if self.reduction.operation == "mean" else None
        total = self.total

        def transmit():
            for op in refresh:
                op()
            backend.gather(factor, index, gathered)
            xp.dot(gathered, weights, out=result)
            if scale is not None:
                xp.multiply(flat, scale, out=flat)
            xp.add(total, flat, out=total)

        return transmit

    def _general(self):
        xp, backend, pattern = self.xp, self.backend, self.pattern
        nf, k = pattern.n_filters, pattern.kernel_size
        n_post = pattern.places * nf
        positions = n_post * k
        ns = dict(self.ns)
        gathers = self._gathers(ns, positions)
        spec = next(s for s in self.code.psp_steps if not isinstance(s, Gather))
        if spec.source.strip() in {name for name, _ in gathers}:
            psp = ns[spec.source.strip()]  # the psp is one gathered value: no kernel
            kernel = None
        else:
            psp = ns["_psp"] = xp.empty(positions, dtype=self.dtype)
            kernel = bind_kernel(self.backend, spec, ns, self.owner)
        refresh = list(self._refresh)
        copies = [g for _, g in gathers]
        rows = psp.reshape(n_post, k)
        skipped, fill = self._skipped_positions(n_post)
        result = xp.empty(n_post, dtype=self.dtype)
        red = self.reduction
        reduce = {"sum": xp.sum, "mean": xp.sum, "max": xp.max, "min": xp.min}[red.operation]
        scale = 1.0 / red.divisor if red.operation == "mean" else None
        bound = None
        if red.floor is not None and red.operation in ("max", "min"):
            bound = (xp.maximum if red.operation == "max" else xp.minimum, red.floor)
        total = self.total

        def transmit():
            for op in refresh:
                op()
            for source, index, out in copies:
                backend.gather(source, index, out)
            if kernel is not None:
                kernel()
            if skipped is not None:
                psp[skipped] = fill
            reduce(rows, axis=1, out=result)
            if scale is not None:
                xp.multiply(result, scale, out=result)
            if bound is not None:
                bound[0](result, bound[1], out=result)
            xp.add(total, result, out=total)

        return transmit

    def _gathers(self, ns, positions):
        """``(name, (source, index, out))`` of every value the psp kernel reads per position."""
        xp, pattern = self.xp, self.pattern
        nf, k = pattern.n_filters, pattern.kernel_size
        n_post = pattern.places * nf
        gathers = []
        pre_index = post_index = None
        for step in self.code.psp_steps:
            if not isinstance(step, Gather):
                continue
            if step.kind == "pre":
                if pre_index is None:
                    pre_index = self._index(np.repeat(pattern.pre_index, nf, axis=0).reshape(-1))
                source, index = self._extended_attribute(step.key), pre_index
            elif step.kind == "post":
                if post_index is None:
                    post_index = self._index(np.repeat(np.arange(n_post, dtype=np.int64), k))
                source, index = self.post._state[step.key], post_index
            else:
                raise NetworkError(f"{self.owner}: its psp cannot read per-dendrite values")
            out = ns[step.out] = xp.empty(positions, dtype=source.dtype)
            gathers.append((step.out, (source, index, out)))
        spec = next(s for s in self.code.psp_steps if not isinstance(s, Gather))
        if "w" in spec.args:
            w_index = (np.arange(n_post, dtype=np.int64) % nf)[:, None] * k + np.arange(k, dtype=np.int64)
            out = ns["w"] = xp.empty(positions, dtype=self.dtype)
            gathers.append(("w", (self.runtime.state["w"].reshape(-1), self._index(w_index.reshape(-1)), out)))
        return gathers

    def _skipped_positions(self, n_post):
        """Flat indices of the positions outside the presynaptic geometry and the value that
        makes them neutral for the reduction (None when nothing is skipped)."""
        red = self.reduction
        if not red.skip_outside:
            return None, None
        outside = np.repeat(self.pattern.outside, self.pattern.n_filters, axis=0).reshape(-1)
        where = np.flatnonzero(outside)
        if where.size == 0:
            return None, None
        fill = {"max": -np.inf, "min": np.inf}.get(red.operation, 0.0)
        return self.xp.asarray(where.astype(np.int64)), fill
