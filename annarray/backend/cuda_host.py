"""The CUDA kernel modules built for the CPU: how annarray checks its GPU code without a GPU.

:func:`host_module` compiles a module's text (:func:`~annarray.backend.cuda_source.module_source`)
with the host C++ compiler and ``ANNARRAY_HOST`` defined (see ``kernels/annarray_device.cuh``):
each ``ANN_KERNEL`` becomes a C function whose grid-stride loop visits the elements in order.
Its functions take NumPy arrays where the kernel takes device pointers and NumPy scalars
(``np.int32(n)``, ``np.float64(dt)``) where it takes values, as CuPy's ``RawKernel`` does, and
the arithmetic is the same element by element, so the CPU build's results are what the GPU
computes, up to the order of atomic additions and fused multiply-adds.

:func:`device_check` compiles the same text for the GPU with ``nvcc`` (no device needed), and
:func:`nvrtc_check` with NVRTC, the run-time compiler CuPy uses (no C library headers).
Neither is used to run simulations; the tests use them.
"""

import ctypes
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from annarray.errors import CompilationError

__all__ = ["HostModule", "host_module", "device_check", "nvrtc_check", "nvrtc_library", "host_compiler", "nvcc"]

_SCALARS = {
    np.dtype(np.int32): ctypes.c_int32,
    np.dtype(np.int64): ctypes.c_int64,
    np.dtype(np.uint32): ctypes.c_uint32,
    np.dtype(np.uint64): ctypes.c_uint64,
    np.dtype(np.float64): ctypes.c_double,
    np.dtype(np.float32): ctypes.c_float,
    np.dtype(np.bool_): ctypes.c_bool,
}


def host_compiler():
    """Path of the C++ compiler (``$CXX``, else ``c++`` or ``g++``), or None."""
    for name in (os.environ.get("CXX"), "c++", "g++"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def nvcc():
    """Path of ``nvcc``, or None."""
    return shutil.which("nvcc")


def _build_directory():
    path = Path(tempfile.gettempdir()) / f"annarray-cuda-host-{os.getuid() if hasattr(os, 'getuid') else 0}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _run(command, what):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise CompilationError(f"{what} failed:\n{result.stderr.strip()[:4000]}")


#: NumPy dtype of each C type a kernel parameter may have
_C_DTYPES = {"int": np.int32, "long long": np.int64, "unsigned int": np.uint32, "unsigned long long": np.uint64,
             "double": np.float64, "float": np.float32, "bool": np.bool_, "signed char": np.int8,
             "unsigned char": np.uint8}


def kernel_parameters(source, name):
    """``[(dtype, is_pointer), …]`` of kernel ``name``'s parameters in module text ``source``
    (``ann_real`` and ``#define``d type names resolved; None for a type not known here)."""
    match = re.search(r"ANN_KERNEL\s+void\s+" + re.escape(name) + r"\s*\(([^)]*)\)", source)
    if match is None:
        return None
    aliases = dict(re.findall(r"#define\s+(\w+)\s+([\w ]+?)\s*$", source, re.MULTILINE))
    real = re.search(r"typedef\s+(double|float)\s+ann_real;", source)
    aliases["ann_real"] = real.group(1) if real else "double"
    params = []
    for text in match.group(1).split(","):
        words = text.replace("*", " * ").replace("const", " ").split()
        pointer = "*" in words
        ctype = " ".join(w for w in words[:-1] if w != "*")
        ctype = aliases.get(ctype, ctype)
        params.append((_C_DTYPES.get(ctype), pointer))
    return params


class HostFunction:
    """One kernel of a :class:`HostModule`, called with NumPy arrays and NumPy scalars.

    Each argument is checked against the kernel's parameter, as the GPU needs: CuPy packs a
    scalar by its NumPy type and hands a kernel the array's memory as it is, so a scalar or
    an array of another type than the parameter's would be misread on the GPU (the CPU's
    calling convention would hide it)."""

    def __init__(self, function, name, params=None):
        self._function = function
        self.name = name
        self.params = params
        function.restype = None

    def _check(self, args):
        if self.params is None:
            return
        if len(args) != len(self.params):
            raise CompilationError(f"{self.name}: {len(args)} arguments for {len(self.params)} parameters")
        for position, (arg, (dtype, pointer)) in enumerate(zip(args, self.params, strict=True)):
            if dtype is None:
                continue
            if pointer != isinstance(arg, np.ndarray) or np.dtype(arg.dtype) != np.dtype(dtype):
                got = f"array of {arg.dtype}" if isinstance(arg, np.ndarray) else f"{type(arg).__name__}"
                want = f"array of {np.dtype(dtype).name}" if pointer else np.dtype(dtype).name
                raise CompilationError(f"{self.name}: argument {position} is {got}, the kernel takes {want}")

    def __call__(self, *args):
        self._check(args)
        converted = []
        for position, arg in enumerate(args):
            if isinstance(arg, np.ndarray):
                if not arg.flags.c_contiguous:
                    raise CompilationError(f"{self.name}: argument {position} is not a contiguous array")
                converted.append(ctypes.c_void_p(arg.ctypes.data))
            elif isinstance(arg, np.generic) and arg.dtype in _SCALARS:
                converted.append(_SCALARS[arg.dtype](arg.item()))
            else:
                raise CompilationError(
                    f"{self.name}: argument {position} is {type(arg).__name__}; pass a NumPy array or a "
                    "NumPy scalar of the kernel's type (np.int32(...), np.float64(...)), as for a RawKernel")
        self._function(*converted)


class HostModule:
    """A kernel module compiled for the CPU; ``module['name']`` is its kernel ``name``."""

    def __init__(self, library, source):
        self._library = library
        self.source = source

    def __getitem__(self, name):
        try:
            return HostFunction(getattr(self._library, name), name, kernel_parameters(self.source, name))
        except AttributeError:
            raise CompilationError(f"the kernel module defines no kernel '{name}'") from None


_modules = {}


def host_module(source):
    """:class:`HostModule` of the module text ``source`` (compiled once per text and process)."""
    key = hashlib.sha256(source.encode()).hexdigest()[:24]
    if key in _modules:
        return _modules[key]
    compiler = host_compiler()
    if compiler is None:
        raise CompilationError("no C++ compiler found (set CXX) to build CUDA kernels for the CPU")
    directory = _build_directory()
    library = directory / f"module_{key}.so"
    if not library.exists():
        source_file = directory / f"module_{key}.cpp"
        source_file.write_text(source)
        partial = directory / f"module_{key}.{os.getpid()}.so"
        _run([compiler, "-O2", "-fPIC", "-shared", "-DANNARRAY_HOST", "-ffp-contract=off", "-o", str(partial),
              str(source_file)], "building the kernel module for the CPU")
        os.replace(partial, library)
    module = _modules[key] = HostModule(ctypes.CDLL(str(library)), source)
    return module


def device_check(source, arch="sm_80"):
    """Compiles module text ``source`` for the GPU with ``nvcc`` (to PTX, which needs no
    device) and returns the PTX; raises CompilationError with nvcc's messages on errors."""
    compiler = nvcc()
    if compiler is None:
        raise CompilationError("nvcc is not installed")
    key = hashlib.sha256((arch + source).encode()).hexdigest()[:24]
    directory = _build_directory()
    done = directory / f"device_{key}.ptx"
    if done.exists():  # compiled before (the PTX of one text never changes)
        return done.read_text()
    source_file, ptx = directory / f"device_{key}.cu", directory / f"device_{key}.{os.getpid()}.ptx"
    source_file.write_text(source)
    _run([compiler, "-ptx", f"-arch={arch}", "-o", str(ptx), str(source_file)], "nvcc")
    os.replace(ptx, done)
    return done.read_text()


def nvrtc_library():
    """Path of the NVRTC library: ``$ANNARRAY_NVRTC``, else the one of the pip package
    ``nvidia-cuda-nvrtc`` if installed, else None."""
    path = os.environ.get("ANNARRAY_NVRTC")
    if path:
        return path if Path(path).exists() else None
    try:
        import nvidia  # namespace package of NVIDIA's pip wheels
    except ImportError:
        return None
    for root in getattr(nvidia, "__path__", []):
        for candidate in sorted(Path(root).glob("*/lib/libnvrtc.so*")):
            if "builtins" not in candidate.name:
                return str(candidate)
    return None


def nvrtc_check(source, arch="compute_80", options=("--std=c++14", "--fmad=false")):
    """Compiles module text ``source`` with NVRTC as ``cupy.RawModule`` does (no device needed)
    and returns the PTX; raises CompilationError with NVRTC's log on errors."""
    path = nvrtc_library()
    if path is None:
        raise CompilationError("NVRTC is not installed (pip install nvidia-cuda-nvrtc, or set ANNARRAY_NVRTC)")
    lib = ctypes.CDLL(path)
    program = ctypes.c_void_p()
    if lib.nvrtcCreateProgram(ctypes.byref(program), source.encode(), b"module.cu", 0, None, None) != 0:
        raise CompilationError("nvrtcCreateProgram failed")
    try:
        flags = [f"--gpu-architecture={arch}".encode(), *(o.encode() for o in options)]
        status = lib.nvrtcCompileProgram(program, len(flags), (ctypes.c_char_p * len(flags))(*flags))
        size = ctypes.c_size_t()
        lib.nvrtcGetProgramLogSize(program, ctypes.byref(size))
        log = ctypes.create_string_buffer(size.value)
        lib.nvrtcGetProgramLog(program, log)
        if status != 0:
            raise CompilationError(f"NVRTC failed:\n{log.value.decode(errors='replace')[:4000]}")
        lib.nvrtcGetPTXSize(program, ctypes.byref(size))
        ptx = ctypes.create_string_buffer(size.value)
        lib.nvrtcGetPTX(program, ptx)
        return ptx.value.decode()
    finally:
        lib.nvrtcDestroyProgram(ctypes.byref(program))
