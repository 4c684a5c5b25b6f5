"""``Monitor``: recording of population variables during the simulation.

Recorded values go into preallocated chunks (``_ChunkedRecord``): one row per recorded
step, one column per recorded neuron, new chunks added as the recording grows, so that a
step costs one copy into a row and never a list append of a fresh array.

Spike events (``'spike'``, ``'axon_spike'``) go into a ``_SpikeRecord``: two growing arrays,
the rank and the step of each event, also in chunks; a step copies the population's array of
spiking ranks (filtered to the view's neurons for a view) and fills the step numbers.
"""

import logging

import numpy as np

from annarray.core import spike_analysis as _analysis
from annarray.core.population import population_of
from annarray.errors import NetworkError

__all__ = ["Monitor"]

logger = logging.getLogger(__name__)


class _ChunkedRecord:
    """Rows of ``width`` values stored in chunks of ``chunk_rows`` rows.

    :param xp: array namespace of the recorded arrays (rows stay on their device).
    """

    def __init__(self, xp, width, dtype, chunk_rows=1024):
        self.xp = xp
        self.width = width
        self.dtype = dtype
        self.chunk_rows = chunk_rows
        self.chunks = []
        self.rows = 0

    def next_row(self):
        i = self.rows % self.chunk_rows
        if i == 0:
            self.chunks.append(self.xp.empty((self.chunk_rows, self.width), dtype=self.dtype))
        self.rows += 1
        return self.chunks[-1][i]

    def to_host(self, backend):
        if not self.rows:
            return np.zeros((0, self.width), dtype=self.dtype)
        data = backend.to_host(self.xp.concatenate(self.chunks)) if len(self.chunks) > 1 else backend.to_host(self.chunks[0])
        return data[: self.rows]

    def nbytes(self):
        return self.rows * self.width * np.dtype(self.dtype).itemsize

    def clear(self):
        self.chunks = []
        self.rows = 0


class _SpikeRecord:
    """Spike events stored as two growing arrays: ranks (the population's index type) and
    steps (int64), in chunks of ``capacity`` events (at least the population size, so that
    one step's events span at most two chunks).

    :param xp: array namespace of the population's spike arrays (events stay on the device).
    """

    def __init__(self, xp, rank_dtype, capacity):
        self.xp = xp
        self.rank_dtype = np.dtype(rank_dtype)
        self.capacity = int(capacity)
        self.clear()

    def clear(self):
        self.ranks = []  # chunks of ranks, each ``capacity`` long
        self.steps = []  # chunks of steps, same layout
        self.used = self.capacity  # events in the last chunk (full: the next append opens one)
        self.events = 0

    def append(self, ranks, n, step):
        """Adds the ``n`` events of ``ranks`` (an ``xp`` array of length ``n``) at ``step``."""
        if not n:
            return
        used = self.used
        if used + n <= self.capacity:  # the usual case: one copy into the open chunk
            self.ranks[-1][used:used + n] = ranks
            self.steps[-1][used:used + n] = step
            self.used = used + n
            self.events += n
            return
        done = 0
        while done < n:
            if self.used == self.capacity:
                self.ranks.append(self.xp.empty(self.capacity, dtype=self.rank_dtype))
                self.steps.append(self.xp.empty(self.capacity, dtype=np.int64))
                self.used = 0
            k = min(n - done, self.capacity - self.used)
            self.ranks[-1][self.used:self.used + k] = ranks[done:done + k]
            self.steps[-1][self.used:self.used + k] = step
            self.used += k
            done += k
        self.events += n

    def to_host(self, backend):
        """``(ranks, steps)``: NumPy int64 arrays of the events, in recording order."""
        if not self.events:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        sizes = [self.capacity] * (len(self.ranks) - 1) + [self.used]
        out = []
        for chunks in (self.ranks, self.steps):
            parts = [c[:k] for c, k in zip(chunks, sizes, strict=True)]
            joined = parts[0] if len(parts) == 1 else self.xp.concatenate(parts)
            out.append(np.asarray(backend.to_host(joined), dtype=np.int64))
        return out[0], out[1]

    def nbytes(self):
        return self.events * (self.rank_dtype.itemsize + 8)


def _conductances(pop):
    """Names of the conductances ``g_<target>`` of a spiking population that projections
    feed (recorded early, as the reference records the targets of connected projections)."""
    code = getattr(pop, "_code", None)
    if code is None or getattr(code, "spike", None) is None:
        return set()
    fed = {p.target for p in pop._net.projections if population_of(p.post) is pop}
    return {f"g_{t}" for t in code.conductance_targets if t in fed}


def _spike_capture(obj, pop, name, rec, xp):
    """The per-step function ``capture(step)`` that appends the events of ``name`` ('spike'
    or 'axon_spike') of ``pop`` to ``rec``, keeping only the neurons of a view ``obj``."""
    ranks_attr, count_attr = ("_spike_ranks", "_spike_count") if name == "spike" else \
        ("_axon_ranks", "_axon_count")
    view_ranks = getattr(obj, "ranks", None) if obj is not pop else None
    if view_ranks is None or np.unique(view_ranks).size == pop.size:

        def capture(step):
            n = getattr(pop, count_attr)
            if n:
                rec.append(getattr(pop, ranks_attr), n, step)

        return capture
    in_view = xp.zeros(pop.size, dtype=bool)
    in_view[xp.asarray(view_ranks)] = True

    def capture_view(step):
        if getattr(pop, count_attr):
            ranks = getattr(pop, ranks_attr)
            kept = ranks[in_view[ranks]]
            rec.append(kept, kept.shape[0], step)

    return capture_view


def _spike_dict(keys, ranks, steps):
    """``{rank: [steps]}`` for every recorded rank in ``keys`` (sorted), silent ones included."""
    order = np.argsort(ranks, kind="stable")
    sorted_ranks, sorted_steps = ranks[order], steps[order]
    bounds = np.searchsorted(sorted_ranks, keys[1:], side="left")
    parts = np.split(sorted_steps, bounds) if keys.size else []
    return {int(k): part.tolist() for k, part in zip(keys, parts, strict=True)}


_SPIKE_EVENTS = ("spike", "axon_spike")


def _is_view(obj):
    from annarray.core.population import PopulationView

    return isinstance(obj, PopulationView)


def _check_variables(obj, owner, variables):
    """Refuses names that ``obj`` cannot record (spike events need spiking neurons)."""
    for v in variables:
        if v in _SPIKE_EVENTS:
            _check_spike_events(obj, owner, v)
        elif v not in owner.attributes:
            raise NetworkError(
                f"Monitor on '{owner.name}': no attribute '{v}' to record; "
                f"its attributes are {', '.join(owner.attributes)}"
            )


def _check_spike_events(obj, owner, name):
    neuron = getattr(owner, "neuron_type", None)
    if neuron is None:
        raise NetworkError(
            f"Monitor on '{owner.name}': '{name}' events are recorded on populations of spiking "
            "neurons (or views of them), not on projections or dendrites")
    if neuron.type != "spike":
        raise NetworkError(
            f"Monitor on '{owner.name}': '{name}' cannot be recorded because the population is "
            "rate-coded (its neuron has no spike= condition); record 'r' instead, or use a "
            "spiking neuron")
    if name == "axon_spike" and not neuron.axon_spike:
        raise NetworkError(
            f"Monitor on '{owner.name}': 'axon_spike' cannot be recorded because the neuron "
            "defines no axon_spike= condition; record 'spike' or add axon_spike= to the neuron")


def _source(obj, owner, name, xp):
    """``(array, index, width)`` recorded for attribute ``name`` of ``obj``: the owner's array,
    what to take from it each step (None: all of it; a slice or an index array) and the
    number of values per recorded step."""
    arr = owner._state[name]
    if arr.ndim == 0:
        return arr.reshape(1), None, 1
    if obj is owner:
        return arr, None, arr.shape[0]
    if hasattr(obj, "ranks"):  # a view of a population
        return arr, xp.asarray(obj.ranks), obj.size
    # a dendrite: its synapses, or its one value of a postsynaptic variable
    index = slice(obj._index, obj._index + 1) if owner._attribute(name).locality == "semiglobal" else obj._slice
    return arr, index, index.stop - index.start


def _per_dendrite(data, indptr):
    """Per-synapse recordings ``(steps, nb_synapses)`` → ``(steps, dendrites, synapses)`` when
    all dendrites have the same size, else a ``(steps, dendrites)`` object array of lists
    (the reference's shapes, docs/reference_facts.md J6)."""
    lengths = np.diff(indptr)
    if lengths.size and np.all(lengths == lengths[0]):
        return data.reshape(data.shape[0], lengths.size, int(lengths[0]))
    out = np.empty((data.shape[0], lengths.size), dtype=object)
    for k, (a, b) in enumerate(zip(indptr[:-1], indptr[1:])):  # read-out, not simulation
        for step in range(data.shape[0]):
            out[step, k] = data[step, a:b].tolist()
    return out


class Monitor:
    """Records variables of a population, a view, a single neuron, a projection or a dendrite.

    :param obj: the :class:`Population`, :class:`PopulationView`, :class:`IndividualNeuron`,
        :class:`Projection` or :class:`Dendrite`.
    :param variables: name or list of names of the attributes to record.
    :param period: recording period (ms); default: every step.
    :param period_offset: offset of the recorded steps within a period (ms); default 0.
    :param start: whether recording starts at once (else call :meth:`start`).
    """

    def __init__(self, obj, variables=None, period=None, period_offset=None, start=True, net_id=0):
        from annarray.core.dendrite import Dendrite
        from annarray.core.population import Population, PopulationView
        from annarray.core.projection import Projection

        if isinstance(obj, (Population, Projection)):
            owner = obj
        elif isinstance(obj, PopulationView):
            owner = obj.population
        elif isinstance(obj, Dendrite):
            owner = obj.proj
        else:
            raise NetworkError(
                f"Monitor: cannot record {type(obj).__name__} objects; give a population, a view, "
                "a projection or a dendrite")
        self.object = obj
        self._population = owner  # the object holding the recorded arrays
        self._net = owner._net
        variables = [variables] if isinstance(variables, str) else list(variables or [])
        _check_variables(obj, owner, variables)
        self.variables = variables
        # ranks of the recorded neurons, as the keys of get('spike') (sorted, as the reference)
        self._spike_keys = np.unique(obj.ranks) if isinstance(obj, PopulationView) else \
            np.arange(owner.size if isinstance(owner, Population) else 0)
        self._set_period(period, period_offset)
        self._recording = False
        self._start_request = bool(start)
        self._periods = []  # [start_step, stop_step or None], in steps
        self._times = None  # periods as of the last get() (what times() reports)
        self._phase = 0  # recorded steps satisfy (step - _phase) % period == offset
        self._data = {}
        self._early_sources = {}
        self.name = f"Monitor of {self._population.name}"
        self._net._add_monitor(self)
        if self._net.compiled:
            self._init_recording()

    def _set_period(self, period, offset):
        dt = self._net.dt
        self.period = dt if period is None else float(period)
        self.period_offset = 0.0 if offset is None else float(offset)
        self._period_steps = int(round(self.period / dt))
        self._offset_steps = int(round(self.period_offset / dt))
        if self._period_steps < 1:
            raise NetworkError(f"Monitor: period {period} ms is smaller than dt = {dt} ms")
        if not 0 <= self._offset_steps < self._period_steps:
            raise NetworkError(f"Monitor: period_offset {offset} ms must lie in [0, period)")

    # -- called by the network ------------------------------------------------------------
    def _init_recording(self):
        self._phase = self._net._step % self._period_steps
        backend = self._net.backend()
        pop = self._population
        self._data = {}
        self._sources = {}
        self._early_sources = {}
        self._captures = []
        early = _conductances(pop)
        for v in self.variables:
            if v in _SPIKE_EVENTS:
                buffer = pop._spike_buffer if v == "spike" else pop._axon_buffer
                rec = _SpikeRecord(backend.xp, buffer.dtype, max(4096, pop.size))
                self._data[v] = rec
                self._captures.append(_spike_capture(self.object, pop, v, rec, backend.xp))
                continue
            src, index, width = _source(self.object, pop, v, backend.xp)
            self._data[v] = _ChunkedRecord(backend.xp, width, src.dtype)
            (self._early_sources if v in early else self._sources)[v] = (src, index)
        if self._start_request:
            self._start_recording()

    def _start_recording(self):
        self._recording = True
        self._periods.append([self._net._step, None])
        self._net._plan_dirty = True

    def _record(self):
        """Records the current step: spike events at every step (the reference ignores the
        period for them), values at the steps of the period."""
        step = self._net._step
        for capture in self._captures:
            capture(step)
        self._copy_rows(self._sources)

    def _record_early(self):
        """Records the conductances ``g_<target>`` of a spiking population right after spike
        propagation, before the neurons update and reset them (the reference's order,
        docs/reference_facts.md K)."""
        self._copy_rows(self._early_sources)

    def _copy_rows(self, sources):
        if not sources or (self._net._step - self._phase) % self._period_steps != self._offset_steps:
            return
        xp = self._net.backend().xp
        for v, (src, ranks) in sources.items():
            row = self._data[v].next_row()
            if ranks is None:
                row[...] = src
            elif isinstance(ranks, slice):
                row[...] = src[ranks]
            else:
                xp.take(src, ranks, out=row)

    # -- user interface -------------------------------------------------------------------
    def start(self, variables=None, period=None):
        """Starts recording (optionally other variables or another period)."""
        if variables is not None:
            variables = [variables] if isinstance(variables, str) else list(variables)
            _check_variables(self.object, self._population, variables)
            self.variables = variables
        if period is not None:
            self._set_period(period, self.period_offset)
            self._phase = self._net._step % self._period_steps
        self._start_request = True
        if self._net.compiled:
            if variables is not None or not self._data:
                self._init_recording()
            elif not self._recording:
                self._start_recording()

    def pause(self):
        """Stops recording until :meth:`resume`; the data stays."""
        if self._recording:
            self._recording = False
            self._periods[-1][1] = self._net._step
            self._net._plan_dirty = True
        self._start_request = False

    def resume(self):
        """Resumes recording after :meth:`pause`."""
        self._start_request = True
        if self._net.compiled and not self._recording:
            self._start_recording()

    def stop(self):
        """Stops recording and discards the data."""
        self.pause()
        for rec in self._data.values():
            rec.clear()
        self._periods = []

    @property
    def recording(self):
        return self._recording

    def save(self, filename, variables=None, keep=False, reshape=False, force_dict=False):
        """Saves recorded variables to ``.npy`` (one variable) or ``.hdf5`` (see
        :func:`annarray.core.monitor_list.save_monitor`)."""
        from annarray.core.monitor_list import save_monitor

        save_monitor(self, filename, variables, keep, reshape, force_dict)

    def get(self, variables=None, keep=False, reshape=False, force_dict=False):
        """Recorded values.

        :param variables: a name (returns one array) or a list (returns a dict); default all.
        :param keep: keep the data after reading (default: the monitor forgets it).
        :param reshape: shape each row as the geometry: ``(steps, *geometry)``.
        :param force_dict: return a dict even for a single variable.
        :returns: array of shape ``(steps, size)`` (``(steps,)`` for population-wide variables;
            an empty array when nothing was recorded since the last ``get()``). For ``'spike'``
            (and ``'axon_spike'``): a dict mapping each recorded rank (population ranks, also
            for a view; silent neurons included) to the list of steps (ints) at which it spiked.
        """
        names = [variables] if isinstance(variables, str) else list(variables or self.variables)
        single = len(names) == 1 and variables is not None and not force_dict
        backend = self._net.backend() if self._net.compiled else None
        out = {}
        for v in names:
            if v not in self.variables:
                raise NetworkError(f"{self.name}: '{v}' is not recorded (recorded: {', '.join(self.variables)})")
            rec = self._data.get(v)
            if v in _SPIKE_EVENTS:
                events = rec.to_host(backend) if rec is not None and backend is not None else \
                    (np.zeros(0, dtype=np.int64),) * 2
                out[v] = _spike_dict(self._spike_keys, *events)
                continue
            data = rec.to_host(backend) if rec is not None and backend is not None else np.zeros((0, 1))
            if data.shape[0] == 0:
                data = np.array([])
            elif data.shape[1] == 1 and (self._population._attribute(v).locality == "global" or (
                    hasattr(self.object, "_slice") and self._population._attribute(v).locality == "semiglobal")):
                data = data[:, 0]
            elif getattr(self.object, "synapse_type", None) is not None and \
                    self._population._attribute(v).locality == "local":
                data = _per_dendrite(data, self.object._conn.indptr)
            elif reshape:
                data = data.reshape((data.shape[0],) + tuple(self.object.geometry))
            out[v] = data
        step = self._net._step
        self._times = [[p[0], p[1] if p[1] is not None else step] for p in self._periods]
        if not keep:
            for v in names:
                if v in self._data:
                    self._data[v].clear()
            self._periods = [[step, None]] if self._recording else []
        return out[names[0]] if single else out

    def times(self, variables=None):
        """For each variable, ``{'start': [...], 'stop': [...]}``: the recording periods (in
        steps) of the data returned by the last ``get()``, as the reference reports them."""
        names = [variables] if isinstance(variables, str) else list(variables or self.variables)
        periods = self._times if self._times is not None else self._periods
        starts = [p[0] for p in periods]
        stops = [p[1] for p in periods]
        return {v: {"start": list(starts), "stop": list(stops)} for v in names}

    def size_in_bytes(self):
        """Bytes held by the recorded data."""
        return sum(rec.nbytes() for rec in self._data.values())

    def reset(self):
        for rec in self._data.values():
            rec.clear()
        self._periods = [[self._net._step, None]] if self._recording else []

    # -- spike analysis (docs/reference_facts.md L; the functions are in spike_analysis) ----
    def _spike_trains(self, spikes, what):
        """The spike data to analyse: ``spikes`` if given (and not empty), else ``get('spike')``
        (which empties the recording, as in the reference)."""
        if "spike" not in self.variables:
            raise NetworkError(
                f"{self.name}: {what} needs recorded spikes, but this monitor records "
                f"{', '.join(self.variables) or 'nothing'}; create it with "
                f"Monitor({self._population.name}, 'spike') (or ['spike', ...])")
        return _analysis._trains(self.get("spike") if not spikes else spikes, f"{self.name}: {what}")

    def _spike_window(self):
        """``(start, stop)`` in steps of the last recording period returned by ``get()``."""
        period = self.times("spike")["spike"]
        start, stop = period["start"][-1], period["stop"][-1]
        return start, self._net._step if stop is None else stop

    def raster_plot(self, spikes=None):
        """Spike times (ms) and ranks, one entry per spike (see :func:`raster_plot`).

        :param spikes: the dict of ``get('spike')``; default: calls ``get('spike')``, which
            empties the recording.
        :returns: ``(times, ranks)``, two 1-D arrays as long as the number of spikes.
        """
        return _analysis._raster_plot(self._spike_trains(spikes, "raster_plot()"), self._net.dt)

    def histogram(self, spikes=None, bins=None, per_neuron=False, recording_window=None):
        """Spike counts in bins of ``bins`` ms (default dt) from the first to the last spike,
        or over ``recording_window`` = (first, last) step (see :func:`histogram`)."""
        what = "histogram()"
        return _analysis._histogram(self._spike_trains(spikes, what), self._net.dt, bins,
                                    per_neuron, recording_window, f"{self.name}: {what}")

    def inter_spike_interval(self, spikes=None, ranks=None, per_neuron=False):
        """Inter-spike intervals in ms: a flat list, or ``{rank: list}`` with ``per_neuron``
        (see :func:`inter_spike_interval`)."""
        trains = self._spike_trains(spikes, "inter_spike_interval()")
        return _analysis._inter_spike_interval(trains, self._net.dt, ranks, per_neuron)

    def coefficient_of_variation(self, spikes=None, ranks=None, per_neuron=False):
        """ISI coefficient of variation of the neurons with at least 3 spikes: a list, or
        ``{rank: cv}`` with ``per_neuron`` (see :func:`coefficient_of_variation`)."""
        trains = self._spike_trains(spikes, "coefficient_of_variation()")
        return _analysis._coefficient_of_variation(trains, self._net.dt, ranks, per_neuron)

    def mean_fr(self, spikes=None):
        """Mean firing rate (Hz) of the recorded neurons over the last recording period (from
        ``times()``: stop - start steps), silent neurons included."""
        what = "mean_fr()"
        trains = self._spike_trains(spikes, what)
        start, stop = self._spike_window()
        neurons = self.object.ranks if _is_view(self.object) else \
            np.arange(self._population.size)
        total = int(trains.counts[np.isin(trains.keys, neurons)].sum())
        return _analysis._mean_fr(total, len(neurons), stop - start, self._net.dt,
                                  f"{self.name}: {what}")

    def smoothed_rate(self, spikes=None, smooth=0.0):
        """Instantaneous rate (Hz) of each recorded neuron at each step of the last recording
        period: float64 array ``(neurons, stop - start)`` (see :func:`smoothed_rate`).

        :param smooth: time constant (ms) of a low-pass filter along time (0: none).
        """
        what = "smoothed_rate()"
        _analysis._check_smooth(smooth, f"{self.name}: {what}")
        trains = self._spike_trains(spikes, what)
        start, stop = self._spike_window()
        return _analysis._smoothed_rate(trains, self._net.dt, start, stop, smooth)

    def population_rate(self, spikes=None, smooth=0.0):
        """Rate (Hz) of the recorded population at each step ``start .. stop`` (inclusive) of
        the last recording period: float64 array of ``stop - start + 1`` values (see
        :func:`population_rate`).

        :param smooth: time constant (ms) of a low-pass filter; none when ``smooth <= dt``.
        """
        what = "population_rate()"
        _analysis._check_smooth(smooth, f"{self.name}: {what}")
        trains = self._spike_trains(spikes, what)
        start, stop = self._spike_window()
        return _analysis._population_rate(trains, self._net.dt, start, stop, smooth)

    def _copy(self, network):
        obj = network.get(self.object)
        return Monitor(obj, list(self.variables), self.period, self.period_offset, self._start_request)
