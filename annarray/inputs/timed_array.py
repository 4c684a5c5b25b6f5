"""``TimedArray`` and ``TimedPoissonPopulation``: inputs that follow a schedule.

Both keep the whole sequence of inputs on the device (one row per scheduled change) and a
small host-side state machine, the reference's: a clock counting the population's steps
(from ``compile()`` or the last ``reset()``), the index of the next block, and the period.
At each step, if the clock equals the scheduled step of the next block, that row is copied
into the population (``r``, or the Poisson rates) and the next block is armed (after the
last one, block 0 is armed again, which is reached only through the period); when the
clock reaches ``period - 1`` both the clock and the block index restart. The copy is one
device operation, done only at the scheduled steps.

Timing measured on ANNarchy 4.8.2 (docs/reference_facts.md section M): ``r`` is 0 after
``compile()`` and takes row ``k`` during the step whose index (on the population's clock)
is ``schedule[k] / dt``; a projection reads it at the next step.
"""

import logging

import numpy as np

from annarray.core.neuron import Neuron
from annarray.core.population import Population
from annarray.errors import NetworkError
from annarray.inputs._common import check_rates, copy_population_state, geometry_size, is_number, steps_floor

__all__ = ["TimedArray", "TimedPoissonPopulation"]

logger = logging.getLogger(__name__)


class _Schedule:
    """The reference's schedule state machine (host integers only).

    :param steps: step of each block (strictly increasing).
    :param period: period in steps, or -1 (no cycling).
    """

    def __init__(self, steps, period):
        self.steps = [int(s) for s in steps]
        self.period = int(period)
        self.clock = 0
        self.block = 0

    def restart(self):
        self.clock = 0
        self.block = 0

    def advance(self):
        """One step: the block to show now (or None), then the clock moves on."""
        shown = None
        clock, block = self.clock, self.block
        if block < len(self.steps) and clock == self.steps[block]:
            shown = block
            block += 1
            if block == len(self.steps):
                block = 0
        if self.period > -1 and clock == self.period - 1:
            block, clock = 0, -1
        self.clock, self.block = clock + 1, block
        return shown


def _check_schedule(times, owner, dt=None):
    try:
        times = np.asarray(times, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise NetworkError(f"{owner}: the schedule must be a duration or a list of times (ms)") from None
    if times.size == 0:
        raise NetworkError(f"{owner}: the schedule is empty; give at least one time (ms)")
    if not np.all(np.isfinite(times)) or np.any(times < 0):
        raise NetworkError(f"{owner}: the schedule times must be finite and >= 0 ms, got {times.tolist()}")
    if np.any(np.diff(times) <= 0):
        raise NetworkError(
            f"{owner}: the schedule times must be strictly increasing, got {times.tolist()} "
            "(a time at or before the previous one would never be reached)")
    dt = _config_dt() if dt is None else dt
    if np.any(np.diff(steps_floor(times, dt)) <= 0):
        raise NetworkError(f"{owner}: two schedule times {times.tolist()} fall in the same step of "
                           f"dt = {dt} ms; give at most one time per step")
    return times


def _check_period(period, owner, dt=None):
    if not is_number(period):
        raise NetworkError(f"{owner}: period must be a number of ms (-1 for no cycling), got {period!r}")
    _period_steps(float(period), _config_dt() if dt is None else dt, owner)
    return float(period)


def _period_steps(period, dt, owner):
    if period <= 0:
        return -1
    steps = int(steps_floor(period, dt))
    if steps < 1:
        raise NetworkError(f"{owner}: the period ({period} ms) is shorter than dt ({dt} ms); "
                           "use -1 for no cycling")
    return steps


class _Periodic:
    """The ``period`` property of the scheduled inputs: ms, -1 for no cycle; after compile it
    is the period of the running :class:`_Schedule`."""

    @property
    def period(self):
        if self._state is not None and self._machine is not None:
            p = self._machine.period
            return p * self._net.dt if p > -1 else -1.0
        return self._period_ms

    @period.setter
    def period(self, value):
        self._period_ms = _check_period(value, self._owner, self._net.dt if self._state is not None else None)
        if self._machine is not None:
            self._machine.period = _period_steps(self._period_ms, self._net.dt, self._owner)


class TimedArray(_Periodic, Population):
    """A rate-coded population whose ``r`` follows a sequence of inputs.

    :param rates: the inputs: an array whose first axis is time (one row per change) and the
        others the geometry of the population (``(n, size)`` for a 1-D population).
    :param geometry: the geometry, when ``rates`` is not given yet (set it later with
        :meth:`update`); if both are given they must have the same number of neurons.
    :param schedule: a duration (ms): row ``k`` is set at ``k * schedule`` (0: every step);
        or a list of increasing times (ms), one per row used (fewer times than rows: the
        last rows are not used).
    :param period: the sequence starts again every ``period`` ms (-1: no cycling; the last
        row then stays).
    :param name: unique name.

    ``rates``, ``schedule`` and ``period`` can be changed at any time (also through
    :meth:`update`); ``r`` is read-only. ``reset()`` sets ``r`` back to 0 and restarts the
    sequence.
    """

    def __init__(self, rates=None, geometry=None, schedule=0.0, period=-1.0, name=None,
                 copied=False, network=None):
        owner = f"TimedArray '{name}'" if name else "TimedArray"
        if rates is None and geometry is None:
            raise NetworkError(f"{owner}: give rates= (an array whose first axis is time) or geometry=")
        if rates is not None:
            rates = self._check_rates_array(rates, owner)
            if geometry is None:
                geometry = rates.shape[1:]
            elif _size(geometry) != int(np.prod(rates.shape[1:])):
                raise NetworkError(
                    f"{owner}: rates has rows of shape {rates.shape[1:]}, which does not fit the "
                    f"geometry {geometry}; give rates shaped (time, *geometry)")
        neuron = Neuron(parameters="", equations="r = 0.0", name="Timed Array",
                        description="Timed array: sets the inputs r following a schedule.")
        super().__init__(geometry, neuron, name=name, network=network)
        self._rates = None
        self._schedule_ms = None
        self._period_ms = -1.0
        self._machine = None
        if rates is not None:
            self.update(rates, schedule, period)
        else:
            self._schedule_arg, self._period_ms = schedule, _check_period(period, owner)

    @staticmethod
    def _check_rates_array(rates, owner):
        try:
            rates = np.array(rates, dtype=np.float64)
        except (TypeError, ValueError):
            raise NetworkError(f"{owner}: rates must be an array of numbers") from None
        if rates.ndim < 2 or rates.shape[0] == 0:
            raise NetworkError(
                f"{owner}: rates must have a first axis for time and at least one more for the "
                f"neurons (shape (n_inputs, *geometry)), got shape {rates.shape}")
        return rates

    @property
    def _owner(self):
        return f"TimedArray '{self.name}'"

    # -- the inputs -------------------------------------------------------------------------
    def update(self, rates, schedule=0.0, period=-1.0):
        """Replaces the inputs, the schedule and the period (same geometry)."""
        owner = self._owner
        rates = self._check_rates_array(rates, owner)
        if int(np.prod(rates.shape[1:])) != self.size:
            raise NetworkError(f"{owner}: the rows of rates have {int(np.prod(rates.shape[1:]))} values, "
                               f"the population has {self.size} neurons")
        dt = self._net.dt if self._state is not None else _config_dt()
        if is_number(schedule):
            step = float(schedule) if schedule > 0 else dt
            times = [step * i for i in range(rates.shape[0])]
        else:
            times = schedule
        times = _check_schedule(times, owner, dt)
        if times.size > rates.shape[0]:
            raise NetworkError(f"{owner}: the schedule has {times.size} times for {rates.shape[0]} "
                               "rows of rates; give at most one time per row")
        if times.size < rates.shape[0]:
            logger.warning("%s: the schedule has %d times for %d rows of rates; the last rows will "
                           "not be used", owner, times.size, rates.shape[0])
        self._rates = rates.reshape(rates.shape[0], self.size)
        self._schedule_ms = times
        self._period_ms = _check_period(period, owner)
        self._schedule_arg = schedule
        if self._state is not None:
            self._load()

    @property
    def rates(self):
        """The inputs, shaped (time, *geometry)."""
        if self._rates is None:
            return None
        return self._rates.reshape((self._rates.shape[0], *self.geometry)).copy()

    @rates.setter
    def rates(self, value):
        # a schedule given as a duration follows the new number of rows; a list stays
        self.update(value, self._schedule_arg, self._period_ms)

    @property
    def schedule(self):
        """The times (ms) at which the rows are set."""
        if self._schedule_ms is None:
            return self._schedule_arg
        if self._state is not None:
            return np.asarray(self._machine.steps, dtype=np.float64) * self._net.dt
        return self._schedule_ms.tolist()

    @schedule.setter
    def schedule(self, value):
        if self._rates is None:
            self._schedule_arg = value
            return
        self.update(self._rates, value, self._period_ms)

    def _prepare(self, name, value, n):
        if name == "r":
            raise NetworkError(f"{self._owner}: r is set by the schedule; change the inputs with "
                               "rates=... or update(rates, schedule, period)")
        return super()._prepare(name, value, n)

    # -- simulation -------------------------------------------------------------------------
    def _load(self):
        """Moves the inputs to the device and (re)builds the schedule machine."""
        dt = self._net.dt
        xp = self._net.backend().xp
        steps = steps_floor(self._schedule_ms, dt)
        if np.any(np.diff(steps) <= 0):
            raise NetworkError(f"{self._owner}: two schedule times fall in the same step of dt = {dt} ms")
        self._buffer = xp.asarray(self._rates[: steps.size].astype(self._state["r"].dtype))
        period = _period_steps(self._period_ms, dt, self._owner)
        if self._machine is None:
            self._machine = _Schedule(steps, period)
        else:
            # new inputs during a simulation: the clock and the next block stay, and r shows
            # the row of that block at once (the reference's behaviour, measured)
            self._machine.steps, self._machine.period = steps.tolist(), period
            if self._machine.block >= len(self._machine.steps):
                self._machine.block = 0
            self._state["r"][...] = self._buffer[self._machine.block]

    def _instantiate(self, code, backend, shared):
        self._machine = None
        super()._instantiate(code, backend, shared)
        if self._rates is not None:
            self._load()

    def _build_ops(self, code, backend, ns):
        # the neuron's equation (r = 0) is a placeholder: the schedule sets r
        self._global_ops = []
        return [self._schedule_op(ns["r"])]

    def _schedule_op(self, target):
        def set_inputs():
            machine = self._machine
            if machine is None:
                return
            block = machine.advance()
            if block is not None:
                target[...] = self._buffer[block]

        return set_inputs

    def reset(self, attributes=-1):
        """Sets ``r`` back to 0 and restarts the sequence (times count again from now)."""
        super().reset(attributes)
        if self._state is not None:
            self._state["r"][...] = 0
            if self._machine is not None:
                self._machine.restart()

    def _copy(self, network):
        if self._rates is None:
            pop = TimedArray(geometry=self.geometry, schedule=self._schedule_arg, period=self._period_ms,
                             name=self.name, network=network)
        else:
            pop = TimedArray(self.rates, schedule=self._schedule_ms, period=self._period_ms,
                             name=self.name, network=network)
        return copy_population_state(self, pop)


class TimedPoissonPopulation(_Periodic, Population):
    """Poisson neurons whose rates change at scheduled times.

    :param geometry: number of neurons or a tuple of sizes.
    :param rates: rates (Hz): one number per scheduled time (the same for all neurons), or an
        array ``(n_times, *geometry)`` with one rate per neuron.
    :param schedule: the times (ms, increasing) at which the rates change; one per row of
        ``rates``.
    :param period: the schedule starts again every ``period`` ms (-1: no cycling).
    :param name: unique name.

    As in the reference, each neuron spikes when ``Uniform(0, 1) * 1000 / dt < proba``, where
    ``proba`` holds the current rates (Hz); before the first scheduled time ``proba`` is 1 Hz
    (the reference's initial value). ``rates``, ``schedule`` and ``period`` can be changed
    at any time; ``reset()`` restarts the schedule.
    """

    def __init__(self, geometry, rates, schedule, period=-1.0, name=None, copied=False, network=None):
        owner = f"TimedPoissonPopulation '{name}'" if name else "TimedPoissonPopulation"
        neuron = Neuron(parameters="proba = 1.0", equations="p = Uniform(0.0, 1.0) * 1000.0 / dt",
                        spike="p < proba", name="TimedPoisson",
                        description="Poisson neurons whose rates follow a schedule.")
        times = _check_schedule(schedule, owner)
        size = _size(geometry)
        table = self._rate_table(rates, times.size, size, owner)
        super().__init__(geometry, neuron, name=name, network=network)
        self._rates = table
        self._schedule_ms = times
        self._period_ms = _check_period(period, owner)
        self._machine = None

    @staticmethod
    def _rate_table(rates, n_times, size, owner):
        table = check_rates(rates, owner)
        if table.ndim == 0 or table.shape[0] != n_times:
            raise NetworkError(
                f"{owner}: rates has {table.shape[0] if table.ndim else 'no'} rows for {n_times} schedule "
                "times; give one rate (or one array of rates) per scheduled time")
        if table.ndim == 1:
            return np.repeat(table[:, None], size, axis=1) if size else table[:, None]
        per_row = int(np.prod(table.shape[1:]))
        if per_row == 1:
            return np.repeat(table.reshape(n_times, 1), size, axis=1)
        if size is not None and per_row != size:
            raise NetworkError(f"{owner}: each row of rates has {per_row} values for {size} neurons")
        return table.reshape(n_times, per_row)

    @property
    def _owner(self):
        return f"TimedPoissonPopulation '{self.name}'"

    @property
    def rates(self):
        """The rates (Hz), shaped (time, *geometry)."""
        return self._rates.reshape((self._rates.shape[0], *self.geometry)).copy()

    @rates.setter
    def rates(self, value):
        self._rates = self._rate_table(value, self._schedule_ms.size, self.size, self._owner)
        if self._state is not None:
            self._load()

    @property
    def schedule(self):
        """The times (ms) at which the rates change."""
        if self._machine is not None:
            return np.asarray(self._machine.steps, dtype=np.float64) * self._net.dt
        return self._schedule_ms.tolist()

    @schedule.setter
    def schedule(self, value):
        times = _check_schedule(value, self._owner, self._net.dt if self._state is not None else None)
        if times.size != self._rates.shape[0]:
            raise NetworkError(f"{self._owner}: the schedule has {times.size} times for "
                               f"{self._rates.shape[0]} rows of rates; give one time per row")
        self._schedule_ms = times
        if self._state is not None:
            self._load()

    def _load(self):
        dt = self._net.dt
        steps = steps_floor(self._schedule_ms, dt)
        if np.any(np.diff(steps) <= 0):
            raise NetworkError(f"{self._owner}: two schedule times fall in the same step of dt = {dt} ms")
        self._buffer = self._net.backend().xp.asarray(self._rates.astype(self._state["proba"].dtype))
        period = _period_steps(self._period_ms, dt, self._owner)
        if self._machine is None:
            self._machine = _Schedule(steps, period)
        else:
            self._machine.steps, self._machine.period = steps.tolist(), period

    def _instantiate(self, code, backend, shared):
        self._machine = None
        super()._instantiate(code, backend, shared)
        self._load()

    def _build_ops(self, code, backend, ns):
        proba = ns["proba"]

        def set_rates():
            block = self._machine.advance()
            if block is not None:
                proba[...] = self._buffer[block]

        return [set_rates, *super()._build_ops(code, backend, ns)]

    def _prepare(self, name, value, n):
        value = super()._prepare(name, value, n)
        if name == "proba":
            check_rates(value, self._owner, "proba")
        return value

    def reset(self, attributes=-1):
        """Restores the attributes and restarts the schedule (times count again from now)."""
        super().reset(attributes)
        if self._machine is not None:
            self._machine.restart()

    def _copy(self, network):
        pop = TimedPoissonPopulation(self.geometry, self.rates, self._schedule_ms, self._period_ms,
                                     name=self.name, network=network)
        return copy_population_state(self, pop)


def _size(geometry):
    return geometry_size(geometry)


def _config_dt():
    from annarray import config

    return config.get_config("dt")
