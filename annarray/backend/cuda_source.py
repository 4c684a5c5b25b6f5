"""Assembles the text of a CUDA kernel module from the shipped sources and generated code.

Every module starts with ``typedef <double|float> ann_real;`` (the state precision) and the
shared header ``annarray_device.cuh``, then the kernel files of ``kernels/`` it names and the
generated text. The assembled text is the module's identity: the GPU backend's kernel cache
and the host build (:mod:`annarray.backend.cuda_host`) are keyed on it.
"""

import re
from functools import lru_cache
from importlib import resources

from annarray.errors import CompilationError

__all__ = ["HEADER", "kernel_file", "module_source", "real_type"]

HEADER = "annarray_device.cuh"

_INCLUDE = re.compile(r'^\s*#include\s+"([^"]+)"\s*$', re.MULTILINE)


@lru_cache(maxsize=None)
def kernel_file(name):
    """Text of ``kernels/<name>`` (a ``.cu`` or ``.cuh`` file shipped with annarray)."""
    try:
        return resources.files("annarray.kernels").joinpath(name).read_text()
    except FileNotFoundError:
        raise CompilationError(f"kernel source '{name}' is not among annarray's kernels/ files") from None


def real_type(dtype):
    """C name of the floating-point type of NumPy dtype ``dtype`` ('double' or 'float')."""
    name = getattr(dtype, "name", None) or str(dtype)
    if name in ("float64", "double", "<class 'numpy.float64'>"):
        return "double"
    if name in ("float32", "float", "<class 'numpy.float32'>"):
        return "float"
    raise CompilationError(f"no CUDA floating-point type for dtype {dtype!r} (use float64 or float32)")


def _expand(text, seen):
    """``text`` with its ``#include "file"`` lines replaced by the files of ``kernels/`` (once
    each: NVRTC has no search path for them)."""
    def include(match):
        name = match.group(1)
        if name in seen:
            return ""
        seen.add(name)
        return _expand(kernel_file(name), seen)

    return _INCLUDE.sub(include, text)


def module_source(*parts, real="double"):
    """The module text: ``ann_real`` typedef, the shared header, then ``parts`` in order.

    :param parts: names of files in ``kernels/`` (ending in ``.cu``/``.cuh``) or kernel text.
    :param real: 'double' or 'float', the type of ``ann_real``.
    """
    if real not in ("double", "float"):
        raise CompilationError(f"ann_real must be 'double' or 'float', not {real!r}")
    seen = {HEADER}
    texts = [f"typedef {real} ann_real;\n", kernel_file(HEADER)]
    for part in parts:
        if part.endswith((".cu", ".cuh")) and "\n" not in part:
            if part in seen:
                continue
            seen.add(part)
            part = kernel_file(part)
        texts.append(_expand(part, seen))
    return "\n".join(texts)
