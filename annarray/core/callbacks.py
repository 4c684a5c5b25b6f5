"""Periodic Python callbacks during ``simulate()``: the ``every`` decorator.

``@every(period=100.0)`` registers a function ``f(n)`` that ``simulate()`` calls before the
steps at 0, 100, 200… ms *relative to the start of that simulate() call*; ``n`` counts the
calls made during that call (0, 1, 2…). Each network keeps its own list of callbacks
(``net_id``); functions due at the same step run in the order of their registration.

How a simulation with callbacks runs (measured on the reference, docs/reference_facts.md P):

* the number of steps is ``duration / dt`` truncated (not rounded up as without callbacks);
* callback times in steps, from the step at which simulate() starts (``start``):
  ``start + wait + offset, + period, …`` while ``< start + nsteps``, where
  ``period = max(period, dt)`` and ``offset = min(offset, period)`` taken modulo the period,
  so a negative offset counts back from the end of the period;
* the network runs in chunks between these times, so nothing is checked per step; inside a
  callback ``get_time()`` is the time of the step about to run, and what the callback
  changes is seen by that step;
* ``step()`` and ``simulate_until()`` never call callbacks.
"""

import heapq
import logging
import math

from annarray import config
from annarray.errors import AnnarrayError

__all__ = ["every", "enable_callbacks", "disable_callbacks", "clear_all_callbacks", "callbacks_enabled",
           "callback_schedule", "callback_steps"]

logger = logging.getLogger(__name__)


def _network(net_id):
    from annarray.core.network import _networks, default_network

    if net_id == 0:
        return default_network()
    try:
        return _networks[net_id]
    except KeyError:
        raise AnnarrayError(f"there is no network with id {net_id}") from None


class every:
    """Decorator: calls the decorated function ``f(n)`` periodically during ``simulate()``.

    :param period: interval between two calls (ms); values below ``dt`` mean every step.
    :param offset: delay of the calls within the period (ms); a negative offset counts from
        the end of the period (``period=100, offset=-10`` → 90, 190…). Offsets larger than
        the period are clipped to the period (the reference's rule), i.e. act as 0.
    :param wait: delay (ms) before the first call, added to the offset.
    :param net_id: the network whose ``simulate()`` calls the function (default: 0).
    """

    def __init__(self, period, offset=0.0, wait=0.0, net_id=0):
        try:
            period, offset, wait = float(period), float(offset), float(wait)
        except (TypeError, ValueError):
            raise AnnarrayError(
                f"every(period={period!r}, offset={offset!r}, wait={wait!r}): the values must be numbers (ms)"
            ) from None
        if not all(math.isfinite(v) for v in (period, offset, wait)):
            raise AnnarrayError(f"every(period={period}, offset={offset}, wait={wait}): the values must be finite")
        self.period = max(period, config.get_config("dt"))
        self.offset = min(offset, self.period)
        self.wait = max(wait, 0.0)
        self.net_id = net_id
        self.func = None

    def __call__(self, func):
        if not callable(func):
            raise AnnarrayError(f"every(): decorates a function f(n), got {type(func).__name__}")
        self.func = func
        _network(self.net_id)._callbacks.append(self)
        return func

    def __repr__(self):
        name = getattr(self.func, "__name__", None)
        return f"every(period={self.period}, offset={self.offset}, wait={self.wait}, func={name})"


def callbacks_enabled(net_id=0):
    """True when ``simulate()`` of network ``net_id`` calls its callbacks."""
    return _network(net_id)._callbacks_enabled


def enable_callbacks(net_id=0):
    """Lets ``simulate()`` call the declared callbacks again (all of them)."""
    _network(net_id)._callbacks_enabled = True


def disable_callbacks(net_id=0):
    """Stops ``simulate()`` from calling the declared callbacks (all of them) until
    :func:`enable_callbacks`."""
    _network(net_id)._callbacks_enabled = False


def clear_all_callbacks(net_id=0):
    """Forgets every callback declared for network ``net_id`` (cannot be undone)."""
    _network(net_id)._callbacks.clear()


def callback_steps(ms, dt):
    """``ms / dt`` as a whole number of steps, truncated toward zero as the reference does,
    except that quotients within 1e-6 of an integer count as that integer (0.3 / 0.1 is 3,
    where the reference's ``int()`` gives 2)."""
    x = ms / dt
    n = round(x)
    return int(n) if abs(x - n) <= 1e-6 * max(1.0, abs(x)) else math.trunc(x)


def callback_schedule(callbacks, start, nsteps, dt):
    """The calls of one ``simulate()``: an iterator of ``(step, order, callback, n)`` sorted by
    step, then by registration order.

    :param callbacks: the :class:`every` objects, in registration order.
    :param start: the step at which the simulation starts.
    :param nsteps: the number of steps simulated; calls happen at steps ``< start + nsteps``.
    :param dt: the step (ms).
    """
    end = start + nsteps

    def calls(order, cb):
        period = max(1, callback_steps(cb.period, dt))
        first = start + callback_steps(cb.wait, dt) + callback_steps(cb.offset, dt) % period
        for n, step in enumerate(range(first, end, period)):
            yield step, order, cb, n

    return heapq.merge(*(calls(i, cb) for i, cb in enumerate(callbacks)), key=lambda c: (c[0], c[1]))
