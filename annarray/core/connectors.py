"""The connection patterns of ANNarchy 4.8's ``Projection.connect_*`` methods, as functions
returning a :class:`~annarray.core.connectivity.Connectivity`.

Every function takes ``pre, post`` (a ``Population`` or ``PopulationView``), the pattern's
arguments with the reference's names and defaults, then ``obj_name`` (the projection named in
error messages) and ``rng`` (a ``numpy.random.Generator``, default ``config.get_rng()``).
Views count neurons in their own order (index ``i`` is ``view.ranks[i]``); the Connectivity
stores ranks in the whole populations. Weights and delays (ms) are a number, a
``RandomDistribution`` (one draw per synapse) or an array of one value per synapse, both in
synapse order (by postsynaptic rank, then presynaptic rank). Every error is a
:class:`~annarray.errors.NetworkError`.
"""

import math

import numpy as np

from annarray.core.connectivity import (
    Connectivity,
    LILConnectivity,
    _label,
    from_coo,
    from_rows,
    index_dtype,
    load_connectivity,
)
from annarray.core.population import population_of
from annarray.core.random import RandomDistribution
from annarray.errors import NetworkError

__all__ = ["all_to_all", "one_to_one", "gaussian", "dog", "fixed_probability",
           "fixed_number_pre", "fixed_number_post", "from_list", "from_matrix", "from_sparse",
           "from_file", "with_func"]

#: Target number of pairs (or synapses) handled at once by the block-wise patterns.
_BLOCK = 1 << 22


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------

_pop = population_of


def _ranks(x, side, obj_name):
    """(n,) int64 ranks (whole population) of the neurons of ``x``, in ``x``'s order."""
    ranks = np.asarray(x.ranks, dtype=np.int64).ravel()
    if np.unique(ranks).size != ranks.size:
        raise NetworkError(f"{_label(obj_name)}: the {side}-synaptic view holds the same neuron "
                           "more than once; use a view without repeated ranks")
    return ranks


def _get_rng(rng):
    if rng is not None:
        return rng
    from annarray import config

    return config.get_rng()


def _removes_self(pre, post, allow_self_connections):
    return not allow_self_connections and _pop(pre) is _pop(post)


def _values(spec, n, rng, what, obj_name):
    """``spec`` as a float, or a (n,) float64 array: numbers stay numbers, distributions are
    drawn once per synapse, arrays must hold one value per synapse."""
    if isinstance(spec, RandomDistribution):
        own_seed = getattr(spec, "seed", -1) not in (-1, None)
        values = np.asarray(spec.get_values(n, None if own_seed else rng), dtype=np.float64)
        return values.reshape(n)
    if isinstance(spec, (int, float, np.integer, np.floating)) and not isinstance(spec, bool):
        return float(spec)
    try:
        values = np.asarray(spec, dtype=np.float64)
    except (TypeError, ValueError):
        raise NetworkError(f"{_label(obj_name)}: {what} must be a number, a RandomDistribution or "
                           f"one value per synapse, got {type(spec).__name__}") from None
    if values.ndim == 0:
        return float(values)
    if values.size != n:
        raise NetworkError(f"{_label(obj_name)}: {what} holds {values.size} values but the "
                           f"pattern creates {n} synapses; give a number, a RandomDistribution "
                           f"or exactly {n} values")
    return values.reshape(n)


def _check_delays(delays, obj_name):
    bad = ~(np.asarray(delays) >= 0)  # catches negative values and NaN
    if np.any(bad):
        value = np.asarray(delays).reshape(-1)[np.flatnonzero(bad.reshape(-1))[0]]
        raise NetworkError(f"{_label(obj_name)}: delays must be non-negative numbers of ms, "
                           f"got {value}; use delays >= 0")
    return delays


def _uniform(values):
    """An array whose values are all equal becomes that float."""
    if isinstance(values, np.ndarray) and values.size and np.all(values == values[0]):
        return float(values[0])
    return values


def _attach(conn, weights, delays, rng, obj_name):
    """Sets the weights and delays of ``conn`` (draws in synapse order: weights, then delays)."""
    n = conn.nb_synapses
    rng = _get_rng(rng)
    conn.weights = _values(weights, n, rng, "weights", obj_name)
    conn.delays = _check_delays(_values(delays, n, rng, "delays", obj_name), obj_name)
    return conn


def _self_columns(rows, cols):
    """For each rank of ``rows``, the index in ``cols`` of the same rank, or -1."""
    out = np.full(rows.size, -1, dtype=np.int64)
    if cols.size == 0:
        return out
    order = np.argsort(cols, kind="stable")
    pos = np.minimum(np.searchsorted(cols[order], rows), cols.size - 1)
    hit = cols[order][pos] == rows
    out[hit] = order[pos[hit]]
    return out


def _check_probability(probability, obj_name):
    if not 0.0 <= float(probability) <= 1.0:
        raise NetworkError(f"{_label(obj_name)}: fixed_probability(probability={probability}) "
                           "needs a probability between 0 and 1")
    return float(probability)


# ---------------------------------------------------------------------------------------
# Deterministic patterns
# ---------------------------------------------------------------------------------------

def all_to_all(pre, post, weights=1.0, delays=0.0, allow_self_connections=False,
               obj_name=None, rng=None):
    """Every postsynaptic neuron receives a synapse from every presynaptic neuron (minus the
    neuron itself when pre and post are the same population, unless allowed)."""
    pre_r = np.sort(_ranks(pre, "pre", obj_name))
    post_r = np.sort(_ranks(post, "post", obj_name))
    n_pre, n_post = pre_r.size, post_r.size
    if not _removes_self(pre, post, allow_self_connections):
        indices = np.tile(pre_r.astype(index_dtype(_pop(pre).size)), n_post)
        conn = from_rows(_pop(post).size, _pop(pre).size, post_r,
                         np.full(n_post, n_pre), indices)
        return _attach(conn, weights, delays, rng, obj_name)
    self_col = _self_columns(post_r, pre_r)
    keep = np.ones((n_post, n_pre), dtype=bool)
    has = self_col >= 0
    keep[np.flatnonzero(has), self_col[has]] = False
    indices = np.tile(pre_r.astype(index_dtype(_pop(pre).size)), n_post)[keep.ravel()]
    conn = from_rows(_pop(post).size, _pop(pre).size, post_r, n_pre - has, indices)
    return _attach(conn, weights, delays, rng, obj_name)


def one_to_one(pre, post, weights=1.0, delays=0.0, obj_name=None, rng=None):
    """Neuron ``i`` of ``post`` receives one synapse from neuron ``i`` of ``pre`` (both
    counted in their view's order); the sizes must be equal."""
    pre_r, post_r = _ranks(pre, "pre", obj_name), _ranks(post, "post", obj_name)
    if pre_r.size != post_r.size:
        raise NetworkError(f"{_label(obj_name)}: one_to_one needs pre and post of the same size, "
                           f"got {pre_r.size} pre-synaptic and {post_r.size} post-synaptic "
                           "neurons; use views of equal sizes")
    order = np.argsort(post_r)
    conn = from_rows(_pop(post).size, _pop(pre).size, post_r[order],
                     np.ones(post_r.size, np.int64), pre_r[order])
    return _attach(conn, weights, delays, rng, obj_name)


# ---------------------------------------------------------------------------------------
# Gaussian and difference of Gaussians
# ---------------------------------------------------------------------------------------

def _normalized_coordinates(pop):
    """(dimension, size) normalized coordinates in [0, 1] (0 along sizes of 1), in the
    precision of the reference: single precision for 2-D and 3-D geometries, double for 1-D
    and 4-D ones."""
    geometry = pop.geometry
    coords = np.unravel_index(np.arange(pop.size), geometry)
    dtype = np.float32 if len(geometry) in (2, 3) else np.float64
    return [(c / (g - 1)).astype(dtype) if g > 1 else np.zeros(pop.size, dtype)
            for c, g in zip(coords, geometry, strict=True)]


def _squared_distances(post_coords, pre_coords, rows):
    """(len(rows), pre_size) float32 squared distances, accumulated in single precision."""
    dist = np.zeros((rows.size, pre_coords[0].size), dtype=np.float32)
    for pc, qc in zip(post_coords, pre_coords, strict=True):
        diff = qc[None, :].astype(np.float64) - pc[rows, None].astype(np.float64)
        dist = (dist.astype(np.float64) + diff * diff).astype(np.float32)
    return dist


def _check_geometry(pre, post, name, obj_name, sigmas):
    for side, x in (("pre", pre), ("post", post)):
        if _pop(x) is not x:
            raise NetworkError(f"{_label(obj_name)}: {name} needs whole populations, the "
                               f"{side}-synaptic side is a PopulationView; connect the "
                               "populations themselves")
    if pre.dimension != post.dimension:
        raise NetworkError(f"{_label(obj_name)}: {name} needs pre and post of the same "
                           f"dimension, got geometries {pre.geometry} and {post.geometry}")
    for label, sigma in sigmas.items():
        if not float(sigma) > 0:
            raise NetworkError(f"{_label(obj_name)}: {name} needs {label} > 0, got {sigma}")


def _profile(pre, post, weight_fn, threshold, allow_self_connections):
    """Rows of the synapses whose |weight_fn(d2)| > threshold, block by block of post neurons.

    :returns: (post ranks (n,), lengths (n,), pre ranks, weights) with weights float64.
    """
    post_c, pre_c = _normalized_coordinates(post), _normalized_coordinates(pre)
    remove_self = not allow_self_connections and pre is post
    block = max(1, _BLOCK // max(pre.size, 1))
    lengths, cols, values = [], [], []
    for start in range(0, post.size, block):
        rows = np.arange(start, min(start + block, post.size))
        w = weight_fn(_squared_distances(post_c, pre_c, rows))
        keep = np.abs(w) > threshold
        if remove_self:  # pre is post: the self column of row r is r
            keep[rows - start, rows] = False
        lengths.append(keep.sum(axis=1))
        cols.append(np.nonzero(keep)[1])
        values.append(w[keep].astype(np.float64))
    return (np.arange(post.size), np.concatenate(lengths), np.concatenate(cols),
            np.concatenate(values))


def _f32(x):
    """``x`` rounded to single precision (the reference's connectors take C floats)."""
    return float(np.float32(x))


def _gaussian_fn(amp, sigma):
    """d2 (float32) -> amp * exp(-d2 / (2 sigma^2)) rounded to float32, as the reference."""
    amp, sigma2 = _f32(amp), _f32(np.float32(sigma) * np.float32(sigma))
    return lambda d2: (amp * np.exp(-d2.astype(np.float64) / (2.0 * sigma2))).astype(np.float32)


def gaussian(pre, post, amp, sigma, delays=0.0, limit=0.01, allow_self_connections=False,
             obj_name=None, rng=None):
    """Gaussian profile: ``w = amp * exp(-d**2 / (2 sigma**2))`` with ``d`` the distance
    between the normalized coordinates (each in [0, 1]) of the pre- and postsynaptic neurons.

    Synapses with ``|w| <= limit * |amp|`` are not created. Whole populations of the same
    dimension only. Weights are computed in single precision, as in the reference.
    """
    _check_geometry(pre, post, "gaussian", obj_name, {"sigma": sigma})
    rows, lengths, cols, w = _profile(pre, post, _gaussian_fn(amp, sigma),
                                      limit * abs(_f32(amp)), allow_self_connections)
    conn = from_rows(post.size, pre.size, rows, lengths, cols)
    return _attach(conn, w, delays, rng, obj_name)


def dog(pre, post, amp_pos, sigma_pos, amp_neg, sigma_neg, delays=0.0, limit=0.01,
        allow_self_connections=False, obj_name=None, rng=None):
    """Difference of Gaussians: ``w = amp_pos exp(-d**2/(2 sigma_pos**2)) - amp_neg
    exp(-d**2/(2 sigma_neg**2))`` on normalized coordinates (see :func:`gaussian`).

    Synapses with ``|w| <= limit * |amp_pos - amp_neg|`` are not created.
    """
    _check_geometry(pre, post, "dog", obj_name, {"sigma_pos": sigma_pos, "sigma_neg": sigma_neg})
    pos, neg = _gaussian_fn(amp_pos, sigma_pos), _gaussian_fn(amp_neg, sigma_neg)

    def weight_fn(d2):
        return (pos(d2).astype(np.float64) - neg(d2).astype(np.float64)).astype(np.float32)

    threshold = limit * abs(_f32(np.float32(amp_pos) - np.float32(amp_neg)))
    rows, lengths, cols, w = _profile(pre, post, weight_fn, threshold, allow_self_connections)
    conn = from_rows(post.size, pre.size, rows, lengths, cols)
    return _attach(conn, w, delays, rng, obj_name)


# ---------------------------------------------------------------------------------------
# Random patterns
# ---------------------------------------------------------------------------------------

def _bernoulli_positions(rng, total, p):
    """Sorted positions in [0, total), each kept independently with probability ``p``
    (geometric gaps: the cost is proportional to the number kept)."""
    if p <= 0.0 or total == 0:
        return np.zeros(0, np.int64)
    if p >= 1.0:
        return np.arange(total, dtype=np.int64)
    parts, last = [], -1
    while True:
        expected = (total - 1 - last) * p
        gaps = rng.geometric(p, size=int(expected + 6 * math.sqrt(expected) + 16))
        pos = last + np.cumsum(gaps)
        if pos[-1] >= total:
            parts.append(pos[: np.searchsorted(pos, total)])
            return np.concatenate(parts)
        parts.append(pos)
        last = int(pos[-1])


def fixed_probability(pre, post, probability, weights=1.0, delays=0.0,
                      allow_self_connections=False, obj_name=None, rng=None):
    """Each (pre, post) pair gets a synapse independently with ``probability``."""
    p = _check_probability(probability, obj_name)
    rng = _get_rng(rng)
    pre_r = np.sort(_ranks(pre, "pre", obj_name)).astype(index_dtype(_pop(pre).size))
    post_r = np.sort(_ranks(post, "post", obj_name))
    n_pre = pre_r.size
    remove_self = _removes_self(pre, post, allow_self_connections)
    block = max(1, int(_BLOCK / max(n_pre * p, 1e-300))) if n_pre else post_r.size
    lengths, indices = [], []
    for start in range(0, post_r.size, max(block, 1)):
        rows = post_r[start:start + block]
        pos = _bernoulli_positions(rng, rows.size * n_pre, p)
        bounds = np.searchsorted(pos, np.arange(rows.size + 1, dtype=np.int64) * n_pre)
        counts = np.diff(bounds)
        cols = pre_r[pos - np.repeat(np.arange(rows.size, dtype=np.int64) * n_pre, counts)]
        if remove_self:
            row_of = np.repeat(np.arange(rows.size), counts)
            keep = cols != rows[row_of]
            counts = np.bincount(row_of[keep], minlength=rows.size)
            cols = cols[keep]
        lengths.append(counts)
        indices.append(cols)
    conn = from_rows(_pop(post).size, _pop(pre).size, post_r,
                     _concat(lengths, np.int64), _concat(indices, pre_r.dtype))
    return _attach(conn, weights, delays, rng, obj_name)


def _concat(parts, dtype):
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


def _candidates(n_cols, k):
    """Number of draws with replacement from ``n_cols`` values that give ``k`` distinct
    values but for a 5-sigma fluctuation (one more for the excluded column)."""
    target = k + 1 + 5 * math.sqrt(k) + 10
    if target >= n_cols:
        return n_cols + 1
    return int(math.ceil(math.log1p(-target / n_cols) / math.log1p(-1.0 / n_cols))) if n_cols > 1 else 2


def _choose(rng, n_rows, n_cols, k, excluded):
    """(n_rows, k) int64: ``k`` distinct columns in [0, n_cols) per row, uniformly at random,
    never the row's ``excluded`` column (-1: none). Unordered within a row.

    Few columns out of many: ``width`` candidates drawn with replacement, repeats and the
    excluded column discarded, ``k`` kept at random (rows with too few are drawn again);
    otherwise random keys over all columns. Either way ``k`` smallest keys (argpartition).
    """
    out = np.empty((n_rows, k), dtype=np.int64)
    if k == 0 or n_rows == 0:
        return out
    width = _candidates(n_cols, k)
    sparse = 4 * width <= n_cols
    width = width if sparse else n_cols
    block = max(1, _BLOCK // width)
    for start in range(0, n_rows, block):
        todo = np.arange(start, min(start + block, n_rows))
        while todo.size:
            picked, ok = _choose_rows(rng, todo.size, n_cols, k, excluded[todo], width, sparse)
            out[todo[ok]] = picked[ok]
            todo = todo[~ok]
    return out


def _choose_rows(rng, n, n_cols, k, excluded, width, sparse):
    """One attempt of :func:`_choose` for ``n`` rows; returns (picks, rows that succeeded)."""
    keys = rng.random((n, width), dtype=np.float32)
    if sparse:
        cand = np.sort(rng.integers(0, n_cols, size=(n, width)), axis=1)
        bad = np.zeros((n, width), dtype=bool)
        bad[:, 1:] = cand[:, 1:] == cand[:, :-1]
        bad |= cand == excluded[:, None]
        keys[bad] = 2.0  # never among the k smallest of a row that has k good candidates
        ok = (width - bad.sum(axis=1)) >= k
    else:
        cand = None
        rows = np.flatnonzero(excluded >= 0)
        keys[rows, excluded[rows]] = 2.0
        ok = np.ones(n, dtype=bool)
    idx = np.argpartition(keys, k - 1, axis=1)[:, :k] if k < width else np.argsort(keys, axis=1)
    picked = idx if cand is None else np.take_along_axis(cand, idx, axis=1)
    return picked, ok


def _check_number(number, available, excluded_any, name, side, obj_name):
    number = int(number)
    limit = available - (1 if excluded_any else 0)
    if number < 0 or number > limit:
        extra = " (self-connections excluded)" if excluded_any else ""
        raise NetworkError(f"{_label(obj_name)}: {name}(number={number}) needs between 0 and "
                           f"{limit} {side}-synaptic neurons{extra}; lower number or allow "
                           "self-connections")
    return number


def fixed_number_pre(pre, post, number, weights=1.0, delays=0.0, allow_self_connections=False,
                     obj_name=None, rng=None):
    """Each postsynaptic neuron receives synapses from ``number`` distinct presynaptic neurons
    drawn at random."""
    pre_r = _ranks(pre, "pre", obj_name)
    post_r = np.sort(_ranks(post, "post", obj_name))
    excluded = (_self_columns(post_r, pre_r) if _removes_self(pre, post, allow_self_connections)
                else np.full(post_r.size, -1))
    number = _check_number(number, pre_r.size, bool(np.any(excluded >= 0)), "fixed_number_pre",
                           "pre", obj_name)
    rng = _get_rng(rng)
    chosen = np.sort(pre_r[_choose(rng, post_r.size, pre_r.size, number, excluded)], axis=1)
    conn = from_rows(_pop(post).size, _pop(pre).size, post_r, np.full(post_r.size, number),
                     chosen.ravel().astype(index_dtype(_pop(pre).size)))
    return _attach(conn, weights, delays, rng, obj_name)


def fixed_number_post(pre, post, number, weights=1.0, delays=0.0, allow_self_connections=False,
                      obj_name=None, rng=None):
    """Each presynaptic neuron sends synapses to ``number`` distinct postsynaptic neurons
    drawn at random."""
    pre_r = np.sort(_ranks(pre, "pre", obj_name))
    post_r = _ranks(post, "post", obj_name)
    excluded = (_self_columns(pre_r, post_r) if _removes_self(pre, post, allow_self_connections)
                else np.full(pre_r.size, -1))
    number = _check_number(number, post_r.size, bool(np.any(excluded >= 0)),
                           "fixed_number_post", "post", obj_name)
    rng = _get_rng(rng)
    targets = post_r[_choose(rng, pre_r.size, post_r.size, number, excluded)]
    conn = from_coo(_pop(post).size, _pop(pre).size, targets.ravel(),
                    np.repeat(pre_r, number), obj_name=obj_name)
    return _attach(conn, weights, delays, rng, obj_name)


# ---------------------------------------------------------------------------------------
# Patterns from data
# ---------------------------------------------------------------------------------------

def _local_to_ranks(local, ranks, side, obj_name):
    """Maps indices counted in a view (or population) to whole-population ranks."""
    local = np.asarray(local)
    if local.size and (np.any(local != np.round(local)) or local.min() < 0
                       or local.max() >= ranks.size):
        bad = local[(local != np.round(local)) | (local < 0) | (local >= ranks.size)][0]
        raise NetworkError(f"{_label(obj_name)}: {side}-synaptic index {bad} is not an integer "
                           f"between 0 and {ranks.size - 1}")
    return ranks[local.astype(np.int64)]


def from_list(pre, post, synapses, obj_name=None, rng=None):
    """Synapses from a list of ``(pre, post, weight, delay)`` tuples (``delay`` in ms may be
    left out: 0). Indices count in ``pre``/``post`` (views: in the view's order)."""
    try:
        rows = np.asarray(synapses, dtype=np.float64)
    except (TypeError, ValueError):
        raise NetworkError(f"{_label(obj_name)}: from_list expects (pre, post, weight, delay) "
                           "tuples of numbers, all of the same length") from None
    if rows.size == 0:
        rows = rows.reshape(0, 4)
    if rows.ndim != 2 or rows.shape[1] not in (3, 4):
        raise NetworkError(f"{_label(obj_name)}: from_list expects (pre, post, weight) or "
                           f"(pre, post, weight, delay) tuples, got an array of shape {rows.shape}")
    pre_rk = _local_to_ranks(rows[:, 0], _ranks(pre, "pre", obj_name), "pre", obj_name)
    post_rk = _local_to_ranks(rows[:, 1], _ranks(post, "post", obj_name), "post", obj_name)
    delays = _uniform(rows[:, 3].copy()) if rows.shape[1] == 4 else 0.0
    return from_coo(_pop(post).size, _pop(pre).size, post_rk, pre_rk, rows[:, 2].copy(),
                    _check_delays(delays, obj_name), obj_name)


def _matrix(values, expected, pre_post, what, obj_name):
    """``values`` as a 2-D array of shape ``expected`` (post, pre) after the optional
    transposition; also returns the mask of entries that are not None."""
    try:
        arr = np.asarray(values)
    except ValueError:
        raise NetworkError(f"{_label(obj_name)}: from_matrix expects {what} as a 2-D array or a "
                           "list of lists of equal lengths") from None
    if arr.dtype == object:
        mask = np.not_equal(arr, None)
    else:
        mask = np.ones(arr.shape, dtype=bool)
    given = arr.shape
    if pre_post and arr.ndim == 2:
        arr, mask = arr.T, mask.T
    if arr.shape != expected:
        shape = expected[::-1] if pre_post else expected
        order = "(pre, post)" if pre_post else "(post, pre)"
        raise NetworkError(f"{_label(obj_name)}: from_matrix expects {what} of shape {shape} "
                           f"{order}, got {given}")
    return arr, np.asarray(mask, dtype=bool)


def _floats(arr, what, obj_name):
    try:
        values = np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError):
        raise NetworkError(f"{_label(obj_name)}: from_matrix: {what} must hold numbers "
                           "(or None where there is no synapse)") from None
    if np.any(np.isnan(values)):
        raise NetworkError(f"{_label(obj_name)}: from_matrix: {what} contains NaN; put None "
                           "where no synapse should be created")
    return values


def from_matrix(pre, post, weights, delays=0.0, pre_post=False, obj_name=None, rng=None):
    """Synapses from a dense (post.size, pre.size) matrix of weights (``pre_post=True``:
    (pre.size, post.size)); ``None`` entries create no synapse. ``delays``: a number, a
    RandomDistribution or a matrix of the same shape (ms)."""
    pre_r, post_r = _ranks(pre, "pre", obj_name), _ranks(post, "post", obj_name)
    w, mask = _matrix(weights, (post_r.size, pre_r.size), pre_post, "weights", obj_name)
    i, j = np.nonzero(mask)
    w = _floats(w[mask], "weights", obj_name)
    if isinstance(delays, (list, tuple, np.ndarray)):
        d, _ = _matrix(delays, (post_r.size, pre_r.size), pre_post, "delays", obj_name)
        d = _uniform(_floats(d[mask], "delays (at the synapses)", obj_name))
    else:
        d = _values(delays, i.size, _get_rng(rng), "delays", obj_name)
    conn = from_coo(_pop(post).size, _pop(pre).size, post_r[i], pre_r[j], w,
                    _check_delays(d, obj_name), obj_name)
    return conn


def from_sparse(pre, post, weights, delays=0.0, obj_name=None, rng=None):
    """Synapses from a SciPy ``lil``/``csr``/``csc`` matrix of shape (pre.size, post.size):
    as in the reference, the FIRST index is presynaptic (the transpose of
    :meth:`Connectivity.to_scipy`). Stored entries, explicit zeros included, are synapses."""
    import scipy.sparse as sp

    if not sp.issparse(weights) or weights.format not in ("lil", "csr", "csc"):
        raise NetworkError(f"{_label(obj_name)}: from_sparse expects a SciPy lil, csr or csc "
                           f"matrix, got {type(weights).__name__}; use from_matrix for dense arrays")
    pre_r, post_r = _ranks(pre, "pre", obj_name), _ranks(post, "post", obj_name)
    if weights.shape != (pre_r.size, post_r.size):
        raise NetworkError(f"{_label(obj_name)}: from_sparse expects a matrix of shape "
                           f"{(pre_r.size, post_r.size)} (pre, post), got {weights.shape}")
    if isinstance(delays, (list, tuple, np.ndarray)) or sp.issparse(delays):
        raise NetworkError(f"{_label(obj_name)}: from_sparse takes one delay for all synapses "
                           "(a number or a RandomDistribution); use from_matrix or from_list "
                           "for per-synapse delays")
    coo = weights.tocoo()
    conn = from_coo(_pop(post).size, _pop(pre).size, post_r[coo.col], pre_r[coo.row],
                    np.asarray(coo.data, dtype=np.float64), 0.0, obj_name)
    conn.delays = _check_delays(_values(delays, conn.nb_synapses, _get_rng(rng), "delays",
                                        obj_name), obj_name)
    return conn


def _check_members(conn, pre, post, obj_name, how):
    """All ranks of ``conn`` must belong to the ``pre``/``post`` views."""
    for side, x, ranks in (("post", post, conn.post_ranks), ("pre", pre, conn.indices)):
        if _pop(x) is x:
            continue
        inside = np.isin(ranks, x.ranks)
        if not inside.all():
            raise NetworkError(f"{_label(obj_name)}: {how} connects {side}-synaptic neuron "
                               f"{ranks[~inside][0]}, which is not in the {side}-synaptic view; "
                               "use ranks of the view's neurons (view.ranks)")


def from_file(pre, post, filename, obj_name=None, rng=None):
    """Synapses, weights and delays saved by ``save_connectivity`` (see
    :func:`~annarray.core.connectivity.load_connectivity`); the populations must have the
    sizes they had when saving."""
    conn = load_connectivity(filename, post_size=_pop(post).size, pre_size=_pop(pre).size)
    sizes = (conn.post_size, conn.pre_size)
    if sizes != (_pop(post).size, _pop(pre).size):
        raise NetworkError(f"{_label(obj_name)}: the connectivity in '{filename}' is between "
                           f"populations of sizes {conn.pre_size} (pre) and {conn.post_size} "
                           f"(post), not {_pop(pre).size} and {_pop(post).size}; load it into "
                           "populations of the saved sizes")
    _check_members(conn, pre, post, obj_name, f"the file '{filename}'")
    return conn


def with_func(pre, post, method, obj_name=None, rng=None, **args):
    """Calls ``method(pre, post, **args)``, which returns a ``LILConnectivity`` (or ``CSR``)
    of whole-population ranks; ``obj_name`` and ``rng`` are not passed on."""
    result = method(pre, post, **args)
    if isinstance(result, Connectivity):
        conn = result
    elif isinstance(result, LILConnectivity):
        conn = result.to_connectivity(_pop(post).size, _pop(pre).size, obj_name)
    else:
        name = getattr(method, "__name__", repr(method))
        raise NetworkError(f"{_label(obj_name)}: the connector method {name}() returned "
                           f"{type(result).__name__}; it must return an ann.LILConnectivity "
                           "(or CSR) filled with add()")
    _check_members(conn, pre, post, obj_name, "the connector method")
    _check_delays(conn.delays, obj_name)
    return conn
