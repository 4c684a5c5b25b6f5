"""The array backend: the only package that knows whether ``xp`` is NumPy or CuPy.

Everything else asks :func:`get_backend` for the current :class:`~annarray.backend.cpu.CPUBackend`
or :class:`~annarray.backend.cuda.CudaBackend` and uses its ``xp`` namespace and its few operations that differ
between the array libraries (element-wise kernel building, scatter-add, host copies).
"""

import logging

from annarray.backend.cpu import CPUBackend

__all__ = ["get_backend", "select_backend", "CPUBackend"]

logger = logging.getLogger(__name__)

_current = None


def select_backend(paradigm="openmp", precision="double", num_threads=1, jit=True, device=0):
    """Creates the backend for ``paradigm`` and makes it current: 'openmp' → NumPy + numexpr
    and compiled loops, 'cuda' → CuPy + CUDA kernels on GPU ``device`` (or, with
    ``ANNARRAY_CUDA_MODE=emulate``, the same kernels built for the CPU)."""
    global _current
    from annarray import config
    from annarray.errors import InvalidConfiguration

    if paradigm == "openmp":
        backend = CPUBackend(precision=precision, num_threads=num_threads, jit=jit)
    elif paradigm == "cuda":
        from annarray.backend.cuda import CudaBackend

        mode = config.cuda_mode()
        if mode is None:
            raise InvalidConfiguration(
                "the cuda paradigm's kernels have not yet been run on a GPU in this version of annarray "
                "(they are checked on the CPU only); set ANNARRAY_CUDA_MODE=gpu to use them anyway, "
                "ANNARRAY_CUDA_MODE=emulate to run them on the CPU, or use setup(paradigm='openmp')")
        backend = CudaBackend(precision=precision, device=device, emulate=config.cuda_emulated(),
                              strict=(mode == "strict"))
    else:
        raise InvalidConfiguration(f"paradigm '{paradigm}' is unknown; use 'openmp' or 'cuda'")
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
            config.get_config("cuda_device"),
        )
    return _current
