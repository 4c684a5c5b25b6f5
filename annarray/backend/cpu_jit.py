"""Compiled loops on the CPU: generated Python source → machine code through numba.

A chain of NumPy calls costs 1–3 µs per call on small arrays, which bounds a spiking step
(a few dozen calls) far above what compiled simulators need. Where numba is installed (a
dependency of annarray; ``setup(jit=False)`` turns it off), the CPU backend compiles a
population's whole step — equations, spike condition, reset, refractory counters, spike
list — into one loop over the neurons, and spike delivery into one loop over the synapses
of the neurons that spiked.

Cache keyed on source: compiled functions stay in memory for the process (identical source
is compiled once), and their source is written to ``<cache>/<hash>.py`` so that numba keeps
the machine code next to it (``__pycache__``) and any later process that generates the same
loop (a rerun, another compile directory, a ``parallel_run`` worker, the same model in a
test) loads it instead of compiling. The cache is per machine and user
(:func:`cache_directory`); the compile directory gets a copy of each source to read.
"""

import hashlib
import importlib.util
import logging
import os
import sys
import tempfile
from functools import partial

from annarray.errors import CompilationError

__all__ = ["available", "compile_function", "bind", "cache_directory", "DELIVER_SOURCE", "DELIVER_FULL_SOURCE"]

logger = logging.getLogger(__name__)

_functions = {}  # (source, name) → numba dispatcher
_numba = []  # the numba module once imported, or None when it cannot be


def available():
    """Whether numba can be imported (imported on first call: it takes ~0.3 s)."""
    if not _numba:
        try:
            import numba
        except Exception as err:  # a broken install counts as absent
            logger.info("numba is not usable (%s): the CPU kernels run as NumPy calls", err)
            numba = None
        _numba.append(numba)
    return _numba[0] is not None


# error_model='numpy': a division by zero gives inf/nan as in NumPy, not an exception
_HEADER = "import numba\nimport numpy as np\n\n\n@numba.njit(nogil=True, cache={cache}, error_model='numpy')\n"


def compile_function(source, name, directory=None):
    """The numba dispatcher of function ``name`` defined by Python ``source``.

    :param directory: folder for the source file and numba's on-disk cache, or None (compiled
        in memory only).
    """
    key = (source, name)
    func = _functions.get(key)
    if func is None:
        func = _functions[key] = _load(source, name, directory)
    return func


def _load(source, name, directory):
    digest = hashlib.sha256(source.encode()).hexdigest()[:20]
    cache = cache_directory() or directory
    path = _write_source(source, cache, digest) if cache else None
    if directory and cache != directory:
        _write_source(source, directory, digest)  # a copy to read beside the other generated code
    if path is None:
        namespace = {}
        exec(compile(_HEADER.format(cache=False) + source, f"<annarray jit {digest}>", "exec"), namespace)
        return namespace[name]
    module_name = f"annarray_jit_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return getattr(module, name)


def _write_source(source, directory, digest):
    """``<directory>/<digest>.py`` holding ``source`` (written once: numba's cache is keyed
    on the file's time stamp), or None if the folder is not writable."""
    path = os.path.join(directory, f"{digest}.py")
    text = _HEADER.format(cache=True) + source
    try:
        with open(path) as f:
            if f.read() == text:
                return path
    except OSError:
        pass
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as err:
        logger.warning("could not write the JIT cache in %s (%s): compiling in memory", directory, err)
        return None
    return path


def cache_directory():
    """Folder of the compiled loops, keyed on their source: ``$ANNARRAY_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/annarray/jit`` (by default ``~/.cache/annarray/jit``); None when it
    cannot be created (then the compile directory holds the cache)."""
    root = os.environ.get("ANNARRAY_CACHE_DIR")
    if not root:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        root = os.path.join(base, "annarray", "jit")
    try:
        os.makedirs(root, exist_ok=True)
    except OSError:
        return None
    return root if os.access(root, os.W_OK) else None


def bind(func, args, later=()):
    """``func`` compiled for the types of ``args`` (then of the examples ``later`` of the
    arguments given at each call) and bound to ``args``.

    The bound arrays must keep their identity and dtype for the life of the binding, and the
    later arguments the types of their examples (the compiled entry point does not check
    them again at each call).
    """
    numba = _numba[0]
    try:
        entry = func.compile(tuple(numba.typeof(a) for a in list(args) + list(later)))
    except Exception as err:
        raise CompilationError(f"the compiled loop could not be built: {err}") from err
    return partial(entry, *args)


#: Spike delivery of ``g_target += w`` (constant weights): for each spiking neuron, its row
#: of postsynaptic ranks and weights in the padded tables (padding: rank 0, weight 0.0).
DELIVER_SOURCE = '''\
def deliver(g, row_of, post_table, w_table, ranks):
    width = post_table.shape[1]
    for r in range(ranks.shape[0]):
        row = row_of[ranks[r]]
        for j in range(width):
            g[post_table[row, j]] += w_table[row, j]
'''

#: The same when every row's targets are the whole conductance array in order (all-to-all
#: onto a whole population): each spike adds its row of weights as one contiguous vector,
#: in the order of the general loop (the same sums, bit for bit).
DELIVER_FULL_SOURCE = '''\
def deliver_full(g, row_of, w_table, ranks):
    width = w_table.shape[1]
    for r in range(ranks.shape[0]):
        row = row_of[ranks[r]]
        for j in range(width):
            g[j] += w_table[row, j]
'''
