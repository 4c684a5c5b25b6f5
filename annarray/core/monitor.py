"""``Monitor``: recording of population variables during the simulation.

Recorded values go into preallocated chunks (``_ChunkedRecord``): one row per recorded
step, one column per recorded neuron, new chunks added as the recording grows, so that a
step costs one copy into a row and never a list append of a fresh array.
"""

import logging

import numpy as np

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
        for v in variables:
            if v not in owner.attributes:
                raise NetworkError(
                    f"Monitor on '{owner.name}': no attribute '{v}' to record; "
                    f"its attributes are {', '.join(owner.attributes)}"
                )
        self.variables = variables
        self._set_period(period, period_offset)
        self._recording = False
        self._start_request = bool(start)
        self._periods = []  # [start_step, stop_step or None], in steps
        self._times = None  # periods as of the last get() (what times() reports)
        self._phase = 0  # recorded steps satisfy (step - _phase) % period == offset
        self._data = {}
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
        for v in self.variables:
            src, index, width = _source(self.object, pop, v, backend.xp)
            self._data[v] = _ChunkedRecord(backend.xp, width, src.dtype)
            self._sources[v] = (src, index)
        if self._start_request:
            self._start_recording()

    def _start_recording(self):
        self._recording = True
        self._periods.append([self._net._step, None])
        self._net._plan_dirty = True

    def _record(self):
        if (self._net._step - self._phase) % self._period_steps != self._offset_steps:
            return
        xp = self._net.backend().xp
        for v, (src, ranks) in self._sources.items():
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
            self.variables = [variables] if isinstance(variables, str) else list(variables)
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

    def get(self, variables=None, keep=False, reshape=False, force_dict=False):
        """Recorded values.

        :param variables: a name (returns one array) or a list (returns a dict); default all.
        :param keep: keep the data after reading (default: the monitor forgets it).
        :param reshape: shape each row as the geometry: ``(steps, *geometry)``.
        :param force_dict: return a dict even for a single variable.
        :returns: array of shape ``(steps, size)`` (``(steps,)`` for population-wide variables;
            an empty array when nothing was recorded since the last ``get()``).
        """
        names = [variables] if isinstance(variables, str) else list(variables or self.variables)
        single = len(names) == 1 and variables is not None and not force_dict
        backend = self._net.backend() if self._net.compiled else None
        out = {}
        for v in names:
            if v not in self.variables:
                raise NetworkError(f"{self.name}: '{v}' is not recorded (recorded: {', '.join(self.variables)})")
            rec = self._data.get(v)
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

    def _copy(self, network):
        obj = network.get(self.object)
        return Monitor(obj, list(self.variables), self.period, self.period_offset, self._start_request)
