"""Caches keyed on generated source.

* :func:`get_kernel`: compiled kernels in memory, keyed on (paradigm, precision, source,
  argument dtypes) — identical source is compiled once per process; a backend whose kernels
  hold on to it (its device, its module cache) adds itself to the key (``kernel_owner``).
* :class:`CodeCache`: generated code of each model on disk in the compile directory,
  keyed on a hash of the model text and of everything else that shapes its code, so that
  re-running an unchanged script skips SymPy. Files are written atomically.
"""

import hashlib
import logging
import os
import pickle
import tempfile

__all__ = ["get_kernel", "CodeCache", "clear_memory_cache", "model_hash", "CACHE_VERSION"]

logger = logging.getLogger(__name__)

CACHE_VERSION = "2"
_kernels = {}


def get_kernel(backend, source, arg_names, arg_dtypes):
    """The compiled element-wise kernel for ``source`` (built on first request)."""
    key = (backend.paradigm, backend.precision, getattr(backend, "kernel_owner", None), source, tuple(arg_names),
           tuple(str(d) for d in arg_dtypes))
    kernel = _kernels.get(key)
    if kernel is None:
        kernel = _kernels[key] = backend.elementwise_kernel(source, arg_names, arg_dtypes)
    return kernel


def bind_kernel(backend, spec, ns, owner):
    """The kernel of ``spec`` bound to its arrays in ``ns`` (a no-argument call for the plan).

    :param owner: how to name the object in errors, e.g. "population 'pop0'".
    """
    try:
        args = [ns[a] for a in spec.args]
    except KeyError as err:
        from annarray.errors import NetworkError

        raise NetworkError(f"{owner}: kernel reads unknown array {err}") from None
    return get_kernel(backend, spec.source, spec.args, [a.dtype for a in args]).bind(args, ns[spec.target])


def clear_memory_cache():
    _kernels.clear()


def model_hash(*parts):
    """Hex digest identifying generated code (model text, dt, method, versions…)."""
    from importlib.metadata import version  # not importing SymPy keeps a warm compile fast

    text = repr((CACHE_VERSION, version("sympy"), version("numexpr")) + parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class CodeCache:
    """Generated code pickled in ``<directory>/cache/<key>.pkl``.

    A file that cannot be read (truncated, older format) counts as a miss.
    """

    def __init__(self, directory):
        self.directory = os.path.join(directory, "cache")
        self._memory = {}

    def get(self, key):
        if key in self._memory:
            return self._memory[key]
        path = os.path.join(self.directory, key + ".pkl")
        try:
            with open(path, "rb") as f:
                value = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None
        self._memory[key] = value
        return value

    def put(self, key, value):
        self._memory[key] = value
        try:
            os.makedirs(self.directory, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, os.path.join(self.directory, key + ".pkl"))
        except OSError as err:
            logger.warning("could not write the compile cache in %s: %s", self.directory, err)
