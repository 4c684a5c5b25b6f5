"""``SpikeSourceArray``: spiking neurons that fire at given times.

The spike times of all neurons are turned, at ``compile()`` (and whenever they are set),
into one array of events sorted by (step, rank). Each step then emits one contiguous slice
of it: no loop over neurons, and one comparison of host integers per step.

Timing (the reference's, measured on ANNarchy 4.8.2; docs/reference_facts.md section M): a
time ``t`` ms becomes step ``round(t / dt)`` (ties to even), duplicates are merged, and the
spike is emitted during that step (``pop.spike`` shows it after the step; a projection
delivers it at the next step). Times are counted on the population's own clock, which
starts at ``compile()`` and restarts at ``pop.reset()``; times already past when new spike
times are set are skipped.
"""

import numbers

import numpy as np

from annarray.core.neuron import Neuron
from annarray.core.population import Population
from annarray.errors import NetworkError
from annarray.inputs._common import copy_population_state, steps_round

__all__ = ["SpikeSourceArray"]


def _normalize_times(spike_times, owner):
    """``spike_times`` as a list (one entry per neuron) of float arrays; checks the values."""
    if isinstance(spike_times, np.ndarray):
        spike_times = spike_times.tolist()
    if not isinstance(spike_times, (list, tuple)):
        raise NetworkError(f"{owner}: spike_times must be a list of times (ms) for one neuron, or a "
                           f"list of such lists (one per neuron), got {type(spike_times).__name__}")
    nested = [isinstance(x, (list, tuple, np.ndarray)) for x in spike_times]
    if spike_times and all(nested):
        per_neuron = [list(np.asarray(x, dtype=object).ravel()) for x in spike_times]
    elif any(nested):
        raise NetworkError(f"{owner}: spike_times mixes numbers and lists; give a list of times for "
                           "one neuron, or a list of lists (one per neuron, [] for a silent one)")
    else:
        per_neuron = [list(spike_times)]
    result = []
    for rank, times in enumerate(per_neuron):
        for t in times:
            if isinstance(t, bool) or not isinstance(t, numbers.Real):
                raise NetworkError(f"{owner}: the spike times of neuron {rank} must be numbers (ms), "
                                   f"got {t!r}")
        arr = np.asarray(times, dtype=np.float64)
        if not np.all(np.isfinite(arr)):
            raise NetworkError(f"{owner}: the spike times of neuron {rank} must be finite")
        if np.any(arr < 0):
            raise NetworkError(
                f"{owner}: neuron {rank} has a negative spike time ({arr.min()} ms); spike times are "
                "counted from the start of the simulation (or the last reset()) and must be >= 0")
        result.append(arr)
    return result


class SpikeSourceArray(Population):
    """Spiking neurons emitting spikes at the given times.

    :param spike_times: times (ms) of the spikes of a single neuron, or a list of such lists,
        one per neuron (``[]`` for a neuron that never fires). The population is 1-D, with
        one neuron per list. Times are rounded to the nearest step; they need not be sorted
        (they are sorted, and duplicates merged); negative times are refused.
    :param name: unique name.

    ``pop.spike_times`` (or :meth:`set_spike_times`) replaces the times at any moment, with
    the same number of neurons; ``pop.reset()`` restarts the population's clock, so that the
    same spike trains are emitted again relative to that moment.
    """

    def __init__(self, spike_times, name=None, copied=False, network=None):
        owner = f"SpikeSourceArray '{name}'" if name else "SpikeSourceArray"
        times = _normalize_times(spike_times, owner)
        neuron = Neuron(parameters="", equations="", spike="t < 0", name="Spike source",
                        description="Spike source array.")
        super().__init__(len(times), neuron, name=name, network=network)
        self._times = times
        self._spike_times_arg = spike_times
        self._clock = 0  # steps simulated since compile() or the last reset()
        self._events = None

    # -- spike times ------------------------------------------------------------------------
    @property
    def spike_times(self):
        """The spike times (ms), one list per neuron: as given before ``compile()``; after it,
        the times actually used (rounded to steps, sorted, without duplicates)."""
        if self._state is None:
            return [t.tolist() for t in self._times]
        dt = self._net.dt
        return [(steps * dt).tolist() for steps in self._neuron_steps]

    @spike_times.setter
    def spike_times(self, value):
        self.set_spike_times(value)

    def set_spike_times(self, spike_times):
        """Replaces the spike times (one list, or one list per neuron; same number of neurons).
        After ``compile()``, the times before the population's current time are skipped."""
        times = _normalize_times(spike_times, f"SpikeSourceArray '{self.name}'")
        if len(times) != self.size:
            raise NetworkError(
                f"SpikeSourceArray '{self.name}': spike_times has {len(times)} neuron(s), the population "
                f"has {self.size}; give one list of times per neuron")
        self._times = times
        self._spike_times_arg = spike_times
        if self._state is not None:
            self._build_events()

    def _build_events(self):
        """Sorted (step, rank) events on the device; host lists of the distinct steps and of
        the slice of events of each."""
        backend = self._net.backend()
        self._neuron_steps = [np.unique(steps_round(t, self._net.dt)) for t in self._times]
        counts = [len(s) for s in self._neuron_steps]
        steps = np.concatenate(self._neuron_steps) if self._neuron_steps else np.zeros(0, np.int64)
        ranks = np.repeat(np.arange(self.size), counts)
        order = np.lexsort((ranks, steps))
        steps, ranks = steps[order], ranks[order]
        distinct, starts = np.unique(steps, return_index=True)
        ends = np.append(starts[1:], steps.size)
        self._event_ranks = backend.xp.asarray(ranks.astype(backend.index_dtype(self.size)))
        self._event_steps = distinct.tolist()
        self._event_slices = list(zip(starts.tolist(), ends.tolist(), strict=True))
        self._seek()

    def _seek(self):
        """Points at the first distinct step not before the population's clock."""
        self._cursor = int(np.searchsorted(np.asarray(self._event_steps, dtype=np.int64), self._clock))

    # -- simulation -------------------------------------------------------------------------
    def _instantiate(self, code, backend, shared):
        self._clock = 0
        super()._instantiate(code, backend, shared)
        self._build_events()

    def _build_ops(self, code, backend, ns):
        # the neuron is a placeholder: its equations and spike condition never run
        self._global_ops = []
        ops = [self._emit_op(backend, ns)]
        if self._fr_window is not None and int(self._fr_window / self._net.dt) > 0:
            ops.append(self._firing_rate_op(backend, ns))
        return ops

    def _emit_op(self, backend, ns):
        spiked, t_last, t, buffer = ns["_spiked"], ns["_t_last"], ns["t"], self._spike_buffer
        empty = buffer[:0]

        def emit():
            if self._spike_count:
                spiked[self._spike_ranks] = False
            clock, k = self._clock, self._cursor
            self._clock = clock + 1
            if k < len(self._event_steps) and self._event_steps[k] == clock:
                a, b = self._event_slices[k]
                ranks = buffer[: b - a]
                ranks[...] = self._event_ranks[a:b]
                spiked[ranks] = True
                t_last[ranks] = t
                self._spike_ranks, self._spike_count = ranks, b - a
                self._cursor = k + 1
            else:
                self._spike_ranks, self._spike_count = empty, 0

        return emit

    def reset(self, attributes=-1):
        """Restores the attributes and restarts the population's clock: the spike times count
        again from now."""
        super().reset(attributes)
        if self._state is not None:
            self._clock = 0
            self._seek()

    def _copy(self, network):
        pop = SpikeSourceArray([t.tolist() for t in self._times], name=self.name, network=network)
        return copy_population_state(self, pop)
