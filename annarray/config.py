"""Global configuration of annarray: ``setup()``, ``get_config()``, seeds and threads.

The configuration is one module-level dictionary, built in four layers, each overriding
the previous one:

1. the defaults (``dt=1.0`` ms, ``num_threads=1``, ``paradigm='openmp'``, ...);
2. the user configuration file ``~/.config/annarray/annarray.json`` (the environment
   variable ``ANNARRAY_CONFIG_FILE`` names another file), with optional sections
   ``openmp`` (``num_threads``) and ``cuda`` (``device``);
3. the command-line flags of the running script, read once when this module is imported:
   ``-j N`` / ``-jN`` (thread count), ``--gpu`` / ``--gpu=N`` (CUDA paradigm, device N),
   ``--clean``, ``--seed N`` / ``--seed=N`` and ``--verbose``. Every other flag belongs to
   the user's script: ``sys.argv`` is never modified, and unknown flags are ignored
   silently;
4. the calls to :func:`setup`.

The thread count is fixed: it is applied to numexpr and, through threadpoolctl, to the
BLAS/OpenMP thread pools, whatever ``OMP_NUM_THREADS`` or ``NUMEXPR_NUM_THREADS`` say.

Random numbers: :func:`set_seed` seeds NumPy's global generator (as the reference does)
and the generator returned by :func:`get_rng`; :func:`new_rng` hands out independent
generators derived from the seed, the same sequence of generators for the same seed.

This module imports nothing from annarray except :mod:`annarray.errors`, so it can be
imported on its own.
"""

import argparse
import copy
import json
import logging
import math
import numbers
import os
import sys

import numpy as np

from annarray.errors import InvalidConfiguration

__all__ = [
    "setup",
    "get_config",
    "set_seed",
    "get_rng",
    "new_rng",
    "dt",
    "apply_threads",
    "check_paradigm",
    "reset_config",
    "get_float_dtype",
    "config_file_path",
    "cli_flags",
    "file_config",
]

logger = logging.getLogger(__name__)

#: Numerical methods the equation language knows.
METHODS = (
    "explicit",
    "implicit",
    "semiimplicit",
    "exponential",
    "midpoint",
    "rk4",
    "event-driven",
)

#: Names accepted for ``sparse_matrix_format`` (mapped by the core to what it implements).
SPARSE_MATRIX_FORMATS = (
    "default",
    "auto",
    "lil",
    "csr",
    "ell",
    "ellr",
    "sell",
    "dense",
    "bsr",
    "coo",
    "hyb",
)

_CUDA_INSTALL_HINT = (
    "install the GPU extra: pip install 'annarray[cuda]' "
    "(CuPy for CUDA 12: cupy-cuda12x, CUDA 13: cupy-cuda13x)"
)

_DEFAULTS = {
    "dt": 1.0,
    "seed": -1,
    "num_threads": 1,
    "paradigm": "openmp",
    "precision": "double",
    "method": "explicit",
    "structural_plasticity": False,
    "sparse_matrix_format": "default",
    "sparse_matrix_storage_order": "post_to_pre",
    "verbose": False,
    "suppress_warnings": False,
    "show_time": False,
    "disable_parallel_rng": False,
    "debug": False,
    "profiling": False,
    "visible_cores": [],
    "only_int_idx_type": True,
    "cuda_device": 0,
    "clean": False,
    "jit": True,
}

#: The current configuration. Read it with :func:`get_config`, change it with :func:`setup`.
_config = copy.deepcopy(_DEFAULTS)


# ---------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _check_dt(value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidConfiguration(f"dt must be a positive number (ms), got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value <= 0.0:
        raise InvalidConfiguration(f"dt must be a positive number (ms), got {value!r}")
    return value


def _check_seed(value):
    if value is None:
        return -1
    if not _is_int(value):
        raise InvalidConfiguration(
            f"seed must be an integer between 0 and 2**32 - 1, or -1/None (not seeded), "
            f"got {value!r}"
        )
    value = int(value)
    if value == -1:
        return -1
    if not 0 <= value < 2**32:
        raise InvalidConfiguration(
            f"seed must be an integer between 0 and 2**32 - 1, or -1/None (not seeded), "
            f"got {value!r}"
        )
    return value


def _check_num_threads(value):
    if not _is_int(value) or int(value) < 1:
        raise InvalidConfiguration(f"num_threads must be a positive integer, got {value!r}")
    return int(value)


def _choice(key, choices):
    def check(value):
        if not isinstance(value, str) or value not in choices:
            raise InvalidConfiguration(
                f"{key} must be one of {', '.join(repr(c) for c in choices)}, got {value!r}"
            )
        return value

    return check


def _boolean(key):
    def check(value):
        if not isinstance(value, (bool, np.bool_)):
            raise InvalidConfiguration(f"{key} must be True or False, got {value!r}")
        return bool(value)

    return check


def _check_cuda_device(value):
    if not _is_int(value) or int(value) < 0:
        raise InvalidConfiguration(
            f"cuda_device must be a non-negative integer (the GPU's index), got {value!r}"
        )
    return int(value)


def _check_visible_cores(value):
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise InvalidConfiguration(
            f"visible_cores must be a list of non-negative integers, got {value!r}"
        )
    cores = list(value)
    if not all(_is_int(c) and int(c) >= 0 for c in cores):
        raise InvalidConfiguration(
            f"visible_cores must be a list of non-negative integers, got {value!r}"
        )
    return [int(c) for c in cores]


_VALIDATORS = {
    "dt": _check_dt,
    "seed": _check_seed,
    "num_threads": _check_num_threads,
    "paradigm": _choice("paradigm", ("openmp", "cuda")),
    "precision": _choice("precision", ("double", "float")),
    "method": _choice("method", METHODS),
    "structural_plasticity": _boolean("structural_plasticity"),
    "sparse_matrix_format": _choice("sparse_matrix_format", SPARSE_MATRIX_FORMATS),
    "sparse_matrix_storage_order": _choice(
        "sparse_matrix_storage_order", ("post_to_pre", "pre_to_post")
    ),
    "verbose": _boolean("verbose"),
    "suppress_warnings": _boolean("suppress_warnings"),
    "show_time": _boolean("show_time"),
    "disable_parallel_rng": _boolean("disable_parallel_rng"),
    "debug": _boolean("debug"),
    "profiling": _boolean("profiling"),
    "visible_cores": _check_visible_cores,
    "only_int_idx_type": _boolean("only_int_idx_type"),
    "cuda_device": _check_cuda_device,
    "clean": _boolean("clean"),
    "jit": _boolean("jit"),
}


def _unknown_key(key):
    return InvalidConfiguration(
        f"unknown configuration key {key!r}; valid keys are: {', '.join(sorted(_config))}"
    )


def _validate(kwargs):
    """Returns the validated values of ``kwargs`` (a new dict), or raises."""
    for key in kwargs:
        if key not in _VALIDATORS:
            raise _unknown_key(key)
    return {key: _VALIDATORS[key](value) for key, value in kwargs.items()}


# ---------------------------------------------------------------------------------------
# Public interface
# ---------------------------------------------------------------------------------------


def setup(**kwargs):
    """Sets configuration values, e.g. ``setup(dt=0.1, seed=42, num_threads=2)``.

    Keys: ``dt`` (ms, > 0), ``seed`` (int >= 0, or -1/None for not seeded),
    ``num_threads`` (> 0), ``paradigm`` ('openmp' or 'cuda'), ``precision`` ('double' or
    'float'), ``method`` (default numerical method), ``structural_plasticity``,
    ``sparse_matrix_format``, ``sparse_matrix_storage_order``, ``verbose``,
    ``suppress_warnings``, ``show_time``, ``disable_parallel_rng``, ``debug``,
    ``profiling``, ``visible_cores``, ``only_int_idx_type``, ``cuda_device``, ``clean``,
    ``jit`` (annarray's own: compile the CPU kernels into loops with numba, default True).

    All values are checked before any is applied: on an error
    (:class:`~annarray.errors.InvalidConfiguration`) the configuration is unchanged.
    Setting ``seed`` seeds the generators (:func:`set_seed`); setting ``num_threads``
    applies the thread count (:func:`apply_threads`); choosing ``paradigm='cuda'`` checks
    that CuPy and a CUDA device are available.
    """
    values = _validate(kwargs)

    paradigm = values.get("paradigm", _config["paradigm"])
    if paradigm == "cuda" and ("paradigm" in values or "cuda_device" in values) and not cuda_emulated():
        _check_cuda(values.get("cuda_device", _config["cuda_device"]))

    _config.update(values)
    if "num_threads" in values:
        apply_threads(values["num_threads"])
    if "seed" in values:
        set_seed(values["seed"])
    logger.debug("configuration updated: %s", values)


def get_config(key):
    """Returns the configuration value named ``key``."""
    if key not in _config:
        raise _unknown_key(key)
    return copy.copy(_config[key])


def dt():
    """Returns the discretization step (ms)."""
    return _config["dt"]


def get_float_dtype():
    """Returns the NumPy floating dtype of the configured precision (float64 or float32)."""
    return np.float32 if _config["precision"] == "float" else np.float64


# ---------------------------------------------------------------------------------------
# Random numbers
# ---------------------------------------------------------------------------------------

_seed_seq = None  # numpy.random.SeedSequence from which new_rng() spawns
_rng = None  # the generator returned by get_rng()
_use_seed_seq = True


def set_seed(seed, use_seed_seq=True):
    """Seeds the random number generators of annarray and NumPy.

    ``seed`` is an integer between 0 and 2**32 - 1; -1 or None means not seeded (fresh
    entropy, NumPy's global generator left alone). NumPy's global generator
    (``numpy.random.seed``) is seeded too, so values drawn with ``np.random`` are
    reproducible. ``use_seed_seq`` is accepted for compatibility with the reference;
    annarray always derives its generators through :class:`numpy.random.SeedSequence`.
    """
    global _seed_seq, _rng, _use_seed_seq
    seed = _check_seed(seed)
    _config["seed"] = seed
    _use_seed_seq = bool(use_seed_seq)
    if seed == -1:
        _seed_seq = np.random.SeedSequence()
    else:
        np.random.seed(seed)
        _seed_seq = np.random.SeedSequence(seed)
    _rng = np.random.Generator(np.random.PCG64(_seed_seq))


def get_rng():
    """Returns annarray's main :class:`numpy.random.Generator` (seeded by :func:`set_seed`;
    an unseeded one when no seed was set)."""
    global _rng, _seed_seq
    if _rng is None:
        _seed_seq = np.random.SeedSequence()
        _rng = np.random.Generator(np.random.PCG64(_seed_seq))
    return _rng


def new_rng():
    """Returns a fresh, independent :class:`numpy.random.Generator` derived from the seed.

    For a fixed seed, successive calls after :func:`set_seed` return the same sequence of
    generators; without a seed, the generators are seeded from fresh entropy.
    """
    if _seed_seq is None:
        get_rng()
    (child,) = _seed_seq.spawn(1)
    return np.random.Generator(np.random.PCG64(child))


def _reset_rng():
    """Forgets the generators (not seeded) without touching NumPy's global generator."""
    global _seed_seq, _rng
    _seed_seq = None
    _rng = None


# ---------------------------------------------------------------------------------------
# Threads
# ---------------------------------------------------------------------------------------

_thread_limiter = None  # keeps threadpoolctl's limits alive


def apply_threads(n):
    """Fixes the thread count of numexpr and of the BLAS/OpenMP thread pools to ``n``.

    The ``OMP_NUM_THREADS``/``NUMEXPR_NUM_THREADS`` environment variables do not matter.
    Thread pools of libraries loaded after this call are not covered: the core calls it
    again at compile time.
    """
    global _thread_limiter
    n = _check_num_threads(n)
    try:
        import numexpr
    except ImportError:  # pragma: no cover - numexpr is a dependency
        logger.debug("numexpr is not installed; its thread count is not set")
    else:
        max_threads = getattr(numexpr, "MAX_THREADS", n)
        if n > max_threads:
            logger.warning(
                "numexpr allows at most %d threads (NUMEXPR_MAX_THREADS); it will use %d",
                max_threads,
                max_threads,
            )
        numexpr.set_num_threads(min(n, max_threads))
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        logger.debug("threadpoolctl is not installed; BLAS threads are not limited")
    else:
        _thread_limiter = threadpool_limits(limits=n)


# ---------------------------------------------------------------------------------------
# Paradigm
# ---------------------------------------------------------------------------------------


def _check_cuda(device=None):
    """Raises InvalidConfiguration unless CuPy imports and a CUDA device (``device``) exists."""
    try:
        import cupy
    except Exception as exc:  # ImportError, or CUDA libraries that fail to load
        raise InvalidConfiguration(
            f"the 'cuda' paradigm needs CuPy, which cannot be imported ({exc}); "
            + _CUDA_INSTALL_HINT
        ) from exc
    try:
        count = int(cupy.cuda.runtime.getDeviceCount())
    except Exception as exc:
        raise InvalidConfiguration(
            f"the 'cuda' paradigm needs a GPU, but no CUDA device was found ({exc})"
        ) from exc
    if count == 0:
        raise InvalidConfiguration(
            "the 'cuda' paradigm needs a GPU, but no CUDA device was found"
        )
    if device is not None and device >= count:
        raise InvalidConfiguration(
            f"CUDA device {device} was requested, but only {count} CUDA device(s) "
            f"were found (valid: 0 to {count - 1})"
        )


def cuda_mode():
    """How the cuda paradigm runs, from the environment variable ``ANNARRAY_CUDA_MODE``:
    'gpu' (CuPy on the GPU), 'emulate' (the same CUDA kernels built for the CPU, on NumPy
    arrays: slow, for checking the GPU code without a GPU), 'strict' (emulated, refusing
    what CuPy refuses between host and device arrays) or None (not set)."""
    value = os.environ.get("ANNARRAY_CUDA_MODE", "").strip().lower()
    if value in ("", "0", "off"):
        return None
    if value not in ("gpu", "emulate", "strict"):
        raise InvalidConfiguration(f"ANNARRAY_CUDA_MODE must be 'gpu', 'emulate' or 'strict', not {value!r}")
    return value


def cuda_emulated():
    """Whether the cuda paradigm runs on the CPU (``ANNARRAY_CUDA_MODE`` 'emulate' or 'strict')."""
    return cuda_mode() in ("emulate", "strict")


def check_paradigm():
    """Checks that the configured paradigm can run here and returns its name.

    A ``--gpu`` flag is only recorded at import; this check (done by ``compile()``)
    raises :class:`~annarray.errors.InvalidConfiguration` when CuPy or the CUDA device
    is missing.
    """
    if _config["paradigm"] == "cuda" and not cuda_emulated():
        _check_cuda(_config["cuda_device"])
    return _config["paradigm"]


# ---------------------------------------------------------------------------------------
# Configuration file
# ---------------------------------------------------------------------------------------

#: Sections and keys of the configuration file that map onto configuration keys.
_FILE_KEYS = {
    ("openmp", "num_threads"): "num_threads",
    ("cuda", "device"): "cuda_device",
}


def config_file_path():
    """Path of the user configuration file (``ANNARRAY_CONFIG_FILE`` or the default)."""
    return os.environ.get("ANNARRAY_CONFIG_FILE") or os.path.expanduser(
        "~/.config/annarray/annarray.json"
    )


def _read_config_file():
    """Returns the content of the configuration file as a dict ({} if absent or bad)."""
    path = config_file_path()
    if not os.path.isfile(path):
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            content = json.load(f)
    except (OSError, ValueError) as exc:
        logger.warning("ignoring the configuration file %s: %s", path, exc)
        return {}
    if not isinstance(content, dict):
        logger.warning("ignoring the configuration file %s: it is not a JSON object", path)
        return {}
    for section in ("openmp", "cuda"):
        if section in content and not isinstance(content[section], dict):
            logger.warning(
                "ignoring the section %r of the configuration file %s: not a JSON object",
                section,
                path,
            )
            content = {k: v for k, v in content.items() if k != section}
    return content


def _file_settings(content):
    """Maps the configuration file's content onto validated configuration values."""
    settings = {}
    for (section, name), key in _FILE_KEYS.items():
        if name in content.get(section, {}):
            try:
                settings[key] = _VALIDATORS[key](content[section][name])
            except InvalidConfiguration as exc:
                logger.warning(
                    "ignoring %s.%s of the configuration file %s: %s",
                    section,
                    name,
                    config_file_path(),
                    exc,
                )
    return settings


# ---------------------------------------------------------------------------------------
# Command-line flags
# ---------------------------------------------------------------------------------------

_GPU_DEFAULT = "__annarray_default_device__"


class _FlagError(Exception):
    pass


class _FlagParser(argparse.ArgumentParser):
    """An ArgumentParser that neither prints nor exits."""

    def error(self, message):
        raise _FlagError(message)

    def exit(self, status=0, message=None):
        raise _FlagError(message or f"exit {status}")


def _parse_cli(argv):
    """Returns the configuration values requested by annarray's flags in ``argv``."""
    parser = _FlagParser(add_help=False, allow_abbrev=False, prog="annarray")
    parser.add_argument("-j", dest="num_threads", nargs="?", default=None, const=None)
    parser.add_argument("--gpu", dest="gpu", nargs="?", default=None, const=_GPU_DEFAULT)
    parser.add_argument("--clean", dest="clean", action="store_true", default=False)
    parser.add_argument("--seed", dest="seed", nargs="?", default=None, const=None)
    parser.add_argument("--verbose", dest="verbose", action="store_true", default=False)

    # '--gpu' takes its device only as '--gpu=N': a bare '--gpu' must not swallow the next
    # argument, which belongs to the script. The copy below gets the change, never sys.argv.
    args = [f"--gpu={_GPU_DEFAULT}" if a == "--gpu" else a for a in argv]
    try:
        options, _unknown = parser.parse_known_args(args)
    except _FlagError as exc:
        logger.warning("could not read annarray's command-line flags (%s); ignored", exc)
        return {}

    flags = {}
    if options.num_threads is not None:
        try:
            flags["num_threads"] = _check_num_threads(int(options.num_threads))
        except (ValueError, InvalidConfiguration):
            logger.warning(
                "ignoring -j %s: the thread count must be a positive integer",
                options.num_threads,
            )
    if options.gpu is not None:
        flags["paradigm"] = "cuda"
        if options.gpu != _GPU_DEFAULT:
            try:
                flags["cuda_device"] = _check_cuda_device(int(options.gpu))
            except (ValueError, InvalidConfiguration):
                logger.warning(
                    "ignoring the device of --gpu=%s: it must be a non-negative integer",
                    options.gpu,
                )
    if options.clean:
        flags["clean"] = True
    if options.seed is not None:
        try:
            flags["seed"] = _check_seed(int(options.seed))
        except (ValueError, InvalidConfiguration):
            logger.warning(
                "ignoring --seed %s: the seed must be an integer between 0 and 2**32 - 1",
                options.seed,
            )
    if options.verbose:
        flags["verbose"] = True
    return flags


# ---------------------------------------------------------------------------------------
# Building the configuration
# ---------------------------------------------------------------------------------------


def reset_config():
    """Restores the configuration: defaults, then the configuration file (read again),
    then the command-line flags read at import. Re-applies threads and seed."""
    global file_config
    _config.clear()
    _config.update(copy.deepcopy(_DEFAULTS))
    file_config = _read_config_file()
    _config.update(_file_settings(file_config))
    _config.update(copy.deepcopy(cli_flags))
    apply_threads(_config["num_threads"])
    if _config["seed"] == -1:
        _reset_rng()
    else:
        set_seed(_config["seed"])


#: Configuration values requested on the command line (parsed once, at import).
cli_flags = _parse_cli(list(getattr(sys, "argv", None) or [])[1:])

#: Content of the configuration file (a dict; {} when absent or malformed).
file_config = {}

reset_config()
