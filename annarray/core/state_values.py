"""Reading the loose values of state files: NumPy archives give every entry as an array,
MATLAB files squeeze single values and pad names, the reference writes lists of lists. These
helpers turn them into names, numbers and flat per-synapse arrays, or raise
:class:`~annarray.core.state_files.StateFileError`."""

import numpy as np

from annarray.core.state_files import StateFileError

__all__ = ["names", "text", "optional_int", "is_number", "numeric", "flatten_per_dendrite"]


def names(value):
    if value is None:
        return []
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    return [(v.decode() if isinstance(v, bytes) else str(v)).strip() for v in np.ravel(np.asarray(value, dtype=object))]


def text(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(-1)[0]
    return str(value).strip()


def optional_int(value, key, source):
    if value is None:
        return None
    try:
        arr = np.asarray(value)
        if arr.size != 1 or arr.dtype.kind not in "biuf" or arr.reshape(-1)[0] != int(arr.reshape(-1)[0]):
            raise ValueError(value)
        return int(arr.reshape(-1)[0])
    except (TypeError, ValueError):
        raise StateFileError(f"{source}: '{key}' should be an integer, got {value!r}") from None


def is_number(value):
    """A single number (Python or NumPy scalar, 0-d array), not a sequence."""
    return isinstance(value, (int, float, np.generic)) or (isinstance(value, np.ndarray) and value.ndim == 0)


def numeric(value, what, source):
    arr = np.asarray(value)
    if arr.dtype == object:
        try:
            arr = np.asarray(arr.tolist(), dtype=np.float64)
        except (TypeError, ValueError):
            raise StateFileError(f"{source}: {what} is not numeric") from None
    if arr.dtype.kind not in "biuf":
        raise StateFileError(f"{source}: {what} is not numeric (found {arr.dtype})")
    return arr


def flatten_per_dendrite(value, n, what, source):
    """Per-dendrite ``value`` (2-D array, list of lists, object array of arrays) for ``n``
    dendrites → ``(flat values, synapses per dendrite)``."""
    ragged = isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray) and value.dtype == object
                                                  and value.ndim == 1)
    if ragged:
        if len(value) != n:
            raise StateFileError(f"{source}: {what} holds {len(value)} dendrites, post_ranks {n}")
        parts = [np.ravel(numeric(v, what, source)) for v in value]
        lengths = np.array([p.size for p in parts], dtype=np.int64)
        flat = np.concatenate(parts) if parts else np.zeros(0)
        return flat, lengths
    flat = np.ravel(numeric(value, what, source))
    if n == 0 or flat.size % n:
        if n == 0 and flat.size == 0:
            return flat, np.zeros(0, dtype=np.int64)
        raise StateFileError(f"{source}: {what} holds {flat.size} values, which cannot be split into "
                             f"the {n} dendrites of post_ranks")
    return flat, np.full(n, flat.size // n, dtype=np.int64)
