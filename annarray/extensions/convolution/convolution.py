"""``Convolution``: one filter (or a bank of filters) shared by every post-synaptic neuron.

Each post neuron receives the cross-correlation (no flip) of the filter with the region of
the presynaptic population centred on its centre coordinates (see
:mod:`~annarray.extensions.convolution._pattern` for the centring rules, measured on the
reference). Geometries decide the operation:

* same number of dimensions for pre, post and filter: a plain convolution, with
  sub-sampling when post is smaller (``(6, 6) * (3, 3) -> (3, 3)``);
* post with fewer dimensions than pre: the filter spans the dimensions post lacks
  (``(100, 100, 3) * (3, 3, 3) -> (100, 100)``);
* ``keep_last_dimension=True``: a filter with one dimension less than pre is applied to each
  slice of the last dimension (``(100, 100, 16) * (3, 3) -> (100, 100, 16)``);
* :meth:`Convolution.connect_filters`: a bank of filters (first index), whose results fill
  the last dimension of post (``(100, 100) * (16, 3, 3) -> (100, 100, 16)``).

Outside the presynaptic population the rates take the ``padding`` value (the psp is
evaluated with ``pre.r = padding``), or repeat the border neurons with ``padding='border'``;
'max' and 'min' skip the positions outside and, as in the reference, start from 0 (a 'max'
result is never below 0, a 'min' result never above).
"""

import numpy as np

from annarray.errors import NetworkError
from annarray.extensions.convolution._pattern import (
    convolution_pattern,
    filter_centre,
    grid_of_centres,
    subsampled_centres,
)
from annarray.extensions.convolution._shared import SharedProjection, uniform_delay
from annarray.extensions.convolution._transmission import Reduction

__all__ = ["Convolution"]


def _filter_array(weights, label):
    try:
        w = np.array(weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise NetworkError(f"{label}: weights must be a (nested) array of numbers") from None
    if w.ndim == 0 or w.size == 0:
        raise NetworkError(f"{label}: weights must be a non-empty array (the filter), got {weights!r}")
    if not np.all(np.isfinite(w)):
        raise NetworkError(f"{label}: the filter contains non-finite values")
    return w


def _padding(padding, label):
    if isinstance(padding, str):
        if padding != "border":
            raise NetworkError(f"{label}: padding must be a number or 'border', got {padding!r}")
        return padding
    if not isinstance(padding, (int, float, np.integer, np.floating)) or isinstance(padding, bool):
        raise NetworkError(f"{label}: padding must be a number or 'border', got {padding!r}")
    return float(padding)


class Convolution(SharedProjection):
    """Convolution (cross-correlation) of a filter over the presynaptic population.

    :param pre: rate-coded presynaptic :class:`~annarray.Population`.
    :param post: postsynaptic population (rate-coded; or spiking, into ``g_target``).
    :param target: name of the input (``sum(target)``).
    :param psp: what each filter position transmits (default ``'pre.r * w'``).
    :param operation: 'sum' (default), 'mean' (sum divided by the number of weights, all
        filters of a bank together, as the reference), 'max', 'min'.
    :param name: unique name.
    """

    _kind = "Convolution"

    def __init__(self, pre, post, target, psp="pre.r * w", operation="sum", name=None, copied=False,
                 network=None):
        super().__init__(pre, post, target, psp, operation, name=name, network=network)
        self.padding = 0.0
        self.keep_last_dimension = False
        self.subsampling = None
        self.multiple = False

    # -- the filter -----------------------------------------------------------------------
    @property
    def weights(self):
        """The filter (bank) as a NumPy array; can be set to new values of the same shape."""
        return self.get("w")

    @weights.setter
    def weights(self, value):
        self.set({"w": value})

    def _padding_value(self):
        return 0.0 if self.padding == "border" else self.padding

    def _reduction(self):
        op = self.operation
        if op in ("max", "min"):
            return Reduction(op, skip_outside=True, floor=0.0)
        # 'mean' divides by the size of the whole weights array, also for a bank of filters
        # (measured on the reference: docs/reference_facts.md, section Q)
        return Reduction(op, skip_outside=False, divisor=self._pattern.kernel_size * self._pattern.n_filters)

    # -- connecting -----------------------------------------------------------------------
    def connect_filter(self, weights, delays=0.0, keep_last_dimension=False, padding=0.0, subsampling=None):
        """Applies one filter at every post neuron.

        :param weights: the filter: an array with as many dimensions as pre (or one less
            with ``keep_last_dimension``).
        :param delays: one synaptic delay (ms).
        :param keep_last_dimension: convolve each slice of pre's last dimension separately
            (pre and post then have the same last dimension).
        :param padding: rate used outside the presynaptic population (a number, or
            'border' to repeat the nearest neuron).
        :param subsampling: ``(post.size, pre.dimension)`` centre coordinates, one row per
            post rank, instead of those derived from the geometries.
        """
        label = f"Convolution '{self.name}'"
        self._check_connectable()
        w = _filter_array(weights, label)
        delay = uniform_delay(delays, label)
        padding = _padding(padding, label)
        centres = self._centres(w.shape, keep_last_dimension, subsampling, label, self.post.geometry)
        pattern = convolution_pattern(centres, w.shape, self.pre.geometry, padding == "border")
        self._finish(pattern, w, delay, padding, keep_last_dimension, subsampling, False, "connect_filter",
                     dict(weights=w, delays=delays, keep_last_dimension=keep_last_dimension, padding=padding,
                          subsampling=subsampling))
        return self

    def connect_filters(self, weights, delays=0.0, keep_last_dimension=False, padding=0.0, subsampling=None):
        """Applies a bank of filters (first index of ``weights``) at every place; the result
        of filter ``f`` goes to the post neurons whose last coordinate is ``f``.

        :param weights: ``(n_filters, ...)`` with one filter dimension per pre dimension.
        :param delays: one synaptic delay (ms).
        :param keep_last_dimension: not possible with a bank (refused).
        :param padding: rate used outside the presynaptic population (number or 'border').
        :param subsampling: ``(post.size / n_filters, pre.dimension)`` centre coordinates.
        """
        label = f"Convolution '{self.name}'"
        self._check_connectable()
        w = _filter_array(weights, label)
        delay = uniform_delay(delays, label)
        padding = _padding(padding, label)
        if keep_last_dimension:
            raise NetworkError(f"{label}: a bank of filters cannot be combined with keep_last_dimension=True")
        if w.ndim < 2:
            raise NetworkError(f"{label}: connect_filters() takes a bank of filters, shaped (n_filters, ...), "
                               f"got an array of shape {w.shape}; use connect_filter() for one filter")
        post_geo = self.post.geometry
        if post_geo[-1] != w.shape[0]:
            raise NetworkError(f"{label}: the last dimension of the post-synaptic population ({post_geo[-1]}) "
                               f"must be the number of filters ({w.shape[0]})")
        if w.ndim - 1 != self.pre.dimension:
            raise NetworkError(f"{label}: each filter must have as many dimensions as the pre-synaptic "
                               f"population ({self.pre.dimension}), got filters of shape {w.shape[1:]}")
        centres = self._centres(w.shape[1:], False, subsampling, label, post_geo[:-1])
        pattern = convolution_pattern(centres, w.shape[1:], self.pre.geometry, padding == "border",
                                      n_filters=w.shape[0])
        self._finish(pattern, w, delay, padding, False, subsampling, True, "connect_filters",
                     dict(weights=w, delays=delays, padding=padding, subsampling=subsampling))
        return self

    def _finish(self, pattern, w, delay, padding, keep_last, subsampling, multiple, method, kwargs):
        self.padding = padding
        self.keep_last_dimension = keep_last
        self.subsampling = subsampling
        self.multiple = multiple
        self._set_pattern(pattern, w, delay, "Convolution" if not multiple else "Convolution (bank of filters)",
                          (method, kwargs))

    def _centres(self, kernel_shape, keep_last, subsampling, label, post_geo):
        """``(places, pre.dimension)`` centre coordinates, after checking the geometries."""
        pre_geo = self.pre.geometry
        dp, dq = len(pre_geo), len(post_geo)
        self._check_dimensions(pre_geo, kernel_shape, post_geo, keep_last, label)
        places = int(np.prod(post_geo)) if post_geo else 1
        if subsampling is not None:
            return self._given_centres(subsampling, places, label)
        coordinates = []
        for d in range(dp):
            if keep_last and d == dp - 1:
                coordinates.append(np.arange(pre_geo[d], dtype=np.int64))
            elif d < dq:
                coordinates.append(subsampled_centres(pre_geo[d], post_geo[d], label, d))
            else:  # a dimension post lacks: the filter spans it
                coordinates.append(np.array([filter_centre(kernel_shape[d])], dtype=np.int64))
        return grid_of_centres(coordinates)

    @staticmethod
    def _check_dimensions(pre_geo, kernel_shape, post_geo, keep_last, label):
        dp, dk, dq = len(pre_geo), len(kernel_shape), len(post_geo)
        if dk > dp:
            raise NetworkError(f"{label}: the filter has more dimensions ({dk}) than the pre-synaptic "
                               f"population ({dp}); use connect_filters() for a bank of filters")
        if keep_last:
            if dk != dp - 1:
                raise NetworkError(f"{label}: keep_last_dimension=True needs a filter with one dimension less "
                                   f"than the pre-synaptic population ({dp - 1}), got {dk}")
            if dq != dp or pre_geo[-1] != post_geo[-1]:
                raise NetworkError(f"{label}: with keep_last_dimension=True, pre and post must have the same "
                                   f"number of dimensions and the same last dimension, got {pre_geo} and {post_geo}")
            return
        if dk < dp:
            raise NetworkError(f"{label}: the filter has fewer dimensions ({dk}) than the pre-synaptic "
                               f"population ({dp}); set keep_last_dimension=True to filter each slice of the "
                               "last dimension")
        if dq > dp:
            raise NetworkError(f"{label}: the post-synaptic population has more dimensions ({dq}) than the "
                               f"pre-synaptic one ({dp})")
        for d in range(dq, dp):
            if kernel_shape[d] != pre_geo[d]:
                raise NetworkError(f"{label}: the post-synaptic population lacks dimension {d} of the "
                                   f"pre-synaptic one, so the filter must span it: size {pre_geo[d]}, got "
                                   f"{kernel_shape[d]}")

    def _given_centres(self, subsampling, places, label):
        try:
            centres = np.array(subsampling, dtype=np.float64)
        except (TypeError, ValueError):
            raise NetworkError(f"{label}: subsampling must be a list of coordinates") from None
        pre_geo = self.pre.geometry
        if centres.shape != (places, len(pre_geo)):
            raise NetworkError(f"{label}: subsampling must have {places} elements (one per post neuron) of "
                               f"{len(pre_geo)} coordinates, got shape {centres.shape}")
        if np.any(centres != np.round(centres)):
            raise NetworkError(f"{label}: subsampling coordinates must be whole numbers")
        centres = centres.astype(np.int64)
        if np.any(centres < 0) or np.any(centres >= np.array(pre_geo)):
            raise NetworkError(f"{label}: subsampling coordinates must lie inside the pre-synaptic geometry "
                               f"{pre_geo}")
        return centres

    # -- inspection -----------------------------------------------------------------------
    def center(self, *args):
        """Pre-synaptic coordinates of the centre of the filter of a post neuron (rank or
        coordinates)."""
        self._check_connected()
        post = self.post
        if len(args) == 1 and not isinstance(args[0], (tuple, list)):
            rank = int(args[0])
        else:
            coords = tuple(args[0]) if len(args) == 1 else tuple(args)
            rank = post.rank_from_coordinates(coords)
        if not 0 <= rank < post.size:
            raise NetworkError(f"Convolution '{self.name}': post rank {rank} outside the population")
        place = rank // self._pattern.n_filters
        return tuple(int(c) for c in self._centre_table()[place])

    def _centre_table(self):
        call = self._connect_call[1]
        kernel = call["weights"].shape[1:] if self.multiple else call["weights"].shape
        post_geo = self.post.geometry[:-1] if self.multiple else self.post.geometry
        label = f"Convolution '{self.name}'"
        return self._centres(kernel, self.keep_last_dimension, self.subsampling, label, post_geo)

    def _dense(self, variable, fill):
        """Equivalent ``(post.size, pre.size)`` weight matrix (positions outside the
        presynaptic population are left out)."""
        if variable != "w":
            raise NetworkError(f"Convolution '{self.name}' has no attribute '{variable}'")
        self._check_connected()
        pattern = self._pattern
        nf, k = pattern.n_filters, pattern.kernel_size
        w = self._filter().reshape(nf, k)
        dense = np.zeros((self.post.size, self.pre.size))
        rows = np.repeat(np.arange(self.post.size), k)
        cols = np.repeat(pattern.pre_index, nf, axis=0).reshape(-1)
        values = np.tile(w, (pattern.places, 1)).reshape(-1)
        if self.padding == "border":  # the positions outside read the nearest border neuron
            inside = np.ones(rows.shape, dtype=bool)
        else:
            inside = ~np.repeat(pattern.outside, nf, axis=0).reshape(-1)
        np.add.at(dense, (rows[inside], cols[inside]), values[inside])
        if fill != 0.0:
            present = np.zeros_like(dense, dtype=bool)
            present[rows[inside], cols[inside]] = True
            dense[~present] = fill
        return dense

    def _copy(self, network):
        copy = Convolution(network.get(self.pre), network.get(self.post), self.target, self.psp,
                           self.operation, self.name, network=network)
        return self._copy_connection(copy)
