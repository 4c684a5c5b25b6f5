"""Analysis of recorded spike trains (after the simulation, NumPy on the host).

Every function takes the dict that ``Monitor.get('spike')`` returns: recorded rank → list of
the steps (ints) at which that neuron spiked, in increasing order (the dict returned by
``get()`` with a ``'spike'`` key is accepted too). Times in the results are in ms, rates in
Hz, and windows given to or taken from the monitor in steps, as in ANNarchy 4.8
(docs/reference_facts.md, section L, lists the measured figures).

Two quirks of the reference are kept on purpose so that the numbers agree: ``smoothed_rate``
and ``population_rate`` compute with ``dt`` (and ``dt / smooth``) rounded to single precision,
and ``mean_fr(spikes, duration=...)`` takes the duration in steps. One is not:
``smoothed_rate`` places the rates relative to the start of the recording, where 4.8.2
indexes them by absolute step (which leaves its result empty or shifted when the recording
did not start at step 0).
"""

import itertools
from collections import namedtuple

import numpy as np

from annarray.errors import NetworkError

__all__ = [
    "raster_plot",
    "histogram",
    "inter_spike_interval",
    "coefficient_of_variation",
    "population_rate",
    "smoothed_rate",
    "mean_fr",
]

# keys: recorded ranks in dict order; counts: spikes per key; ranks/steps: one entry per
# spike, grouped by neuron in dict order (all int64 arrays)
_Trains = namedtuple("_Trains", "keys counts ranks steps")


# -- helpers ------------------------------------------------------------------------------
def _global_dt():
    from annarray.config import get_config

    return float(get_config("dt"))


def _f32(x):
    """``x`` rounded to single precision (the reference's C ``float``), as a Python float."""
    return float(np.float32(x))


def _unwrap(spikes, what):
    """The rank → steps dict inside ``spikes`` (also accepts ``{'spike': {...}}``)."""
    if not isinstance(spikes, dict):
        raise NetworkError(
            f"{what}: expects the dict rank -> spike steps returned by Monitor.get('spike'), "
            f"got {type(spikes).__name__}")
    for key in ("spike", "axon_spike"):
        if isinstance(spikes.get(key), dict):
            return spikes[key]
    return spikes


def _trains(spikes, what):
    """Flattens the spike dict into :class:`_Trains` (vectorised; no loop over spikes)."""
    spikes = _unwrap(spikes, what)
    try:
        keys = np.fromiter(spikes.keys(), dtype=np.int64, count=len(spikes))
        counts = np.fromiter(map(len, spikes.values()), dtype=np.int64, count=len(spikes))
        steps = np.fromiter(itertools.chain.from_iterable(spikes.values()), dtype=np.int64,
                            count=int(counts.sum()))
    except (TypeError, ValueError) as err:
        raise NetworkError(
            f"{what}: expects a dict mapping each neuron rank (int) to its list of spike steps, "
            f"as returned by Monitor.get('spike') ({err})") from None
    return _Trains(keys, counts, np.repeat(keys, counts), steps)


def _span(trains, what):
    """First and last spike step over all neurons; an error when nothing spiked."""
    if trains.steps.size == 0:
        raise NetworkError(
            f"{what}: the spike data holds no spike, so the recording window cannot be deduced; "
            "use the Monitor method (which knows the recording period) or pass the window")
    return int(trains.steps.min()), int(trains.steps.max())


def _check_smooth(smooth, what):
    if smooth < 0:
        raise NetworkError(f"{what}: smooth must be a time constant >= 0 ms, got {smooth}")


def _low_pass(rates, delta):
    """``y[0] = x[0]``, ``y[t+1] = y[t] + (x[t+1] - y[t]) * delta`` along the last axis.

    The recursion runs step by step (vectorised over neurons) in the reference's order of
    operations, so that the values agree with it to the last bit.
    """
    if rates.ndim == 1:
        x = rates.tolist()
        y = x[:1]
        for value in x[1:]:
            y.append(y[-1] + (value - y[-1]) * delta)
        return np.array(y, dtype=np.float64)
    x = np.ascontiguousarray(rates.T)  # (time, neurons): one contiguous row per step
    y = np.empty_like(x)
    tmp = np.empty(x.shape[1:], dtype=x.dtype)
    if x.shape[0]:
        y[0] = x[0]
    for t in range(x.shape[0] - 1):
        np.subtract(x[t + 1], y[t], out=tmp)
        np.multiply(tmp, delta, out=tmp)
        np.add(y[t], tmp, out=y[t + 1])
    return y.T  # (neurons, time), the reference's shape


def _fill_intervals(shape, row, lo, hi, value):
    """Array of ``shape`` (rows, steps), zero except ``out[row[i], lo[i]:hi[i]] = value[i]``.

    The intervals of one row must be sorted and disjoint (consecutive ISIs). Each interval
    gets an id, increasing along the row, with an id of value 0 closing the row's last
    interval; a running maximum along the row spreads the ids, then the values are gathered.
    """
    rows, d = shape
    keep = hi > lo
    row, lo, hi, value = row[keep], lo[keep], hi[keep], value[keep]
    if row.size == 0:
        return np.zeros(shape)
    last = np.append(row[1:] != row[:-1], True)  # last interval of its row
    # ids: 1, 2, ... per interval, plus one after each row's last interval for the closing id
    ids = np.arange(1, row.size + 1) + np.concatenate(([0], np.cumsum(last)[:-1]))
    marks = np.zeros((rows, d + 1), dtype=np.int32 if ids[-1] + 2 < 2**31 else np.int64)
    marks[row, lo] = ids
    marks[row[last], hi[last]] = ids[last] + 1
    np.maximum.accumulate(marks, axis=1, out=marks)
    values = np.zeros(int(ids[-1]) + 2)
    values[ids] = value
    return values[marks[:, :d]]


def _isi_groups(trains, dt, ranks):
    """ISIs (ms) in dict order, the position of their neuron in ``trains.keys``, and the mask
    of the neurons kept (at least 2 spikes, in ``ranks`` when given)."""
    same = trains.ranks[1:] == trains.ranks[:-1]
    isi = np.diff(trains.steps)[same] * dt
    group = np.repeat(np.arange(trains.keys.size), np.maximum(trains.counts - 1, 0))
    kept = trains.counts >= 2
    if ranks is not None:
        kept &= np.isin(trains.keys, np.asarray(list(ranks), dtype=np.int64))
    return isi, group, kept


# -- implementations with an explicit dt / window (the Monitor methods call these) ---------
def _raster_plot(trains, dt):
    return dt * trains.steps.astype(np.float64), trains.ranks.copy()


def _histogram(trains, dt, bins, per_neuron, recording_window, what):
    bins = dt if bins is None else float(bins)
    bin_step = int(bins / dt)  # the reference truncates: 2.5 ms with dt = 1 → 2 steps
    if bin_step < 1:
        raise NetworkError(f"{what}: bins = {bins} ms is smaller than dt = {dt} ms")
    if recording_window is None:
        t_min, t_max = _span(trains, what)
    else:
        t_min, t_max = (int(x) for x in recording_window)
        if t_max < t_min:
            raise NetworkError(f"{what}: recording_window {recording_window} must be (start, stop) in steps")
    nb = (t_max - t_min) // bin_step + 1
    inside = (trains.steps >= t_min) & (trains.steps <= t_max)
    index = (trains.steps[inside] - t_min) // bin_step
    if not per_neuron:
        return np.bincount(index, minlength=nb).astype(np.int64)
    rows = int(trains.keys.max()) + 1 if trains.keys.size else 0
    flat = trains.ranks[inside] * nb + index
    return np.bincount(flat, minlength=rows * nb).astype(np.int64).reshape(rows, nb)


def _inter_spike_interval(trains, dt, ranks, per_neuron):
    isi, group, kept = _isi_groups(trains, dt, ranks)
    if not per_neuron:
        return isi[kept[group]].tolist()
    parts = np.split(isi, np.cumsum(np.maximum(trains.counts - 1, 0))[:-1])
    return {int(k): parts[i].tolist() for i, k in enumerate(trains.keys) if kept[i]}


def _coefficient_of_variation(trains, dt, ranks, per_neuron):
    isi, group, kept = _isi_groups(trains, dt, ranks)
    n = np.bincount(group, minlength=trains.keys.size)
    kept &= n >= 2  # a CV needs at least two intervals
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(group, isi, minlength=n.size) / n
        var = np.bincount(group, (isi - mean[group]) ** 2, minlength=n.size) / n
        cv = np.sqrt(var) / mean
    if per_neuron:
        return {int(k): float(cv[i]) for i, k in enumerate(trains.keys) if kept[i]}
    return cv[kept].tolist()


def _population_rate(trains, dt, start, stop, smooth):
    """Rate (Hz) of the whole recorded population at each step ``start..stop`` (inclusive)."""
    d = stop - start + 1
    inside = (trains.steps >= start) & (trains.steps <= stop)
    rates = np.bincount(trains.steps[inside] - start, minlength=max(d, 0)).astype(np.float64)
    dt32 = np.float32(dt)
    rates /= float(dt32 * np.float32(trains.keys.size)) / 1000.0
    if _f32(smooth) <= float(dt32):
        return rates
    return _low_pass(rates, float(dt32 / np.float32(smooth)))


def _smoothed_rate(trains, dt, start, stop, smooth):
    """Instantaneous rate (Hz) of each recorded neuron at each step of ``[start, stop)``.

    Between two consecutive spikes a and b (steps) of a neuron, the steps ``a .. b-1`` get
    ``1000 / (dt * (b - a))``; only intervals opened by a spike after ``start`` count (the
    reference's rule), so the steps before a neuron's first spike and after its last are 0.
    """
    d = max(stop - start, 0)
    same = trains.ranks[1:] == trains.ranks[:-1]
    a, b = trains.steps[:-1][same], trains.steps[1:][same]
    row = np.repeat(np.arange(trains.keys.size), np.maximum(trains.counts - 1, 0))
    opened = (a > start) & (b > a)
    a, b, row = a[opened], b[opened], row[opened]
    value = 1000.0 / float(np.float32(dt)) / (b - a).astype(np.float64)
    rates = _fill_intervals((trains.keys.size, d), row, np.clip(a - start, 0, d),
                            np.clip(b - start, 0, d), value)
    if _f32(smooth) == 0.0:
        return rates
    return _low_pass(rates, float(np.float32(dt) / np.float32(smooth)))


def _mean_fr(total_spikes, nb_neurons, duration_steps, dt, what):
    if nb_neurons == 0 or duration_steps == 0:
        raise NetworkError(
            f"{what}: the mean firing rate needs at least one neuron and a recording of at least "
            f"one step (got {nb_neurons} neurons, {duration_steps} steps)")
    return total_spikes / float(nb_neurons) / duration_steps / dt * 1000.0


# -- public functions ---------------------------------------------------------------------
def raster_plot(spikes):
    """Spike times and ranks, one entry per spike, for plotting a raster.

    :param spikes: dict rank → spike steps (``Monitor.get('spike')``).
    :returns: ``(times, ranks)``: 1-D arrays of the same length (the number of spikes);
        ``times`` in ms (steps × dt, float64), ``ranks`` int64, neuron by neuron in the
        dict's order.
    """
    return _raster_plot(_trains(spikes, "raster_plot()"), _global_dt())


def histogram(spikes, bins=None, per_neuron=False, recording_window=None):
    """Number of spikes in successive bins.

    :param spikes: dict rank → spike steps.
    :param bins: bin width in ms (default dt), truncated to whole steps.
    :param per_neuron: one row per rank ``0 .. max(rank)`` instead of the population total.
    :param recording_window: ``(first, last)`` step covered (inclusive; default: first and
        last spike). Spikes outside it are ignored.
    :returns: int64 array of ``(last - first) // bin_steps + 1`` counts (shape
        ``(max_rank + 1, nb_bins)`` with ``per_neuron``).
    """
    return _histogram(_trains(spikes, "histogram()"), _global_dt(), bins, per_neuron,
                      recording_window, "histogram()")


def inter_spike_interval(spikes, ranks=None, per_neuron=False):
    """Intervals between consecutive spikes of each neuron (ms).

    :param spikes: dict rank → spike steps.
    :param ranks: only these ranks (default all). Neurons with fewer than 2 spikes are left out.
    :param per_neuron: return ``{rank: [isi, ...]}`` instead of one flat list.
    :returns: list of floats (ms), neuron by neuron in the dict's order, or a dict.
    """
    return _inter_spike_interval(_trains(spikes, "inter_spike_interval()"), _global_dt(), ranks,
                                 per_neuron)


def coefficient_of_variation(spikes, ranks=None, per_neuron=False):
    """Coefficient of variation (std / mean, population std) of each neuron's ISIs.

    :param spikes: dict rank → spike steps.
    :param ranks: only these ranks (default all). Neurons with fewer than 3 spikes (2 ISIs)
        are left out.
    :param per_neuron: return ``{rank: cv}`` instead of a list.
    :returns: list of floats (dimensionless), or a dict.
    """
    return _coefficient_of_variation(_trains(spikes, "coefficient_of_variation()"), _global_dt(),
                                     ranks, per_neuron)


def population_rate(spikes, smooth=0.0):
    """Firing rate (Hz) of the population at each step from its first to its last spike.

    :param spikes: dict rank → spike steps; every key counts as a neuron, silent or not.
    :param smooth: time constant (ms) of a first-order low-pass filter; no filter when
        ``smooth <= dt``.
    :returns: float64 array of ``last - first + 1`` values: spikes at that step /
        (number of neurons × dt) × 1000.
    """
    what = "population_rate()"
    _check_smooth(smooth, what)
    trains = _trains(spikes, what)
    start, stop = _span(trains, what)
    return _population_rate(trains, _global_dt(), start, stop, smooth)


def smoothed_rate(spikes, smooth=0.0):
    """Instantaneous firing rate (Hz) of each neuron, from the inverse of its ISIs.

    :param spikes: dict rank → spike steps.
    :param smooth: time constant (ms) of a first-order low-pass filter along time (0: none).
    :returns: float64 array ``(neurons, last - first)``: one row per key of ``spikes``, one
        column per step from the first spike (over all neurons) to the last one, excluded.
    """
    what = "smoothed_rate()"
    _check_smooth(smooth, what)
    trains = _trains(spikes, what)
    start, stop = _span(trains, what)
    return _smoothed_rate(trains, _global_dt(), start, stop, smooth)


def mean_fr(spikes, duration=None):
    """Mean firing rate (Hz) of the recorded neurons.

    :param spikes: dict rank → spike steps; every key counts as a neuron.
    :param duration: length of the recording in STEPS, as the reference computes it (default:
        last spike step - first spike step).
    :returns: spikes / neurons / (duration × dt) × 1000.
    """
    what = "mean_fr()"
    trains = _trains(spikes, what)
    if duration is None:
        start, stop = _span(trains, what)
        duration = stop - start
    return _mean_fr(int(trains.steps.size), trains.keys.size, duration, _global_dt(), what)
