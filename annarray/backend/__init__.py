"""The array backend: the only package that knows whether ``xp`` is NumPy or CuPy.

Everything else asks :func:`get_backend` for the current :class:`~annarray.backend.cpu.CPUBackend`
(or, later, a GPU backend) and uses its ``xp`` namespace and its few operations that differ
between the array libraries (element-wise kernel building, scatter-add, host copies).
"""

import logging

from annarray.backend.cpu import CPUBackend

__all__ = ["get_backend", "select_backend", "CPUBackend"]

logger = logging.getLogger(__name__)

_current = None


def select_backend(paradigm="openmp", precision="double", num_threads=1, jit=True):
    """Creates the backend for ``paradigm`` ('openmp' → NumPy + numexpr) and makes it current."""
    global _current
    from annarray.errors import InvalidConfiguration

    if paradigm == "openmp":
        backend = CPUBackend(precision=precision, num_threads=num_threads, jit=jit)
    else:
        raise InvalidConfiguration(
            f"paradigm '{paradigm}' has no backend in this version of annarray; "
            "use setup(paradigm='openmp')."
        )
    _current = backend
    return backend


def get_backend():
    """The current backend, created from the configuration on first use."""
    if _current is None:
        from annarray import config

        return select_backend(
            config.get_config("paradigm"),
            config.get_config("precision"),
            config.get_config("num_threads"),
            config.get_config("jit"),
        )
    return _current
