"""Hybrid networks: populations converting spikes into rates and rates into spikes.

``from annarray.extensions.hybrid import Spike2RatePopulation, Rate2SpikePopulation``, as in
the reference (not exported at the top level there either).

* :class:`Spike2RatePopulation`: a rate-coded population with the geometry of a spiking
  one, whose rate ``r`` (Hz divided by ``scaling``) follows the firing of each neuron:
  counted over a sliding window ('window'), from the last inter-spike interval ('isi') or
  over a window adapted to that interval ('adaptive'); then low-pass filtered with the time
  constant ``smooth`` (ms): ``r += dt * (rate / scaling - r) / smooth`` at each step.
* :class:`Rate2SpikePopulation`: a spiking population with the geometry of a rate-coded
  one, each neuron firing as a Poisson process at ``r * scaling`` Hz.

Each population is fed by an internal one-to-one projection from the converted population
(listed in ``projections()``), so the conversion sees the spikes, or the rates, of the
previous step, as any projection does. ANNarchy 4.8.2 ships these classes but does not run
them (the rates of a ``Spike2RatePopulation`` stay 0, a ``Rate2SpikePopulation`` cannot be
created: docs/reference_facts.md section Q); annarray implements what their documentation
and code describe.
"""

import numpy as np

from annarray.core.neuron import Neuron
from annarray.core.population import Population
from annarray.core.projection import Projection
from annarray.errors import NetworkError
from annarray.inputs._common import instantiate_direct, is_number
from annarray.inputs.decoding import DecodingProjection

__all__ = ["Spike2RatePopulation", "Rate2SpikePopulation"]

_SPIKE_INPUT = "spike2rate"  # target of the internal projections
_RATE_INPUT = "rate2spike"
_MODES = ("window", "isi", "adaptive")
_NO_SPIKE = 10000.0  # the reference's "no interval yet" value (steps)


def _check_source(population, kind, wanted, label):
    if not isinstance(population, Population):
        raise NetworkError(f"{label}: population must be a whole Population, got {type(population).__name__}")
    if population.neuron_type.type != wanted:
        words = {"spike": "spiking", "rate": "rate-coded"}
        raise NetworkError(f"{label}: the population '{population.name}' must be {words[wanted]} to be converted "
                           f"by a {kind}")


def _positive(value, what, label):
    if not is_number(value) or value <= 0:
        raise NetworkError(f"{label}: {what} must be a number > 0, got {value!r}")
    return float(value)


class _InternalProjection:
    """Mixin of the internal projections: a copied network gets the one its copied
    population already made (not a second one)."""

    def _copy(self, network):
        return network.get(self.post)._conversion


class _WindowDecoding(_InternalProjection, DecodingProjection):
    """'window' mode: the spikes of the last ``window`` ms, counted per neuron (Hz)."""


class _IntervalDecoding(_InternalProjection, Projection):
    """'isi' and 'adaptive' modes: the rate (Hz) estimated from the inter-spike intervals,
    written into ``sum(spike2rate)`` at each step.

    :param mode: 'isi' or 'adaptive'.
    :param window: longest window (ms) of the 'adaptive' mode.
    """

    def __init__(self, pre, post, mode, window, network=None):
        kwargs = {} if network is None else {"network": network}
        super().__init__(pre, post, _SPIKE_INPUT, name=f"{post.name}_spike2rate", **kwargs)
        self.mode, self.window = mode, window
        self._reset_state = None

    def _instantiate(self, code, backend, shared, delay_buffer, ops_class):
        instantiate_direct(self, backend, self._isi_ops if self.mode == "isi" else self._adaptive_ops)

    def _isi_ops(self, runtime):
        """The reference's 'isi' estimate: after a spike, the last interval (steps) is the
        support; once that interval has passed, the support grows by one step per step up
        to ``cut`` intervals, then the rate drops to 1000 / (10000 dt) Hz."""
        xp, net = runtime.xp, self._net
        pre, post = runtime.pre, runtime.post
        dtype, n, dt = runtime.backend.float_dtype, pre.size, net.dt
        last = xp.full(n, -10000, dtype=np.int64)
        isi = xp.full(n, _NO_SPIKE, dtype=dtype)
        support = xp.full(n, _NO_SPIKE, dtype=dtype)
        elapsed = xp.empty(n, dtype=dtype)
        grow, drop = xp.empty(n, dtype=bool), xp.empty(n, dtype=bool)
        rate = xp.empty(n, dtype=dtype)
        cut, total = post._state["cut"], post._state[f"_sum_{_SPIKE_INPUT}"]

        def reset():
            last[...] = -10000
            isi[...] = _NO_SPIKE
            support[...] = _NO_SPIKE

        def convert():
            t = net._step
            ranks = pre._spike_ranks
            if ranks.shape[0]:
                isi[ranks] = (t - 1) - last[ranks]
                support[ranks] = isi[ranks]
                last[ranks] = t - 1
            xp.subtract(t, last, out=elapsed)
            xp.greater(elapsed, isi, out=grow)
            xp.multiply(isi, cut, out=rate)
            xp.greater(elapsed, rate, out=drop)
            xp.logical_and(grow, xp.logical_not(drop), out=grow)
            xp.add(support, grow, out=support)
            xp.copyto(support, _NO_SPIKE, where=drop)
            xp.divide(1000.0 / dt, support, out=rate)
            xp.add(total, rate, out=total)

        self._reset_state = reset
        return [convert]

    def _adaptive_ops(self, runtime):
        """The reference's 'adaptive' estimate: spikes counted over the last
        ``int(w / dt) + 1`` steps of a per-neuron window ``w`` (ms), rate = count * 1000 / w;
        ``w`` relaxes (time constant 100 ms) towards ``clip(5 * isi, 20 dt, window)``."""
        xp, net = runtime.xp, self._net
        pre, post = runtime.pre, runtime.post
        dtype, n, dt = runtime.backend.float_dtype, pre.size, net.dt
        depth = int(self.window / dt) + 1
        flags = xp.zeros((depth, n), dtype=dtype)
        head = [0]
        last = xp.full(n, -1, dtype=np.int64)
        isi = xp.full(n, _NO_SPIKE, dtype=dtype)
        width = xp.full(n, self.window, dtype=dtype)
        ages = xp.empty(depth, dtype=dtype)
        count, rate = xp.empty(n, dtype=dtype), xp.empty(n, dtype=dtype)
        total, window = post._state[f"_sum_{_SPIKE_INPUT}"], self.window
        order = xp.arange(depth, dtype=dtype)

        def reset():
            flags[...] = 0
            head[0] = 0
            last[...] = -1
            isi[...] = _NO_SPIKE
            width[...] = window

        def convert():
            t = net._step
            head[0] = (head[0] + 1) % depth
            row = flags[head[0]]
            row[...] = 0
            ranks = pre._spike_ranks
            if ranks.shape[0]:
                seen = last[ranks] >= 0
                isi[ranks] = xp.where(seen, (t - 1) - last[ranks], _NO_SPIKE)
                last[ranks] = t - 1
                row[ranks] = 1.0
            xp.remainder(head[0] - order, depth, out=ages)  # age (steps) of each row
            steps = xp.floor(width / dt)
            xp.sum(flags * (ages[:, None] <= steps[None, :]), axis=0, out=count)
            xp.multiply(count, 1000.0, out=rate)
            xp.divide(rate, width, out=rate)
            xp.add(total, rate, out=total)
            goal = xp.clip(5.0 * isi, 20.0 * dt, window)
            width[...] += dt * (goal - width) / 100.0

        self._reset_state = reset
        return [convert]

    def reset(self, attributes=-1, synapses=False):
        super().reset(attributes, synapses)
        if self._reset_state is not None:
            self._reset_state()


class Spike2RatePopulation(Population):
    """A rate-coded population following the firing rates of a spiking population.

    :param population: the spiking :class:`~annarray.Population` to convert.
    :param name: unique name.
    :param mode: 'window' (spikes counted over the last ``window`` ms), 'isi' (from the
        last inter-spike interval) or 'adaptive' (a window adapted to the intervals).
    :param window: the window (ms) of the 'window' mode, the longest one of 'adaptive'.
    :param scaling: firing rate (Hz) represented by ``r = 1`` (default 1: ``r`` in Hz).
    :param smooth: time constant (ms) of the low-pass filter on ``r`` (1 = dt: none).
    :param cut: 'isi' mode: how many intervals without a spike before the rate drops.
    """

    def __init__(self, population, name=None, mode="window", window=100.0, scaling=1.0, smooth=1.0, cut=3.0,
                 copied=False, network=None):
        label = f"Spike2RatePopulation '{name}'" if name else "Spike2RatePopulation"
        _check_source(population, "Spike2RatePopulation", "spike", label)
        if mode not in _MODES:
            raise NetworkError(f"{label}: mode must be 'window', 'isi' or 'adaptive', got {mode!r}")
        window = _positive(window, "window (ms)", label)
        scaling = _positive(scaling, "scaling", label)
        smooth = _positive(smooth, "smooth (ms)", label)
        cut = _positive(cut, "cut", label)
        first = "cut" if mode == "isi" else "window"
        neuron = Neuron(
            parameters=f"{first} = {cut if mode == 'isi' else window} : population\n"
                       f"scaling = {scaling} : population\nsmooth = {smooth} : population",
            equations=f"smooth * dr/dt + r = sum({_SPIKE_INPUT}) / scaling : explicit",
            name="Spike2Rate", description=f"Rate of a spiking population ({mode} mode).")
        kwargs = {} if network is None else {"network": network}
        dt = (population._net.dt if network is None else network.dt)
        if mode != "isi" and window < dt:
            raise NetworkError(f"{label}: the window ({window} ms) is shorter than dt ({dt} ms)")
        super().__init__(population.geometry, neuron, name=name, **kwargs)
        # the reference calls it `population`; here that name means "the population of a view"
        self.source, self.mode = population, mode
        self._args = {"mode": mode, "window": window, "scaling": scaling, "smooth": smooth, "cut": cut}
        if mode == "window":
            proj = _WindowDecoding(population, self, _SPIKE_INPUT, window=window, name=f"{self.name}_spike2rate",
                                   **kwargs)
            proj.connect_one_to_one(1.0)
        else:
            proj = _IntervalDecoding(population, self, mode, window, **kwargs)
            proj.connect_one_to_one(1.0)
        self._conversion = proj

    def reset(self, attributes=-1):
        """Restores the attributes and forgets the spikes counted so far."""
        super().reset(attributes)
        if self._net.compiled:
            self._conversion.reset()

    def _copy(self, network):
        return Spike2RatePopulation(network.get(self.source), name=self.name, network=network, **self._args)


class Rate2SpikePopulation(Population):
    """A spiking population firing as Poisson processes at the rates of a rate-coded one.

    :param population: the rate-coded :class:`~annarray.Population` to convert.
    :param name: unique name.
    :param scaling: firing rate (Hz) of a neuron whose rate ``r`` is 1 (default 1: ``r``
        in Hz).
    :param refractory: refractory period (ms), or None.

    Neuron ``i`` spikes at a step with probability ``r[i] * scaling * dt / 1000`` (``r`` of
    the previous step), as a :class:`~annarray.PoissonPopulation`.
    """

    def __init__(self, population, name=None, scaling=1.0, refractory=None, copied=False, network=None):
        label = f"Rate2SpikePopulation '{name}'" if name else "Rate2SpikePopulation"
        _check_source(population, "Rate2SpikePopulation", "rate", label)
        if not is_number(scaling):
            raise NetworkError(f"{label}: scaling must be a number (Hz for r = 1), got {scaling!r}")
        neuron = Neuron(
            parameters=f"scaling = {float(scaling)} : population",
            equations=f"rates = sum({_RATE_INPUT}) * scaling\np = Uniform(0.0, 1.0) * 1000.0 / dt",
            spike="p < rates", refractory=refractory, name="Rate2Spike",
            description="Poisson neuron firing at the rate of a rate-coded neuron.")
        kwargs = {} if network is None else {"network": network}
        super().__init__(population.geometry, neuron, name=name, **kwargs)
        self.source = population  # the reference's `population` (see Spike2RatePopulation)
        self.refractory_init = refractory
        self._args = {"scaling": float(scaling), "refractory": refractory}
        proj = _RateInput(population, self, _RATE_INPUT, name=f"{self.name}_rate2spike", **kwargs)
        proj.connect_one_to_one(1.0)
        self._conversion = proj

    def _copy(self, network):
        return Rate2SpikePopulation(network.get(self.source), name=self.name, network=network, **self._args)


class _RateInput(_InternalProjection, Projection):
    """The one-to-one projection giving each Rate2Spike neuron its rate-coded neuron's ``r``."""
