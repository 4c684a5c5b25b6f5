"""The synapses of one projection as arrays, the ``LILConnectivity``/``CSR`` builder of
user-defined patterns, and connectivity files.

A :class:`Connectivity` groups synapses by postsynaptic neuron in CSR form: one row per
*dendrite* (a postsynaptic neuron with at least one synapse), columns are presynaptic ranks.
Ranks always count in the whole populations (not in views). Delays are in ms and not rounded.
"""

import gzip
import os
import pickle
from dataclasses import dataclass

import numpy as np

from annarray.errors import NetworkError

__all__ = ["Connectivity", "from_coo", "from_rows", "from_sorted", "LILConnectivity", "CSR",
           "save_connectivity", "load_connectivity", "index_dtype"]


def index_dtype(pre_size):
    """Dtype of presynaptic indices: int32 when ``pre_size < 2**31``, else int64."""
    return np.int32 if pre_size < 2**31 else np.int64


def _label(obj_name):
    """How messages name the object: ``projection 'proj0'``, or ``obj_name`` itself when it
    already says what it is (``connectivity file 'x.npz'``)."""
    if not obj_name:
        return "projection"
    return obj_name if " " in obj_name else f"projection '{obj_name}'"


@dataclass(eq=False)
class Connectivity:
    """Synapses of a projection in CSR form over dendrites.

    :param post_size: size of the postsynaptic *population* (rows of :meth:`to_scipy`).
    :param pre_size: size of the presynaptic *population* (columns).
    :param post_ranks: (size,) int64, ascending: postsynaptic ranks having synapses.
    :param indptr: (size + 1,) int64: synapses of dendrite ``k`` are ``indptr[k]:indptr[k+1]``.
    :param indices: (nnz,) presynaptic ranks, ascending and distinct within a dendrite.
    :param weights: one shared float, or a (nnz,) float64 array.
    :param delays: one shared float in ms, or a (nnz,) float64 array in ms.
    """

    post_size: int
    pre_size: int
    post_ranks: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    weights: object = 1.0
    delays: object = 0.0

    def __post_init__(self):
        self.post_size, self.pre_size = int(self.post_size), int(self.pre_size)
        self.post_ranks = np.asarray(self.post_ranks, dtype=np.int64)
        self.indptr = np.asarray(self.indptr, dtype=np.int64)
        self.indices = np.asarray(self.indices, dtype=index_dtype(self.pre_size))
        self.weights = _as_values(self.weights)
        self.delays = _as_values(self.delays)

    @property
    def nb_synapses(self):
        """Number of synapses."""
        return int(self.indptr[-1]) if len(self.indptr) else 0

    @property
    def size(self):
        """Number of dendrites (postsynaptic neurons with at least one synapse)."""
        return len(self.post_ranks)

    def row_lengths(self):
        """(size,) int64: number of synapses of each dendrite."""
        return np.diff(self.indptr)

    def post_indices(self):
        """(nnz,) int64: postsynaptic rank of each synapse."""
        return np.repeat(self.post_ranks, self.row_lengths())

    def full_indptr(self):
        """(post_size + 1,) int64 indptr over all postsynaptic neurons (for SciPy)."""
        counts = np.zeros(self.post_size + 1, dtype=np.int64)
        counts[self.post_ranks + 1] = self.row_lengths()
        return np.cumsum(counts)

    def weight_array(self):
        """(nnz,) float64 weights (a shared weight is broadcast)."""
        return _broadcast(self.weights, self.nb_synapses)

    def delay_array(self):
        """(nnz,) float64 delays in ms (a shared delay is broadcast)."""
        return _broadcast(self.delays, self.nb_synapses)

    def to_scipy(self, dtype=np.float64):
        """``scipy.sparse.csr_matrix`` of shape (post_size, pre_size) holding the weights."""
        from scipy.sparse import csr_matrix

        data = self.weight_array().astype(dtype, copy=False)
        return csr_matrix((data, self.indices.copy(), self.full_indptr()),
                          shape=(self.post_size, self.pre_size))

    @classmethod
    def from_scipy(cls, matrix, delays=0.0, obj_name=None):
        """Connectivity from a SciPy sparse matrix of shape (post_size, pre_size) whose stored
        entries (explicit zeros included) are the synapses and their weights."""
        coo = matrix.tocoo()
        post_size, pre_size = coo.shape
        return from_coo(post_size, pre_size, coo.row, coo.col,
                        np.asarray(coo.data, dtype=np.float64), delays, obj_name)

    def pre_ranks_list(self):
        """List (one per dendrite) of presynaptic rank arrays."""
        return np.split(self.indices, self.indptr[1:-1]) if self.size else []

    def to_dict(self):
        """The content of a connectivity file (see :func:`save_connectivity`)."""
        return {
            "post_ranks": self.post_ranks.copy(),
            "pre_ranks": self.pre_ranks_list(),
            "w": self._per_dendrite(self.weights),
            "delay": self._per_dendrite(self.delays),
            "size": self.size,
            "nb_synapses": self.nb_synapses,
            "pre_size": self.pre_size,
            "post_size": self.post_size,
        }

    def _per_dendrite(self, values):
        if isinstance(values, float):
            return values
        return np.split(values, self.indptr[1:-1]) if self.size else []

    def __repr__(self):
        return (f"Connectivity({self.nb_synapses} synapses on {self.size} dendrites, "
                f"post_size={self.post_size}, pre_size={self.pre_size})")


def _as_values(values):
    """A Python float, or a float64 array (1-D)."""
    if isinstance(values, np.ndarray) and values.ndim > 0:
        return np.ascontiguousarray(values, dtype=np.float64)
    if isinstance(values, (list, tuple)):
        return np.asarray(values, dtype=np.float64)
    return float(values)


def _broadcast(values, n):
    if isinstance(values, float):
        return np.full(n, values)
    return values


def _empty(post_size, pre_size, weights=1.0, delays=0.0):
    return Connectivity(post_size, pre_size, np.zeros(0, np.int64), np.zeros(1, np.int64),
                        np.zeros(0, index_dtype(pre_size)), weights, delays)


def from_rows(post_size, pre_size, post_ranks, lengths, indices, weights=1.0, delays=0.0):
    """Connectivity from rows: ``post_ranks`` (n,) ascending and distinct, ``lengths`` (n,)
    synapses per row, ``indices`` the rows' presynaptic ranks concatenated (ascending and
    distinct within a row; not checked). Empty rows are dropped."""
    post_ranks = np.asarray(post_ranks, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    keep = lengths > 0
    if not keep.all():
        post_ranks, lengths = post_ranks[keep], lengths[keep]
    indptr = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    return Connectivity(post_size, pre_size, post_ranks, indptr, indices, weights, delays)


def from_sorted(post_size, pre_size, post, pre, weights=1.0, delays=0.0):
    """Connectivity from per-synapse (post, pre) arrays already sorted by (post, pre) with no
    duplicates (not checked). ``weights``/``delays``: float or (nnz,) arrays."""
    post = np.asarray(post, dtype=np.int64)
    if post.size == 0:
        return _empty(post_size, pre_size, weights, delays)
    starts = np.flatnonzero(np.r_[True, post[1:] != post[:-1]])
    indptr = np.r_[starts, post.size].astype(np.int64)
    return Connectivity(post_size, pre_size, post[starts], indptr, pre, weights, delays)


def from_coo(post_size, pre_size, post, pre, weights=1.0, delays=0.0, obj_name=None):
    """Connectivity from per-synapse arrays in any order.

    :param post: (nnz,) postsynaptic ranks (whole population).
    :param pre: (nnz,) presynaptic ranks (whole population).
    :param weights: float or (nnz,) array, in the order of ``post``/``pre``.
    :param delays: float or (nnz,) array in ms.
    :raises NetworkError: ranks out of range, or the same (post, pre) pair twice.
    """
    post = np.asarray(post, dtype=np.int64).ravel()
    pre = np.asarray(pre, dtype=np.int64).ravel()
    weights, delays = _as_values(weights), _as_values(delays)
    _check_lengths(post, pre, weights, delays, obj_name)
    _check_range(post, post_size, "post", obj_name)
    _check_range(pre, pre_size, "pre", obj_name)
    key = post * pre_size + pre
    if key.size > 1 and not np.all(key[1:] > key[:-1]):
        key, order = _sort_with_order(key)
        post, pre = post[order], pre[order]
        weights = weights if isinstance(weights, float) else weights[order]
        delays = delays if isinstance(delays, float) else delays[order]
        dup = np.flatnonzero(key[1:] == key[:-1])
        if dup.size:
            i = dup[0]
            raise NetworkError(
                f"{_label(obj_name)}: the synapse from pre-synaptic neuron {pre[i]} to "
                f"post-synaptic neuron {post[i]} is declared more than once "
                f"({dup.size} duplicate(s)); declare each (pre, post) pair only once")
    return from_sorted(post_size, pre_size, post, pre, weights, delays)


def _sort_with_order(key):
    """(sorted key, permutation) of non-negative int64 keys. Packs key and position in one
    int64 when they fit (np.sort is much faster than np.argsort), else argsort."""
    n = key.size
    shift = int(n - 1).bit_length()
    if int(key.max()).bit_length() + shift <= 63:
        packed = (key << shift) | np.arange(n, dtype=np.int64)
        packed.sort()
        return packed >> shift, packed & ((1 << shift) - 1)
    order = np.argsort(key)
    return key[order], order


def _check_lengths(post, pre, weights, delays, obj_name):
    n = post.size
    if pre.size != n:
        raise NetworkError(f"{_label(obj_name)}: {n} post-synaptic ranks but {pre.size} "
                           "pre-synaptic ranks; give one of each per synapse")
    for name, values in (("weights", weights), ("delays", delays)):
        if not isinstance(values, float) and values.shape != (n,):
            raise NetworkError(f"{_label(obj_name)}: {name} has shape {values.shape}, expected "
                               f"one value per synapse ({n},) or a single number")


def _check_range(ranks, size, side, obj_name):
    if ranks.size and (ranks.min() < 0 or ranks.max() >= size):
        bad = ranks[(ranks < 0) | (ranks >= size)][0]
        raise NetworkError(f"{_label(obj_name)}: {side}-synaptic rank {bad} is outside the "
                           f"{side}-synaptic population (ranks 0 to {size - 1})")


# ---------------------------------------------------------------------------------------
# LILConnectivity / CSR: the builder returned by user-defined patterns
# ---------------------------------------------------------------------------------------

class LILConnectivity:
    """Synapses added one dendrite at a time, as user-defined patterns do
    (``connect_with_func``). Ranks count in the whole populations; delays are in ms."""

    def __init__(self):
        self._post = []
        self._pre = []
        self._w = []
        self._d = []
        self.nb_synapses = 0

    def add(self, rk_post, ranks_pre, weights=1.0, delays=0.0):
        """Adds the dendrite of postsynaptic neuron ``rk_post``.

        :param ranks_pre: presynaptic ranks (list or array of ints).
        :param weights: one value per rank, or one value (list of one, or a number) for all.
        :param delays: the same, in ms.
        """
        ranks = np.asarray(ranks_pre, dtype=np.int64).ravel()
        if ranks.size == 0:
            return
        self._post.append(int(rk_post))
        self._pre.append(ranks)
        self._w.append(self._values(weights, ranks.size, "weights", rk_post))
        self._d.append(self._values(delays, ranks.size, "delays", rk_post))
        self.nb_synapses += ranks.size

    push_back = add

    @staticmethod
    def _values(values, n, name, rk_post):
        arr = np.asarray(values, dtype=np.float64).ravel()
        if arr.size == 1:
            return np.full(n, arr[0])
        if arr.size != n:
            raise NetworkError(f"LILConnectivity.add(): post-synaptic neuron {rk_post} gets "
                               f"{n} ranks but {arr.size} {name}; give one value per rank or "
                               "a single value")
        return arr

    @property
    def size(self):
        """Number of dendrites added."""
        return len(self._post)

    @property
    def post_rank(self):
        return list(self._post)

    @property
    def pre_rank(self):
        return [r.tolist() for r in self._pre]

    @property
    def w(self):
        return [w.tolist() for w in self._w]

    @property
    def delay(self):
        """Delays in ms (the reference stores steps)."""
        return [d.tolist() for d in self._d]

    def validate(self):
        """Kept for compatibility: the checks run in :meth:`to_connectivity`."""
        return None

    def to_connectivity(self, post_size, pre_size, obj_name=None):
        """The :class:`Connectivity` of the added dendrites (a dendrite added twice is
        merged; a (post, pre) pair added twice raises :class:`NetworkError`).

        Weights stay one per synapse; delays become one shared float when all are equal."""
        if not self._post:
            return _empty(post_size, pre_size)
        lengths = np.array([r.size for r in self._pre], dtype=np.int64)
        post = np.repeat(np.asarray(self._post, dtype=np.int64), lengths)
        delays = np.concatenate(self._d)
        if delays.size and np.all(delays == delays[0]):
            delays = float(delays[0])
        return from_coo(post_size, pre_size, post, np.concatenate(self._pre),
                        np.concatenate(self._w), delays, obj_name)

    def __repr__(self):
        return f"{type(self).__name__}({self.size} dendrites, {self.nb_synapses} synapses)"


class CSR(LILConnectivity):
    """ANNarchy 4's name of :class:`LILConnectivity` for ``connect_with_func`` patterns."""


# ---------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------

_REQUIRED = ("post_ranks", "pre_ranks", "w")


def save_connectivity(conn, filename):
    """Writes ``conn`` to ``filename``: ``.npz`` (compressed NumPy), ``.gz`` (gzipped
    pickle), ``.mat`` (MATLAB, flat arrays), anything else a pickle. The content is the dict
    of :meth:`Connectivity.to_dict` (``.mat``: ``indptr`` and flat ``pre_ranks``/``w``/``delay``)."""
    folder = os.path.dirname(filename)
    if folder:
        os.makedirs(folder, exist_ok=True)
    ext = os.path.splitext(filename)[1].lower()
    if ext == ".mat":
        from scipy.io import savemat

        savemat(filename, _flat_dict(conn))
        return
    data = conn.to_dict()
    if ext == ".npz":
        np.savez_compressed(filename, **{k: _npz_value(v) for k, v in data.items()})
    elif ext == ".gz":
        with gzip.open(filename, "wb") as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
    else:
        with open(filename, "wb") as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)


def _npz_value(value):
    if isinstance(value, list):
        arr = np.empty(len(value), dtype=object)
        for i, item in enumerate(value):  # one per dendrite
            arr[i] = item
        return arr
    return value


def _flat_dict(conn):
    return {
        "post_ranks": conn.post_ranks, "indptr": conn.indptr,
        "pre_ranks": conn.indices.astype(np.int64),
        "w": conn.weights,
        "w_shared": isinstance(conn.weights, float),
        "delay": conn.delays, "delay_shared": isinstance(conn.delays, float),
        "size": conn.size, "nb_synapses": conn.nb_synapses,
        "pre_size": conn.pre_size, "post_size": conn.post_size,
    }


def load_connectivity(filename, post_size=None, pre_size=None):
    """Reads a file written by :func:`save_connectivity` (format from the extension, as
    there) and returns the :class:`Connectivity`.

    ``post_size``/``pre_size`` are used when the file does not record the population sizes
    (files of the reference); otherwise the largest ranks + 1 are.

    :raises NetworkError: the file is missing, unreadable, or lacks/contradicts its keys.
    """
    if not os.path.isfile(filename):
        raise NetworkError(f"connectivity file '{filename}' does not exist")
    data = _read(filename)
    if not isinstance(data, dict):
        raise NetworkError(f"connectivity file '{filename}' does not hold a dict of connectivity "
                           f"data (found {type(data).__name__}); write it with save_connectivity()")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise NetworkError(f"connectivity file '{filename}' lacks the key(s) {', '.join(missing)}; "
                           "write it with save_connectivity()")
    try:
        sizes = (post_size, pre_size)
        if "indptr" in data:
            return _from_flat(data, filename, sizes)
        return _from_lists(data, filename, sizes)
    except NetworkError:
        raise
    except (TypeError, ValueError, IndexError) as exc:
        raise NetworkError(f"connectivity file '{filename}' has malformed content ({exc})") from None


def _read(filename):
    ext = os.path.splitext(filename)[1].lower()
    try:
        if ext == ".npz":
            with np.load(filename, allow_pickle=True) as f:
                return {k: _unpack(f[k]) for k in f.files}
        if ext == ".mat":
            from scipy.io import loadmat

            return {k: v for k, v in loadmat(filename).items() if not k.startswith("__")}
        opener = gzip.open if ext == ".gz" else open
        with opener(filename, "rb") as f:
            return pickle.load(f)
    except Exception as exc:  # any unreadable content
        raise NetworkError(f"cannot read the connectivity file '{filename}' ({exc})") from None


def _unpack(arr):
    if arr.dtype == object:
        return list(arr) if arr.ndim else arr.item()
    return arr


def _scalar(value):
    return float(np.asarray(value).reshape(-1)[0])


def _int_or_none(data, key):
    return int(np.asarray(data[key]).reshape(-1)[0]) if key in data else None


def _sizes(data, post_ranks, pre_flat, given):
    post_size = _int_or_none(data, "post_size")
    pre_size = _int_or_none(data, "pre_size")
    post_size = given[0] if post_size is None else post_size
    pre_size = given[1] if pre_size is None else pre_size
    if post_size is None:
        post_size = int(post_ranks.max()) + 1 if post_ranks.size else 0
    if pre_size is None:
        pre_size = int(pre_flat.max()) + 1 if pre_flat.size else 0
    return post_size, pre_size


def _from_lists(data, filename, given):
    post_ranks = np.asarray(data["post_ranks"], dtype=np.int64).ravel()
    pre_list = [np.asarray(r, dtype=np.int64).ravel() for r in data["pre_ranks"]]
    if len(pre_list) != post_ranks.size:
        raise NetworkError(f"connectivity file '{filename}': {post_ranks.size} post_ranks but "
                           f"{len(pre_list)} lists of pre_ranks")
    lengths = np.array([r.size for r in pre_list], dtype=np.int64)
    pre = np.concatenate(pre_list) if pre_list else np.zeros(0, np.int64)
    w = _values_from_lists(data["w"], lengths, "w", filename)
    d = _values_from_lists(data.get("delay", 0.0), lengths, "delay", filename)
    _check_counts(data, post_ranks.size, pre.size, filename)
    post_size, pre_size = _sizes(data, post_ranks, pre, given)
    return from_coo(post_size, pre_size, np.repeat(post_ranks, lengths), pre, w, d,
                    f"connectivity file '{filename}'")


def _values_from_lists(value, lengths, key, filename):
    """A float (one shared value) or the concatenated per-dendrite values of ``value``."""
    if value is None:
        return 0.0
    if np.isscalar(value) or (isinstance(value, np.ndarray) and value.dtype != object
                              and value.size == 1 and not isinstance(value, list)):
        return _scalar(value)
    parts = [np.asarray(v, dtype=np.float64).ravel() for v in value]
    if len(parts) != lengths.size or any(p.size != n for p, n in zip(parts, lengths, strict=False)):
        raise NetworkError(f"connectivity file '{filename}': '{key}' does not hold one value "
                           "per synapse of each dendrite")
    return np.concatenate(parts) if parts else np.zeros(0)


def _check_counts(data, size, nnz, filename):
    for key, value in (("size", size), ("nb_synapses", nnz)):
        stored = _int_or_none(data, key)
        if stored is not None and stored != value:
            raise NetworkError(f"connectivity file '{filename}': '{key}' says {stored} but the "
                               f"ranks give {value}")


def _from_flat(data, filename, given):
    post_ranks = np.asarray(data["post_ranks"], dtype=np.int64).ravel()
    indptr = np.asarray(data["indptr"], dtype=np.int64).ravel()
    pre = np.asarray(data["pre_ranks"], dtype=np.int64).ravel()
    if indptr.size != post_ranks.size + 1 or indptr[-1] != pre.size:
        raise NetworkError(f"connectivity file '{filename}': indptr does not match post_ranks "
                           "and pre_ranks")
    lengths = np.diff(indptr)
    w = _flat_values(data, "w", pre.size)
    d = _flat_values(data, "delay", pre.size)
    _check_counts(data, post_ranks.size, pre.size, filename)
    post_size, pre_size = _sizes(data, post_ranks, pre, given)
    return from_coo(post_size, pre_size, np.repeat(post_ranks, lengths), pre, w, d,
                    f"connectivity file '{filename}'")


def _flat_values(data, key, nnz):
    shared = bool(np.asarray(data.get(f"{key}_shared", False)).reshape(-1)[0])
    value = data.get(key, 0.0)
    if shared or np.size(value) == 1 and nnz != 1:
        return _scalar(value)
    return np.asarray(value, dtype=np.float64).ravel()
