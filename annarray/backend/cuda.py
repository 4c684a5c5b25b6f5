"""CUDA backend: state in CuPy arrays on the GPU, kernels generated as CUDA C.

The kernels are the texts of :mod:`annarray.backend.cuda_source` (the shared header, the
files of ``kernels/`` and generated code). A *launcher* turns a module text into callable
kernels:

* :class:`CupyLauncher` compiles it with NVRTC through ``cupy.RawModule`` (CuPy keeps the
  binaries in its disk cache; we keep the modules in memory, keyed on the text) and launches
  its kernels on the current stream, on a grid sized for the element count (every kernel
  loops grid-stride, so any grid is correct);
* :class:`HostLauncher` builds the same text for the CPU (:mod:`annarray.backend.cuda_host`)
  and runs it on NumPy arrays: the *emulated* cuda paradigm, slow, for checking the GPU
  code path on machines without a GPU (``ANNARRAY_CUDA_EMULATION=1``).

Everything else in annarray sees the same backend interface as on the CPU
(:class:`~annarray.backend.cpu.CPUBackend`): ``xp``, element-wise kernels, sparse products,
segment reductions, gathers, random draws.
"""

import logging
import math
from functools import partial

import numpy as np

from annarray.backend import cuda_source
from annarray.codegen.cuda_elementwise import ELEMENTWISE_NAME, elementwise_source
from annarray.errors import CompilationError, InvalidConfiguration

__all__ = ["CudaBackend", "CupyLauncher", "HostLauncher", "c_type"]

logger = logging.getLogger(__name__)

#: threads per block of every launch
BLOCK = 256

_C_TYPES = {"float64": "double", "float32": "float", "bool": "bool", "int32": "int", "int64": "long long",
            "uint32": "unsigned int", "uint64": "unsigned long long", "int8": "signed char", "uint8": "unsigned char"}


def c_type(dtype):
    """C type of the elements of NumPy/CuPy dtype ``dtype``."""
    name = np.dtype(dtype).name
    if name not in _C_TYPES:
        raise InvalidConfiguration(f"the cuda paradigm has no kernel type for arrays of {name}")
    return _C_TYPES[name]


class HostLauncher:
    """Runs kernel modules built for the CPU on NumPy arrays (the emulated cuda paradigm)."""

    emulated = True

    def __init__(self, strict=False):
        from annarray.backend import cuda_host

        self._host = cuda_host
        self.strict = strict
        if strict:
            from annarray.backend.strict_xp import StrictNumpy

            self.xp = StrictNumpy()
        else:
            self.xp = np

    def function(self, text, name):
        kernel = self._host.host_module(text)[name]
        if not self.strict:
            return lambda elements, *args: kernel(*args)

        def launch(elements, *args):
            for position, arg in enumerate(args):
                if type(arg) is np.ndarray:
                    raise TypeError(f"kernel {name}: argument {position} is a host (NumPy) array; a GPU kernel "
                                    "takes device arrays (CuPy refuses this)")
            kernel(*args)

        return launch

    def synchronize(self):
        pass


class CupyLauncher:
    """Compiles kernel modules with NVRTC (``cupy.RawModule``) and launches them on device
    ``device``; grids have enough blocks of :data:`BLOCK` threads for the elements, at most
    32 per multiprocessor (the kernels loop over the rest)."""

    emulated = False

    def __init__(self, device=0):
        import cupy

        self.xp = cupy
        self._device = cupy.cuda.Device(device)
        self._device.use()
        count = self._device.attributes["MultiProcessorCount"]
        self._max_blocks = 32 * int(count)
        self._modules = {}

    def function(self, text, name):
        try:
            module = self._modules.get(text)
            if module is None:
                # no fused multiply-adds: the same roundings as the CPU (and the CPU build)
                module = self._modules[text] = self.xp.RawModule(code=text, options=("--std=c++14", "--fmad=false"))
            kernel = module.get_function(name)
        except Exception as err:  # cupy's CompileException (NVRTC's log), or a missing kernel
            self._modules.pop(text, None)
            raise CompilationError(f"CUDA kernel '{name}' does not compile: {err}") from err
        max_blocks = self._max_blocks

        def launch(elements, *args):
            blocks = max(1, min(max_blocks, math.ceil(int(elements) / BLOCK)))
            kernel((blocks,), (BLOCK,), args)

        return launch

    def synchronize(self):
        self.xp.cuda.get_current_stream().synchronize()


class ElementwiseKernel:
    """A numexpr kernel as a CUDA kernel; the code is generated when it is bound, once the
    arguments that are per-element arrays (not one value) are known."""

    def __init__(self, backend, source, arg_names, arg_dtypes):
        self.backend = backend
        self.source = source
        self.arg_names = tuple(arg_names)
        self.arg_types = [c_type(d) for d in arg_dtypes]
        self._texts = {}  # (per-element arguments, output type) -> generated text

    def bind(self, args, out):
        """A no-argument launch of the kernel on ``args`` (device arrays, of ``out``'s size
        or of one element) writing ``out``."""
        xp = self.backend.xp
        if self.backend.strict and any(type(a) is np.ndarray for a in args):
            # a device copy made here would not follow later changes of the host array
            raise TypeError(f"kernel '{self.source}': an argument is a host (NumPy) array, not state")
        args = [a if isinstance(a, xp.ndarray) else xp.asarray(a) for a in args]
        arrays = frozenset(n for n, a in zip(self.arg_names, args, strict=True) if a.ndim > 0)
        for name, a in zip(self.arg_names, args, strict=True):
            if a.ndim > 0 and a.size != out.size:
                raise CompilationError(f"kernel '{self.source}': '{name}' has {a.size} elements, its output {out.size}")
        key = (arrays, out.dtype.name)
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = elementwise_source(self.source, self.arg_names, self.arg_types, arrays,
                                                         c_type(out.dtype), self.backend.real)
        launch = self.backend.function(text, ELEMENTWISE_NAME)
        return partial(launch, out.size, np.int64(out.size), *args, out)

    def __call__(self, args, out):
        self.bind(args, out)()


class PhiloxStream:
    """Counter-based random numbers (Philox4x32-10, ``kernels/random.cuh``) of one owner.

    :param key: two 32-bit words from the owner's seed sequence.
    Each named draw gets its own slot; each call advances the stream's counter (a 1-element
    int64 device array, advanced on the device: no host round trip).
    """

    def __init__(self, xp, key):
        self.key0, self.key1 = (np.uint32(k) for k in key)
        self.counter = xp.zeros(1, dtype=np.int64)
        self.slots = {}

    def restart(self, key):
        """A new key and the counter back to 0 (draw operations read both at each call)."""
        self.key0, self.key1 = (np.uint32(k) for k in key)
        self.counter.fill(0)

    def slot(self, name):
        """The slot of the draws named ``name`` (a draw operation made again for the same
        name, as structural plasticity does at each call, keeps its slot: the counter, which
        advances at every draw, keeps the streams apart)."""
        if name not in self.slots:
            if len(self.slots) > 0xFFFF:
                raise InvalidConfiguration("more than 65536 different random draws from one random stream")
            self.slots[name] = np.uint32(len(self.slots))
        return self.slots[name]


class CudaBackend:
    """The cuda paradigm: CuPy arrays and CUDA kernels (or, emulated, NumPy arrays and the
    same kernels built for the CPU).

    :param precision: 'double' (float64 state) or 'float' (float32 state).
    :param device: index of the GPU.
    :param emulate: run the kernels on the CPU (:class:`HostLauncher`) instead of a GPU.
    :param strict: emulated, with CuPy's boundary between host and device arrays
        (:mod:`annarray.backend.strict_xp`).
    """

    paradigm = "cuda"

    def __init__(self, precision="double", device=0, emulate=False, strict=False):
        self.precision = precision
        self.float_dtype = np.float64 if precision == "double" else np.float32
        self.real = "double" if precision == "double" else "float"
        self.int_dtype = np.int64
        self.num_threads = 1
        self.jit_directory = None
        self.launcher = HostLauncher(strict) if emulate else CupyLauncher(device)
        self.xp = self.launcher.xp
        self.emulated = self.launcher.emulated
        self.strict = strict
        self._functions = {}
        self._row_pointers = {}  # (id of the segment starts, sizes) -> (starts, int32 row pointers)

    # -- kernels ----------------------------------------------------------------------
    def function(self, text, name):
        """Launchable kernel ``name`` of generated ``text`` (the shared header is added):
        ``f(elements, *args)`` with device arrays and NumPy scalars as ``args``."""
        key = (text, name)
        fn = self._functions.get(key)
        if fn is None:
            fn = self._functions[key] = self.launcher.function(cuda_source.module_source(text, real=self.real), name)
        return fn

    def kernel_file_function(self, filename, name):
        """Launchable kernel ``name`` of ``kernels/<filename>``."""
        return self.function(f'#include "{filename}"\n', name)

    @property
    def kernel_owner(self):
        """Element-wise kernels launch through this backend (its device and module cache):
        the process-wide kernel cache keeps them per backend."""
        return id(self)

    def jit_enabled(self):
        """The CPU's compiled loops (numba) are not used: the GPU runs generated CUDA."""
        return False

    def elementwise_kernel(self, source, arg_names, arg_dtypes):
        return ElementwiseKernel(self, source, arg_names, arg_dtypes)

    def fuses_populations(self):
        """A population's step is always one generated kernel on the GPU."""
        return True

    def population_step(self, step, ns, buffers, n):
        """``loop() -> (spikes, axon_spikes)``: the kernel of
        :class:`~annarray.codegen.jit_population.FusedStep` ``step``
        (:mod:`annarray.codegen.cuda_population`) over ``n`` neurons, bound to the arrays of
        ``ns`` and the rank buffers ``buffers``; it returns the spike counts (0, 0 for
        rate-coded neurons), which it reads back from the device."""
        from annarray.codegen.cuda_population import KERNEL_NAME, population_kernel_source

        xp = self.xp
        arrays = {name for name, a in ns.items() if getattr(a, "ndim", None) == 1}
        both = xp.zeros(2, dtype=np.int32)  # spikes and axonal spikes of the step: one read-back
        counts = {"_n_spikes": both[0:1], "_n_axon": both[1:2]}
        values = {**ns, **buffers, **counts}
        types = {name: c_type(a.dtype) for name, a in values.items() if hasattr(a, "dtype")}
        source, args = population_kernel_source(step, arrays, types, self.real)
        launch = partial(self.function(source, KERNEL_NAME), n, np.int64(n), *[values[a] for a in args])
        if step.spike is None:
            def rate_loop():
                launch()
                return 0, 0
            return rate_loop
        ranks, axon_ranks, to_host, sort = buffers["_ranks_out"], buffers.get("_axon_out"), self.to_host, xp.sort
        axon = step.axon_spike is not None

        def spiking_loop():
            both.fill(0)
            launch()
            k, ka = (int(c) for c in to_host(both))
            # the threads appended in no particular order: ascending, as on the CPU
            if k > 1:
                ranks[:k] = sort(ranks[:k])
            if axon and ka > 1:
                axon_ranks[:ka] = sort(axon_ranks[:ka])
            return k, ka

        return spiking_loop

    def runs_event_loops(self):
        """Spike events (``pre_spike``…) run as one generated kernel per delay group."""
        return True

    def spike_event_loop(self, loop, source, names, args, rank_dtype):
        """``call(ranks, now, ref)``: the kernel of
        :class:`~annarray.codegen.jit_events.EventLoop` ``loop``
        (:mod:`annarray.codegen.cuda_events`, one block per spiking neuron) bound to ``args``
        (the arrays of ``names``; ``source``, the CPU's text, is not used)."""
        from annarray.codegen.cuda_events import EVENT_KERNEL_NAME, event_kernel_source

        by_name = dict(zip(names, args, strict=True))
        g = by_name.get("_g")
        if g is not None and any(a is g for n, a in by_name.items() if n.startswith("_src_")):
            # the threads would read the conductance while others add to it
            raise CompilationError("a spike event reads the conductance it increments")
        arrays = {n for n, a in by_name.items() if a.ndim > 0}
        types = {n: c_type(a.dtype) for n, a in by_name.items()}
        text = event_kernel_source(loop, names, arrays, types, c_type(rank_dtype), self.real)
        launch = self.function(text, EVENT_KERNEL_NAME)

        def call(ranks, now, ref):
            n = int(ranks.shape[0])
            launch(n * BLOCK, np.int32(n), ranks, np.int64(now), np.int64(ref), *args)

        return call

    def delivers_spikes(self):
        """Spike delivery through the padded tables is one kernel (:meth:`spike_delivery`)."""
        return True

    def spike_delivery(self, g, row_of, w_rows, rank_dtype, post_table=None):
        """``deliver(ranks)`` adding, for each rank, its row of weights ``w_rows[row_of[rank]]``
        to ``g`` at ``post_table[row_of[rank]]`` or, without ``post_table``, to the whole of
        ``g`` in order (``kernels/spike_tables.cu``, one block per spike)."""
        xp = self.xp
        w_rows = xp.ascontiguousarray(w_rows)
        width = int(w_rows.shape[1])
        header = (f"#define RANK_T {c_type(rank_dtype)}\n#define ROW_T {c_type(row_of.dtype)}\n"
                  f"#define POST_T {c_type(post_table.dtype if post_table is not None else np.int32)}\n"
                  '#include "spike_tables.cu"\n')
        if post_table is None:
            launch, tables = self.function(header, "deliver_full"), (w_rows, g)
        else:
            launch, tables = self.function(header, "deliver_table"), (xp.ascontiguousarray(post_table), w_rows, g)

        def deliver(ranks):
            n = int(ranks.shape[0])
            launch(n * BLOCK, np.int32(n), ranks, row_of, np.int32(width), *tables)

        return deliver

    # -- arrays -------------------------------------------------------------------------
    def asarray(self, values, dtype=None):
        return self.xp.asarray(values, dtype=dtype)

    def to_host(self, array):
        """Copy of ``array`` as a NumPy array on the host."""
        if hasattr(array, "get"):  # a device array (cupy.ndarray, or strict emulation's)
            return array.get()
        return np.array(array, copy=True)

    def index_dtype(self, n):
        return np.int32 if n < 2**31 - 1 else np.int64

    def gather(self, source, indices, out):
        """``out[:] = source[indices]``."""
        self.xp.take(source, indices, out=out)

    def segment_ranges(self, starts, lengths, total=None):
        """Concatenation of ``arange(s, s + l)`` for each (s, l) (int64), with a search of
        each position's segment (CuPy's ``repeat`` takes no array of counts before v14)."""
        xp = self.xp
        if total is None:
            total = int(lengths.sum())
        if total == 0:
            return xp.zeros(0, dtype=np.int64)
        ends = xp.cumsum(lengths)
        k = xp.arange(total, dtype=np.int64)
        segment = xp.searchsorted(ends, k, side="right")
        return (starts[segment] + (k - (ends - lengths)[segment])).astype(np.int64)

    def scatter_add(self, target, indices, values):
        """``target[indices] += values`` with repeated indices accumulated."""
        if self.emulated:
            np.add.at(target, indices, values)
        else:
            import cupyx

            cupyx.scatter_add(target, indices, values)

    @staticmethod
    def _check_int32(count, what):
        if count > 2**31 - 1:
            raise InvalidConfiguration(f"{what}: {count} entries exceed the 32-bit indices of the cuda "
                                       "paradigm's kernels; split the projection")

    def csr_matvec_plan(self, shape, indptr, indices, data):
        """A callable ``(x, out)`` doing ``out += A @ x`` (``kernels/csr_matvec.cu``, a warp
        per row); ``data`` may change in place later."""
        xp = self.xp
        self._check_int32(int(indptr[-1]), "weighted sum")
        indptr, indices = xp.asarray(indptr, dtype=np.int32), xp.asarray(indices, dtype=np.int32)
        launch = self.kernel_file_function("csr_matvec.cu", "csr_matvec_add")
        rows = np.int32(shape[0])
        return lambda x, out: launch(32 * shape[0], rows, indptr, indices, data, x, out)

    def dense_matvec_add(self, matrix, x, out, tmp):
        """``out += matrix @ x`` (``tmp`` unused: the kernel adds in place)."""
        launch = self.kernel_file_function("csr_matvec.cu", "dense_matvec_add")
        launch(32 * matrix.shape[0], np.int32(matrix.shape[0]), np.int32(matrix.shape[1]), matrix, x, out)

    def reduce_rows(self, op, values, starts, out):
        """``out[k] = op(values[starts[k]:starts[k+1]])`` (the last segment to the end)."""
        key = (id(starts), int(starts.shape[0]), int(values.shape[0]))
        row_ptr = self._row_pointers.get(key)
        if row_ptr is None:  # once per segment layout (the step plan passes the same arrays)
            xp = self.xp
            self._check_int32(int(values.shape[0]), "segment reduction")
            row_ptr = xp.concatenate([xp.asarray(starts, dtype=np.int32),
                                      xp.asarray([values.shape[0]], dtype=np.int32)])
            self._row_pointers[key] = (starts, row_ptr)  # keeps starts alive: its id stays unique
        else:
            row_ptr = row_ptr[1]
        launch = self.kernel_file_function("row_reductions.cu", f"reduce_rows_{op}")
        launch(out.shape[0] * BLOCK, np.int32(out.shape[0]), row_ptr, values, out)  # a block per row

    # -- random numbers -------------------------------------------------------------------
    def new_generator(self, seed_sequence=None):
        """A :class:`PhiloxStream` keyed from ``seed_sequence`` (fresh entropy without one)."""
        if seed_sequence is None:
            seed_sequence = np.random.SeedSequence()
        return PhiloxStream(self.xp, seed_sequence.generate_state(2, np.uint32))

    def reseed(self, rng, seed_sequence):
        """Restarts :class:`PhiloxStream` ``rng`` in place from ``seed_sequence``."""
        rng.restart(seed_sequence.generate_state(2, np.uint32))

    def draw_op(self, rng, draw, out):
        """A no-argument call filling ``out`` with this step's values of ``draw`` (a
        :class:`~annarray.parser.items.RandomDraw`) from :class:`PhiloxStream` ``rng``."""
        if draw.kind not in ("uniform", "normal", "gamma", "binomial"):
            raise InvalidConfiguration(f"the cuda paradigm cannot draw from the distribution '{draw.kind}'")
        fill = self.kernel_file_function("random_fill.cu", f"fill_{draw.kind}")
        advance = self.kernel_file_function("clock.cu", "advance_clock")
        params = ()
        if draw.kind == "gamma":
            params = tuple(self.float_dtype(a) for a in draw.args)
        elif draw.kind == "binomial":
            params = (np.int32(draw.args[0]), np.float64(draw.args[1]))  # p in double in both precisions
        # the kernels write the state's float type; other buffers (binomial counts are int64)
        # receive a converted copy
        target = out if out.dtype == self.float_dtype else self.xp.empty(out.shape, dtype=self.float_dtype)
        size, slot, rest = np.int64(out.size), rng.slot(draw.name), (rng.counter, target) + params
        flat_size, copyto = out.size, self.xp.copyto

        def draw_into():
            fill(flat_size, size, rng.key0, rng.key1, slot, *rest)  # the keys change on reseed()
            advance(1, rng.counter)
            if target is not out:
                copyto(out, target, casting="unsafe")

        return draw_into
