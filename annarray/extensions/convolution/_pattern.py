"""Where each shared-weight operation reads the presynaptic population: index arrays built
once (on the host, with NumPy) when a :class:`Convolution` or :class:`Pooling` is connected.

Both operations apply one small array of positions (the filter, or the pooling window) at
``M`` places of the presynaptic population. A :class:`SharedPattern` lists, for each place
``m`` and each position ``k`` of the filter, the presynaptic rank read, and whether that
position falls outside the presynaptic geometry. Ranks are row-major (C order), as
``Population.rank_from_coordinates``.

Semantics (measured on ANNarchy 4.8.2, docs/reference_facts.md section Q):

* a filter of size ``n`` along one dimension is centred on ``n // 2`` when ``n`` is odd,
  ``n // 2 - 1`` when it is even; position ``k`` of the filter reads the neuron at
  ``centre coordinate + k - that centre`` (a cross-correlation: no flip);
* the centres of the post neurons along a sub-sampled dimension with ``s = pre / post``
  are ``(s - 1) // 2 + s * i``;
* a pooling window of post neuron ``i`` starts at ``i * extent`` (no centring).
"""

from dataclasses import dataclass
from math import prod

import numpy as np

from annarray.errors import NetworkError

__all__ = ["SharedPattern", "filter_centre", "subsampled_centres", "grid_of_centres", "convolution_pattern",
           "pooling_pattern"]


@dataclass(eq=False)
class SharedPattern:
    """The reads of a shared-weight projection.

    :param pre_index: ``(M, K)`` int64: presynaptic rank read at position ``k`` of place
        ``m``; ``pre_size`` (one past the last neuron) where the position lies outside the
        presynaptic geometry and the padding value is read instead.
    :param outside: ``(M, K)`` bool: positions outside the presynaptic geometry (before any
        'border' clamping).
    :param n_filters: filters applied at each place (the post population has
        ``M * n_filters`` neurons; the filter is its last coordinate).
    """

    pre_index: np.ndarray
    outside: np.ndarray
    n_filters: int = 1

    @property
    def places(self):
        return self.pre_index.shape[0]

    @property
    def kernel_size(self):
        return self.pre_index.shape[1]


def filter_centre(n):
    """Index of the centre of a filter of ``n`` elements along one dimension."""
    return n // 2 if n % 2 else n // 2 - 1


def subsampled_centres(pre_size, post_size, owner, dim):
    """Centre coordinates along dimension ``dim`` for ``post_size`` neurons over ``pre_size``:
    ``(s - 1) // 2 + s * i`` with ``s = pre_size / post_size`` (which must be a whole number)."""
    if post_size > pre_size or pre_size % post_size:
        raise NetworkError(
            f"{owner}: dimension {dim} of the presynaptic population ({pre_size} neurons) is not a "
            f"multiple of the postsynaptic one ({post_size}); choose populations whose sizes divide, "
            "or give subsampling= (the centre of the filter for each post neuron)")
    step = pre_size // post_size
    return (step - 1) // 2 + step * np.arange(post_size, dtype=np.int64)


def grid_of_centres(coordinate_lists):
    """All combinations of per-dimension coordinates, row-major: ``(M, ndim)`` int64."""
    mesh = np.meshgrid(*coordinate_lists, indexing="ij")
    return np.stack([m.reshape(-1) for m in mesh], axis=1).astype(np.int64)


def _reads(centres, offsets, pre_geometry, border):
    """Ranks read at ``centres[m] + offsets[k]`` (``(M, K)``) and which lie outside."""
    shape = (centres.shape[0], offsets.shape[0])
    rank = np.zeros(shape, dtype=np.int64)
    outside = np.zeros(shape, dtype=bool)
    for d, size in enumerate(pre_geometry):
        x = centres[:, d, None] + offsets[None, :, d]
        outside |= (x < 0) | (x >= size)
        np.clip(x, 0, size - 1, out=x)
        rank *= size
        rank += x
    if not border:
        rank[outside] = prod(pre_geometry)
    return rank, outside


def _offsets(kernel_shape, ndim, centred):
    """``(K, ndim)`` offsets of the filter positions (zero along the dimensions the filter
    does not have)."""
    axes = [np.arange(n, dtype=np.int64) - (filter_centre(n) if centred else 0) for n in kernel_shape]
    grid = grid_of_centres(axes) if axes else np.zeros((1, 0), dtype=np.int64)
    out = np.zeros((grid.shape[0], ndim), dtype=np.int64)
    out[:, :len(kernel_shape)] = grid
    return out


def convolution_pattern(centres, kernel_shape, pre_geometry, border, n_filters=1):
    """Pattern of a filter of ``kernel_shape`` centred at ``centres`` (``(M, pre.ndim)``)."""
    offsets = _offsets(kernel_shape, len(pre_geometry), centred=True)
    rank, outside = _reads(np.asarray(centres, dtype=np.int64), offsets, pre_geometry, border)
    return SharedPattern(rank, outside, n_filters)


def pooling_pattern(post_geometry, extent, pre_geometry):
    """Pattern of pooling windows of ``extent`` (one per pre dimension) starting at
    ``i * extent`` along the post dimensions (at 0 along the pre dimensions post lacks)."""
    starts = [np.arange(n, dtype=np.int64) * e for n, e in zip(post_geometry, extent, strict=False)]
    starts += [np.zeros(1, dtype=np.int64)] * (len(pre_geometry) - len(post_geometry))
    offsets = _offsets(extent, len(pre_geometry), centred=False)
    rank, outside = _reads(grid_of_centres(starts), offsets, pre_geometry, border=False)
    return SharedPattern(rank, outside, 1)
