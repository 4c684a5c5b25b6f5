"""``HomogeneousCorrelatedSpikeTrains``: Poisson neurons sharing one fluctuating rate.

Brette (2009), "Generation of correlated spike trains", Neural Computation 21(1): a Cox
process. All neurons of the population fire as Poisson processes with the same rate
``x(t)``, an Ornstein-Uhlenbeck process around ``mu``; neurons spike when
``Uniform(0, 1) * 1000 / dt < x``, so a negative ``x`` gives no spike (the rate is the
rectified ``x``). As in the reference, ``x`` is updated once per step, before the spikes:

    x += dt * (mu - x) / tau + sqrt(dt / tau) * sigma * Normal(0, 1)

``mu`` and ``sigma`` are chosen so that the RECTIFIED Gaussian ``max(x, 0)`` has the mean
``rates`` and the standard deviation ``sqrt(corr * rates / (2 * tau))`` (tau in seconds)
that the paper asks of the rate: the two moments of a rectified Gaussian
``N(mu, sigma)`` depend on ``mu / sigma`` only through one increasing function, which is
inverted numerically.
"""

import math

import numpy as np

from annarray.core.neuron import Neuron
from annarray.core.population import Population
from annarray.errors import NetworkError
from annarray.inputs._common import check_rates, copy_population_state, is_number, steps_floor
from annarray.inputs.timed_array import _check_period, _check_schedule, _period_steps, _Schedule
from annarray.parser.items import RandomDraw

__all__ = ["HomogeneousCorrelatedSpikeTrains", "rectified_gaussian_parameters"]


def _rectified_moments(y):
    """Mean and standard deviation of max(X, 0) for X ~ N(y, 1)."""
    from scipy.special import ndtr

    pdf = math.exp(-0.5 * y * y) / math.sqrt(2.0 * math.pi)
    cdf = float(ndtr(y))
    mean = pdf + y * cdf
    second = (y * y + 1.0) * cdf + y * pdf
    return mean, math.sqrt(max(second - mean * mean, 0.0))


def rectified_gaussian_parameters(rate, corr, tau):
    """``(mu, sigma)`` of the Gaussian whose rectification has mean ``rate`` (Hz) and
    standard deviation ``sqrt(corr * rate / (2 * tau / 1000))`` (``tau`` in ms)."""
    from scipy.optimize import brentq

    target_sd = math.sqrt(corr * rate / (2.0 * tau / 1000.0))
    if target_sd == 0.0:
        return float(rate), 0.0
    ratio = rate / target_sd

    def excess(y):
        mean, sd = _rectified_moments(y)
        return mean / sd - ratio

    lo, hi = -1.0, max(ratio, 1.0) + 1.0
    while excess(lo) > 0.0 and lo > -30.0:
        lo *= 2.0
    while excess(hi) < 0.0:
        hi *= 2.0
    y = brentq(excess, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    sigma = rate / _rectified_moments(y)[0]
    return y * sigma, sigma


class HomogeneousCorrelatedSpikeTrains(Population):
    """Spiking neurons with homogeneous, correlated Poisson spike trains (Brette 2009).

    :param geometry: number of neurons or a tuple of sizes.
    :param rates: mean rate of each neuron (Hz), or a list of rates (one per time of
        ``schedule``).
    :param corr: total correlation strength, in [0, 1] (or a list, one per scheduled time).
    :param tau: correlation time constant (ms).
    :param schedule: times (ms, starting at 0) at which the next ``rates``/``corr`` apply.
    :param period: the schedule starts again every ``period`` ms (-1: no cycling).
    :param name: unique name.
    :param refractory: refractory period (ms); it weakens the correlation.

    Setting ``rates``, ``corr`` or ``tau`` recomputes ``mu`` and ``sigma``.
    """

    def __init__(self, geometry, rates, corr, tau, schedule=None, period=-1.0, name=None,
                 refractory=None, copied=False, network=None):
        owner = f"HomogeneousCorrelatedSpikeTrains '{name}'" if name else "HomogeneousCorrelatedSpikeTrains"
        self.__dict__["_has_schedule"] = schedule is not None
        rates_arr, corr_arr, schedule_ms = self._check_arguments(rates, corr, tau, schedule, owner)
        mus, sigmas = self._correction(rates_arr, corr_arr, float(tau))
        neuron = Neuron(
            parameters=(f"tau = {float(tau)!r} : population\nmu = {mus[0]!r} : population\n"
                        f"sigma = {sigmas[0]!r} : population\nx = {mus[0]!r} : population"),
            equations="p = Uniform(0.0, 1.0) * 1000.0 / dt",
            spike="p < x", refractory=refractory, name="HomogeneousCorrelated",
            description="Homogeneous correlated spike trains.")
        super().__init__(geometry, neuron, name=name, network=network)
        self.__dict__.update(_rates=rates_arr, _corr=corr_arr, _schedule_ms=schedule_ms,
                             _period_ms=_check_period(period, owner), _mu_list=mus, _sigma_list=sigmas,
                             _machine=None, _refractory_arg=refractory)

    @property
    def _owner(self):
        return f"HomogeneousCorrelatedSpikeTrains '{self.name}'"

    def _check_arguments(self, rates, corr, tau, schedule, owner):
        if not is_number(tau) or not tau > 0:
            raise NetworkError(f"{owner}: tau must be a positive number of ms, got {tau!r}")
        if schedule is None:
            if not is_number(rates):
                raise NetworkError(f"{owner}: rates must be a number (Hz) without a schedule, got {rates!r}")
            rates_arr = check_rates([rates], owner)
            schedule_ms = np.zeros(1)
        else:
            schedule_ms = _check_schedule(schedule, owner)
            rates_arr = check_rates(np.asarray(rates, dtype=np.float64).reshape(-1), owner)
            if rates_arr.size != schedule_ms.size:
                raise NetworkError(f"{owner}: rates has {rates_arr.size} values for {schedule_ms.size} "
                                   "schedule times; give one rate per time")
        corr_arr = self._check_corr(corr, rates_arr.size, owner)
        return rates_arr, corr_arr, schedule_ms

    @staticmethod
    def _check_corr(corr, n, owner):
        try:
            arr = np.asarray(corr, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise NetworkError(f"{owner}: corr must be a number in [0, 1] or a list of them") from None
        if arr.size == 1:
            arr = np.full(n, arr[0])
        if arr.size != n:
            raise NetworkError(f"{owner}: corr has {arr.size} values for {n} schedule times")
        if not np.all((arr >= 0) & (arr <= 1)):
            raise NetworkError(f"{owner}: corr must lie in [0, 1], got {arr.tolist()}")
        return arr

    @staticmethod
    def _correction(rates, corr, tau):
        pairs = [rectified_gaussian_parameters(float(r), float(c), tau) for r, c in zip(rates, corr, strict=True)]
        return [p[0] for p in pairs], [p[1] for p in pairs]

    def _recompute(self):
        mus, sigmas = self._correction(self._rates, self._corr, float(self.get("tau")))
        self.__dict__.update(_mu_list=mus, _sigma_list=sigmas)
        if self._machine is not None and self._has_schedule:
            self._load_lists()
        if not self._has_schedule:
            Population._write(self, {"mu": mus[0], "sigma": sigmas[0]}, self.ranks)

    # -- rates, corr, tau -----------------------------------------------------------------
    @property
    def rates(self):
        """Rate (Hz), or the list of scheduled rates."""
        return self._rates.copy() if self._has_schedule else float(self._rates[0])

    @rates.setter
    def rates(self, value):
        if self._has_schedule:
            arr = check_rates(np.asarray(value, dtype=np.float64).reshape(-1), self._owner)
            if arr.size != self._schedule_ms.size:
                raise NetworkError(f"{self._owner}: rates must have one value per schedule time "
                                   f"({self._schedule_ms.size})")
        else:
            if not is_number(value):
                raise NetworkError(f"{self._owner}: rates must be a number (Hz), got {value!r}")
            arr = check_rates([value], self._owner)
        self.__dict__["_rates"] = arr
        self._recompute()

    @property
    def corr(self):
        """Correlation strength, or the list of scheduled ones."""
        return self._corr.copy() if self._has_schedule else float(self._corr[0])

    @corr.setter
    def corr(self, value):
        self.__dict__["_corr"] = self._check_corr(value, self._rates.size, self._owner)
        self._recompute()

    @property
    def schedule(self):
        return self._schedule_ms.tolist()

    @property
    def period(self):
        return self._period_ms

    @period.setter
    def period(self, value):
        self.__dict__["_period_ms"] = _check_period(value, self._owner)
        if self._machine is not None:
            self._machine.period = _period_steps(self._period_ms, self._net.dt, self._owner)

    def _write(self, values, ranks):
        values = dict(values)
        tau = values.get("tau")
        if tau is not None and (np.ndim(tau) or not float(tau) > 0):
            raise NetworkError(f"{self._owner}: tau must be a positive number of ms, got {tau!r}")
        super()._write(values, ranks)
        if tau is not None:
            self._recompute()

    # -- simulation -----------------------------------------------------------------------
    def _load_lists(self):
        xp = self._net.backend().xp
        dtype = self._state["mu"].dtype
        self._mu_dev = xp.asarray(np.asarray(self._mu_list, dtype=dtype))
        self._sigma_dev = xp.asarray(np.asarray(self._sigma_list, dtype=dtype))

    def _instantiate(self, code, backend, shared):
        dt = self._net.dt
        steps = steps_floor(self._schedule_ms, dt)
        machine = _Schedule(steps, _period_steps(self._period_ms, dt, self._owner)) if self._has_schedule else None
        self.__dict__["_machine"] = machine
        super()._instantiate(code, backend, shared)

    def _build_ops(self, code, backend, ns):
        xp = backend.xp
        xi = xp.zeros(1, dtype=backend.float_dtype)
        draw = backend.draw_op(self._rng, RandomDraw("_xi", "normal"), xi)
        x, mu, sigma, tau = ns["x"], ns["mu"], ns["sigma"], ns["tau"]
        dt = self._net.dt
        incr = xp.zeros((), dtype=backend.float_dtype)
        if self._machine is not None:
            self._load_lists()

        def rate_step():
            machine = self._machine
            if machine is not None:
                block = machine.advance()
                if block is not None:
                    mu[...] = self._mu_dev[block]
                    sigma[...] = self._sigma_dev[block]
            draw()
            incr[...] = dt * (mu - x) / tau + xp.sqrt(dt / tau) * sigma * xi[0]
            xp.add(x, incr, out=x)

        return [rate_step, *super()._build_ops(code, backend, ns)]

    def reset(self, attributes=-1):
        """Restores the attributes (``x`` back to ``mu``) and restarts the schedule."""
        super().reset(attributes)
        if self._machine is not None:
            self._machine.restart()

    def _copy(self, network):
        pop = HomogeneousCorrelatedSpikeTrains(
            self.geometry, self.rates, self.corr, float(self.get("tau")),
            schedule=self._schedule_ms if self._has_schedule else None, period=self._period_ms,
            name=self.name, refractory=self._refractory_arg, network=network)
        return copy_population_state(self, pop)
