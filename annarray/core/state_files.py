"""Files holding the saved state of networks, populations and projections.

A state file holds one dictionary (nested dictionaries, strings, Python scalars, tuples,
lists of names and NumPy arrays, object arrays of 1-D arrays for ragged per-dendrite data).
The format follows the file name, as the reference's ``save()``:

* ``.npz``: ``numpy.savez_compressed`` (one entry per key of the top-level dictionary;
  nested dictionaries are pickled inside, so reading needs ``allow_pickle``);
* ``.mat``: MATLAB file (``scipy.io.savemat``; read back with ``scipy.io.loadmat``);
* ``.h5`` / ``.hdf5``: HDF5 (h5py): dictionaries become groups, values datasets, with a
  ``kind`` attribute each so that the Python types come back as they were;
* ``.gz`` (e.g. ``net.data.gz``): pickle compressed with gzip;
* anything else (``.data``, ``.pickle``, ``.txt``…): pickle.

Writing is atomic: the data goes to a temporary file in the same folder, which then
replaces the target (``os.replace``); an interrupted write leaves the previous file as it was.
"""

import contextlib
import gzip
import os
import pickle
import tempfile

import numpy as np

from annarray.errors import NetworkError

__all__ = ["StateFileError", "StateMismatchError", "STATE_KEY", "file_format", "write_state_file", "read_state_file", "atomic_write",
           "write_h5_items"]


STATE_KEY = "annarray_state"  # annarray's additions in each object's entry (a valid MATLAB name)


class StateFileError(NetworkError):
    """A state file that cannot be written or read: missing, unreadable, corrupted, or not
    holding what ``save()`` writes."""


class StateMismatchError(NetworkError):
    """A state file whose content does not fit the network (objects, sizes, targets)."""


def file_format(filename):
    """'npz', 'mat', 'h5', 'gzip' or 'pickle', from the end of ``filename``."""
    name = os.path.basename(str(filename)).lower()
    for ending, fmt in ((".npz", "npz"), (".mat", "mat"), (".h5", "h5"), (".hdf5", "h5"), (".gz", "gzip")):
        if name.endswith(ending):
            return fmt
    return "pickle"


# -- writing ------------------------------------------------------------------------------

def atomic_write(filename, writer, what="file"):
    """Calls ``writer(fileobj)`` on a temporary file next to ``filename``, then renames it to
    ``filename``. The folder is created if needed.

    :raises StateFileError: the writer or the file system failed; ``filename`` is unchanged
        and the temporary file removed.
    """
    filename = os.fspath(filename)
    folder = os.path.dirname(os.path.abspath(filename))
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(filename)}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise StateFileError(f"cannot write the {what} '{filename}': {exc}") from None
    try:
        with os.fdopen(fd, "w+b") as f:  # h5py reads back what it writes
            writer(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _default_mode())
        os.replace(tmp, filename)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, Exception):
            raise StateFileError(f"cannot write the {what} '{filename}' ({type(exc).__name__}: {exc}); "
                                 "the previous file, if any, is unchanged") from exc
        raise


def _default_mode():
    """Permissions of a new file (0o666 minus the umask), as ``open()`` would give it."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_state_file(filename, data):
    """Writes the dictionary ``data`` to ``filename`` in the format of its extension."""
    fmt = file_format(filename)
    writers = {"npz": _write_npz, "mat": _write_mat, "h5": _write_h5, "gzip": _write_gzip,
               "pickle": _write_pickle}
    atomic_write(filename, lambda f: writers[fmt](f, data), "state file")


def _write_pickle(f, data):
    pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)


def _write_gzip(f, data):
    with gzip.GzipFile(fileobj=f, mode="wb") as zf:
        pickle.dump(data, zf, protocol=pickle.HIGHEST_PROTOCOL)


def _write_npz(f, data):
    np.savez_compressed(f, **{key: _npz_value(value) for key, value in data.items()})


def _npz_value(value):
    if isinstance(value, dict):
        holder = np.empty((), dtype=object)
        holder[()] = value
        return holder
    return value


def _write_mat(f, data):
    from scipy.io import savemat

    savemat(f, data, long_field_names=True)


# -- reading ------------------------------------------------------------------------------

def read_state_file(filename, pickle_encoding=None):
    """The dictionary stored in ``filename`` (format from the extension).

    :param pickle_encoding: encoding of Python 2 strings in pickles (as ``pickle.load``).
    :raises StateFileError: missing file, unreadable or corrupted content, not a dictionary.
    """
    filename = os.fspath(filename)
    if not os.path.isfile(filename):
        raise StateFileError(f"the state file '{filename}' does not exist")
    fmt = file_format(filename)
    readers = {"npz": _read_npz, "mat": _read_mat, "h5": _read_h5, "gzip": _read_gzip,
               "pickle": _read_pickle}
    try:
        data = readers[fmt](filename, pickle_encoding)
    except Exception as exc:  # any unreadable content
        raise StateFileError(f"cannot read the state file '{filename}' as a {fmt} file "
                             f"({type(exc).__name__}: {exc}); it is corrupted or not a saved state") from None
    if not isinstance(data, dict):
        raise StateFileError(f"the state file '{filename}' holds a {type(data).__name__}, not the "
                             "dictionary save() writes")
    return data


def _encoding(pickle_encoding):
    return "ASCII" if pickle_encoding is None else pickle_encoding


def _read_pickle(filename, pickle_encoding):
    with open(filename, "rb") as f:
        return pickle.load(f, encoding=_encoding(pickle_encoding))


def _read_gzip(filename, pickle_encoding):
    with gzip.open(filename, "rb") as f:
        return pickle.load(f, encoding=_encoding(pickle_encoding))


def _read_npz(filename, pickle_encoding):
    with np.load(filename, allow_pickle=True, encoding=_encoding(pickle_encoding)) as f:
        return {key: _npz_item(f[key]) for key in f.files}


def _npz_item(value):
    if value.dtype == object and value.ndim == 0:
        return value.item()
    return value


def _read_mat(filename, pickle_encoding):
    from scipy.io import loadmat

    data = loadmat(filename, squeeze_me=True, simplify_cells=True)
    return {k: v for k, v in data.items() if not k.startswith("__")}


# -- HDF5 ---------------------------------------------------------------------------------

def _write_h5(f, data):
    import h5py

    with h5py.File(f, "w") as root:
        for key, value in data.items():
            _h5_put(root, key, value)


def write_h5_items(f, items):
    """Writes ``(path, value)`` pairs into a new HDF5 file ``f`` (a path or a binary file
    object); a path with ``/`` creates the intermediate groups."""
    import h5py

    with h5py.File(f, "w") as root:
        for path, value in items:
            *groups, key = str(path).strip("/").split("/")
            group = root
            for name in groups:
                group = group.require_group(name)
                group.attrs["kind"] = "dict"
            _h5_put(group, key, value)


def _h5_put(group, key, value):
    """Stores ``value`` under ``group[key]`` with a ``kind`` attribute saying its Python type."""
    import h5py

    key = str(key)
    if "/" in key or key in ("", "."):
        raise TypeError(f"the name {key!r} cannot be stored in an HDF5 file (it holds '/' or is empty)")
    if isinstance(value, dict):
        sub = group.create_group(key)
        sub.attrs["kind"] = "dict"
        for k, v in value.items():
            _h5_put(sub, k, v)
        return
    kind, stored = _h5_encode(value)
    if kind == "ragged":
        sub = group.create_group(key)
        sub.attrs["kind"] = "ragged"
        sub.create_dataset("values", data=stored[0])
        sub.create_dataset("lengths", data=stored[1])
        sub.create_dataset("shape", data=np.asarray(value.shape, dtype=np.int64))
        return
    if kind in ("str", "strlist"):
        dset = group.create_dataset(key, data=stored, dtype=h5py.string_dtype())
    else:
        dset = group.create_dataset(key, data=stored)
    dset.attrs["kind"] = kind


def _h5_encode(value):
    """(kind, data to store) of a value of the types a state dictionary holds."""
    if isinstance(value, str):
        return "str", value
    if isinstance(value, (bool, np.bool_)):
        return "bool", np.bool_(value)
    if isinstance(value, (int, np.integer)):
        return "int", np.asarray(value, dtype=np.int64 if isinstance(value, int) else value.dtype)
    if isinstance(value, (float, np.floating)):
        return "float", np.asarray(value, dtype=np.float64 if isinstance(value, float) else value.dtype)
    if isinstance(value, tuple):
        return "tuple", np.asarray(value, dtype=np.int64).reshape(-1)
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return "strlist", np.array(value, dtype=object).reshape(-1)
        return "list", np.asarray(value)
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            parts = [np.ravel(np.asarray(v)) for v in value.reshape(-1)]
            dtype = parts[0].dtype if parts else np.float64
            values = np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)
            return "ragged", (values, np.array([p.size for p in parts], dtype=np.int64))
        if value.dtype.kind == "U":
            return "strlist", np.array(value.reshape(-1).tolist(), dtype=object)
        return "array", value
    raise TypeError(f"a value of type {type(value).__name__} cannot be stored in an HDF5 state file")


def _read_h5(filename, pickle_encoding):
    import h5py

    with h5py.File(filename, "r") as root:
        return {key: _h5_get(root[key]) for key in root}


def _h5_get(node):
    kind = node.attrs.get("kind", "array")
    if isinstance(kind, bytes):
        kind = kind.decode()
    if kind == "dict":
        return {key: _h5_get(node[key]) for key in node}
    if kind == "ragged":
        values, lengths = node["values"][()], node["lengths"][()]
        out = np.empty(lengths.size, dtype=object)
        for i, part in enumerate(np.split(values, np.cumsum(lengths)[:-1]) if lengths.size else []):
            out[i] = part
        return out.reshape(tuple(node["shape"][()])) if "shape" in node else out
    data = node[()]
    if kind == "str":
        return data.decode() if isinstance(data, bytes) else str(data)
    if kind == "strlist":
        return [v.decode() if isinstance(v, bytes) else str(v) for v in np.ravel(data)]
    if kind in ("bool", "int", "float"):
        return data.item() if kind != "float" or data.dtype == np.float64 else data[()]
    if kind == "tuple":
        return tuple(int(v) for v in data)
    if kind == "list":
        return data.tolist()
    return data
