"""CPU backend: state in NumPy arrays, element-wise kernels as NumPy ufunc chains or numexpr.

A kernel is an expression in numexpr's language. How it runs is decided when it is bound to
its arrays: below :data:`NUMEXPR_MIN_SIZE` elements (or with one thread) it runs as a
straight-line chain of NumPy ufuncs writing into preallocated scratch arrays
(:class:`~annarray.codegen.ufunc_kernel.UfuncProgram`: about 1 µs per operation on a few
thousand elements); on large arrays with several threads it runs as a numexpr expression
compiled once into a ``NumExpr`` object and called with ``out=`` (no allocation).
"""

import logging
from functools import partial

import numexpr
import numpy as np
from numexpr.necompiler import NumExpr
from scipy.sparse._sparsetools import csr_matvec as _csr_matvec

from annarray.backend import cpu_jit
from annarray.codegen.ufunc_kernel import UfuncProgram

__all__ = ["CPUBackend", "ElementwiseKernel", "NUMEXPR_MIN_SIZE"]

#: arrays of at least this many elements use numexpr when it has several threads (measured
#: on a 2-core machine: NumPy ufunc chains are faster below, numexpr's threads pay above)
NUMEXPR_MIN_SIZE = 262144

#: sparse products with at least this many entries are split over the threads (measured: a
#: 10^7-entry product runs 1.75x faster on 2 threads; below ~10^5 the hand-off costs more)
SPMV_SPLIT_NNZ = 200000

logger = logging.getLogger(__name__)

# numexpr's names for the array element types it can take as inputs
_NE_KIND = {
    np.dtype(np.float64): np.float64,
    np.dtype(np.float32): float,  # numexpr's 'float' kind is single precision
    np.dtype(np.int64): np.int64,
    np.dtype(np.int32): np.int32,
    np.dtype(np.bool_): bool,
}


class ElementwiseKernel:
    """One compiled numexpr expression writing into a preallocated array.

    :param source: numexpr expression text.
    :param arg_names: names of the inputs, in call order.
    :param arg_dtypes: NumPy dtypes of the inputs (same order).
    """

    _CALL_KW = {"order": "K", "casting": "unsafe", "ex_uses_vml": False}

    def __init__(self, source, arg_names, arg_dtypes):
        self.source = source
        self.arg_names = tuple(arg_names)
        self._signature = [(n, _NE_KIND[np.dtype(d)]) for n, d in zip(arg_names, arg_dtypes, strict=False)]
        self._booleans = frozenset(n for n, d in zip(arg_names, arg_dtypes, strict=False) if np.dtype(d) == np.bool_)
        self._compiled = None
        self._programs = {}
        # numexpr's VML path only exists in MKL builds; decide once for the direct call
        uses_vml = bool(getattr(numexpr, "use_vml", False)) and _uses_vml(source)
        self._kw = dict(self._CALL_KW, ex_uses_vml=uses_vml)

    def _numexpr(self):
        if self._compiled is None:
            self._compiled = NumExpr(self.source, signature=self._signature)
        return self._compiled

    def _program(self, args, out):
        """The ufunc program for this pattern of arguments (which are arrays, which are the
        output itself)."""
        arrays = frozenset(n for n, a in zip(self.arg_names, args, strict=False) if np.ndim(a) > 0)
        target = frozenset(n for n, a in zip(self.arg_names, args, strict=False) if a is out)
        key = (arrays, target)
        program = self._programs.get(key)
        if program is None:
            program = self._programs[key] = UfuncProgram(self.source, self.arg_names, arrays, self._booleans, target)
        return program

    @staticmethod
    def _use_numexpr(out):
        return out.size >= NUMEXPR_MIN_SIZE and numexpr.get_num_threads() > 1

    def __call__(self, args, out):
        """Evaluates the expression on ``args`` (arrays, same order as ``arg_names``) into ``out``."""
        if self._use_numexpr(out):
            return self._numexpr()(*args, out=out, **self._kw)
        return self._program(args, out).run(np, args, out)

    def bind(self, args, out):
        """A no-argument callable for the step plan: the kernel with its arrays bound."""
        if self._use_numexpr(out):
            return partial(self._numexpr(), *args, out=out, **self._kw)
        return self._program(args, out).bind(np, args, out)


_VML_FUNCS = ("sin", "cos", "tan", "exp", "log", "sqrt", "pow", "arc", "tanh", "sinh", "cosh")


def _uses_vml(source):
    return any(f in source for f in _VML_FUNCS)


class ConstantKernel:
    """An expression that reads no array: its value is computed once and filled in."""

    def __init__(self, source):
        self.source = source
        self.arg_names = ()
        self.value = numexpr.evaluate(source).item()

    def __call__(self, args, out):
        out[...] = self.value

    def bind(self, args, out):
        return partial(self, args, out)


class CPUBackend:
    """NumPy arrays and numexpr kernels with a fixed thread count.

    :param precision: 'double' (float64 state) or 'float' (float32 state).
    :param num_threads: threads numexpr uses for large arrays.
    """

    paradigm = "openmp"
    xp = np

    def __init__(self, precision="double", num_threads=1, jit=True):
        self.precision = precision
        self.use_jit = jit
        self.jit_directory = None  # folder of the JIT's on-disk cache (set by compile())
        self.float_dtype = np.float64 if precision == "double" else np.float32
        self.int_dtype = np.int64
        self.num_threads = num_threads
        self._pool = None  # worker threads of split sparse products (created on first use)

    # -- arrays ---------------------------------------------------------------------
    def asarray(self, values, dtype=None):
        return np.asarray(values, dtype=dtype)

    def to_host(self, array):
        """Copy of ``array`` as a NumPy array on the host."""
        return np.array(array, copy=True)

    def index_dtype(self, n):
        """Integer type for indices below ``n`` (int32 when it fits, as SciPy's sparse kernels want)."""
        return np.int32 if n < 2**31 - 1 else np.int64

    def gather(self, source, indices, out):
        """``out[:] = source[indices]`` without allocating."""
        np.take(source, indices, out=out, mode="clip")

    def csr_matvec_plan(self, shape, indptr, indices, data):
        """A callable ``(x, out)`` doing ``out += A @ x`` for the CSR matrix ``A = (data,
        indices, indptr)``. With several threads and at least :data:`SPMV_SPLIT_NNZ` entries,
        the rows are split into ``num_threads`` blocks of equal entry counts, run
        concurrently (SciPy's kernel releases the GIL); ``data`` may change in place later."""
        nnz = int(indptr[-1])
        if self.num_threads < 2 or nnz < SPMV_SPLIT_NNZ:
            return lambda x, out: _csr_matvec(shape[0], shape[1], indptr, indices, data, x, out)
        bounds = np.searchsorted(np.asarray(indptr), np.linspace(0, nnz, self.num_threads + 1), side="left")
        bounds[0], bounds[-1] = 0, shape[0]
        blocks = []
        for r0, r1 in zip(bounds[:-1], bounds[1:], strict=True):
            if r1 > r0:
                a, b = int(indptr[r0]), int(indptr[r1])
                local = (indptr[r0:r1 + 1] - indptr[r0]).astype(indptr.dtype)
                blocks.append((int(r1 - r0), local, indices[a:b], data[a:b], slice(int(r0), int(r1))))
        pool = self._thread_pool()

        def run(block, x, out):
            rows, local, idx, values, part = block
            _csr_matvec(rows, shape[1], local, idx, values, x, out[part])

        def matvec(x, out):
            pending = [pool.submit(run, block, x, out) for block in blocks[1:]]
            run(blocks[0], x, out)
            for future in pending:
                future.result()

        return matvec

    def _thread_pool(self):
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=self.num_threads - 1, thread_name_prefix="annarray")
        return self._pool

    def dense_matvec_add(self, matrix, x, out, tmp):
        """``out += matrix @ x`` through BLAS (``tmp``: scratch array shaped as ``out``)."""
        np.dot(matrix, x, out=tmp)
        np.add(out, tmp, out=out)

    def reduce_rows(self, op, values, starts, out):
        """``out[k] = op(values[starts[k]:starts[k+1]])`` for non-empty segments; ``op`` is
        'sum', 'max' or 'min'."""
        ufunc = {"sum": np.add, "max": np.maximum, "min": np.minimum}[op]
        ufunc.reduceat(values, starts, out=out)

    def segment_ranges(self, starts, lengths, total=None):
        """Concatenation of ``arange(s, s + l)`` for each (s, l) (int64; ``total``: the sum of
        the lengths, if known)."""
        if total is None:
            total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        offsets = np.cumsum(lengths)
        offsets -= lengths
        out = np.repeat(np.asarray(starts, dtype=np.int64) - offsets, lengths)
        out += np.arange(total, dtype=np.int64)
        return out

    def scatter_add(self, target, indices, values):
        """``target[indices] += values`` with repeated indices accumulated."""
        np.add.at(target, indices, values)

    # -- kernels --------------------------------------------------------------------
    def jit_enabled(self):
        """Whether compiled loops (numba) are used: ``setup(jit=True)`` and numba importable."""
        return self.use_jit and cpu_jit.available()

    def fuses_populations(self):
        """Whether a population's step runs as one compiled loop (:meth:`population_step`)."""
        return self.jit_enabled()

    def population_step(self, step, ns, buffers, n):
        """``loop() -> (spikes, axon_spikes)``: the compiled loop of
        :class:`~annarray.codegen.jit_population.FusedStep` ``step`` over ``n`` neurons, bound
        to the arrays of ``ns`` and the rank buffers ``buffers`` (counts are 0, 0 for
        rate-coded neurons)."""
        from annarray.codegen.jit_population import population_step_source

        arrays = {name for name, a in ns.items() if getattr(a, "ndim", None) == 1}
        source, args = population_step_source(step, arrays)
        return self.compiled_loop(source, "population_step", [n] + [buffers.get(a, ns.get(a)) for a in args])

    def compiled_loop(self, source, name, args, later=()):
        """Function ``name`` of Python ``source``, compiled (see :mod:`~annarray.backend.cpu_jit`)
        and bound to ``args``; ``later``: examples of the arguments given at each call (their
        types are compiled now)."""
        return cpu_jit.bind(cpu_jit.compile_function(source, name, self.jit_directory), args, later)

    def runs_event_loops(self):
        """Whether spike events run as compiled loops (:meth:`spike_event_loop`)."""
        return self.jit_enabled()

    def spike_event_loop(self, loop, source, names, args, rank_dtype):
        """``call(ranks, now, ref)``: the compiled loop of Python ``source`` (generated from
        :class:`~annarray.codegen.jit_events.EventLoop` ``loop``) bound to ``args``."""
        return self.compiled_loop(source, "spike_event", args, (np.zeros(1, dtype=rank_dtype), 0, 0))

    def delivers_spikes(self):
        """Whether :meth:`spike_delivery` gives compiled deliveries (with the JIT)."""
        return self.jit_enabled()

    def spike_delivery(self, g, row_of, w_rows, rank_dtype, post_table=None):
        """``deliver(ranks)`` adding, for each rank (an array of ``rank_dtype``), its row of
        weights ``w_rows[row_of[rank]]`` to ``g`` at ``post_table[row_of[rank]]``, or, without
        ``post_table``, to the whole of ``g`` in order (contiguous vector adds); None without
        the JIT."""
        if not self.jit_enabled():
            return None
        if post_table is None:
            source, name, args = cpu_jit.DELIVER_FULL_SOURCE, "deliver_full", (g, row_of, w_rows)
        else:
            source, name, args = cpu_jit.DELIVER_SOURCE, "deliver", (g, row_of, post_table, w_rows)
        return self.compiled_loop(source, name, args, [np.zeros(1, dtype=rank_dtype)])

    def elementwise_kernel(self, source, arg_names, arg_dtypes):
        """Builds the element-wise kernel for numexpr ``source`` (see :class:`ElementwiseKernel`)."""
        if not arg_names:
            return ConstantKernel(source)
        return ElementwiseKernel(source, arg_names, arg_dtypes)

    def draw_op(self, rng, draw, out):
        """A no-argument call filling ``out`` with this step's values of ``draw`` (a
        :class:`~annarray.parser.items.RandomDraw`) from generator ``rng``."""
        if draw.kind == "uniform":  # NumPy draws float32 only when asked (precision='float')
            return partial(rng.random, dtype=out.dtype, out=out)
        if draw.kind == "normal":
            return partial(rng.standard_normal, dtype=out.dtype, out=out)
        method, args = getattr(rng, draw.kind), draw.args

        def draw_into():
            out[...] = method(*args, size=out.shape)

        return draw_into

    def reseed(self, rng, seed_sequence):
        """Restarts generator ``rng`` (of :meth:`new_generator`) in place from
        ``seed_sequence``: the draw operations bound to it draw the new stream."""
        rng.bit_generator.state = np.random.PCG64(seed_sequence).state

    def new_generator(self, seed_sequence=None):
        """A random generator for per-step draws (NumPy's PCG64)."""
        return np.random.Generator(np.random.PCG64(seed_sequence))
