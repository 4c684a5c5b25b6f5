"""``Population``, ``PopulationView`` and ``IndividualNeuron``.

A population holds one array per attribute of its neuron type (shape ``(size,)`` for
per-neuron attributes, shape ``()`` for population-wide ones) in the backend's ``xp``
namespace. Users see attributes shaped as the population's geometry, as NumPy arrays.
"""

import logging
from collections import deque
from functools import partial
from math import prod

import numpy as np

from annarray.core.neuron import Neuron
from annarray.core.random import RandomDistribution
from annarray.errors import CompilationError, NetworkError

__all__ = ["Population", "PopulationView", "IndividualNeuron", "population_of"]

logger = logging.getLogger(__name__)

_DTYPES = {"int": np.int64, "bool": np.bool_}
_NO_SPIKE = -10000  # step of the "last spike" before the first one, as the reference


def population_of(obj):
    """The :class:`Population` of a population, a view or a single neuron."""
    return getattr(obj, "population", obj)


def _normalize_geometry(geometry, name):
    if isinstance(geometry, (int, np.integer)):
        geometry = (int(geometry),)
    try:
        geometry = tuple(int(g) for g in geometry)
    except (TypeError, ValueError):
        raise NetworkError(
            f"population '{name}': geometry must be a positive int or a tuple of 1 to 4 "
            f"positive ints, got {geometry!r}"
        ) from None
    if not 1 <= len(geometry) <= 4 or any(g <= 0 for g in geometry):
        raise NetworkError(
            f"population '{name}': geometry must be a positive int or a tuple of 1 to 4 "
            f"positive ints, got {geometry!r}"
        )
    return geometry


class _AttributeAccess:
    """Attribute access (``obj.v``) for populations and views, through ``get``/``set``."""

    def _local_function(self, name):
        """The neuron's local function ``name`` as a NumPy callable, if it has one."""
        neuron = self.__dict__.get("neuron_type")
        if neuron is None or not neuron.functions:
            return None
        from annarray.core.globals import numpy_function, parse_function_definitions

        local = parse_function_definitions(neuron.functions, neuron.name)
        if name not in local:
            return None
        return numpy_function(name, local)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        attrs = self.__dict__.get("_attribute_names")
        if attrs is not None and name in attrs:
            return self.get(name)
        func = self._local_function(name)
        if func is not None:
            return func
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        attrs = self.__dict__.get("_attribute_names")
        if attrs is not None and name in attrs:
            self.set({name: value})
        else:
            object.__setattr__(self, name, value)


class Population(_AttributeAccess):
    """A group of neurons of one type.

    :param geometry: number of neurons, or a tuple of 1 to 4 sizes (e.g. ``(10, 10)``).
    :param neuron: a :class:`~annarray.core.neuron.Neuron` (or a built-in neuron class).
    :param name: unique name (default ``pop<id>``).
    :param stop_condition: condition for ``simulate_until``, e.g. ``'r > 1.0 : any'``.

    Spiking populations (a neuron with ``spike=``) emit their spikes at each step, after the
    equations, in these arrays (in the backend's ``xp``; read them at each step, they are
    rebound):

    * ``_spiked``: bool mask (``(size,)``) of the neurons that spiked at the last step;
    * ``_spike_ranks``: their ranks, ascending (a new small index array at each step; before
      the first spike an empty view of ``_spike_buffer``, whose integer type recorders
      use), and ``_spike_count`` (int) — what spike propagation reads;
    * ``_axon_spiked`` / ``_axon_ranks`` / ``_axon_count``: the same for axonal spikes
      (``axon_spike=``), which exclude the neurons that emitted a regular spike;
    * ``_state['_t_last']``: time (ms) of each neuron's last spike (``t_last`` in equations);
    * ``_state['_refractory_remaining']``: steps of refractory period left (float64, whole
      numbers; when the neuron has a refractory period; > 0 freezes the neuron).

    ``spike`` gives the ranks of the last step as a NumPy array; ``refractory`` the
    refractory period (ms); ``compute_firing_rate(window)`` fills ``r`` with the mean
    firing rate (Hz) over the last ``window`` ms.
    """

    def __init__(self, geometry, neuron, name=None, stop_condition=None, storage_order=None,
                 copied=False, net_id=0, network=None):
        if isinstance(neuron, type) and issubclass(neuron, Neuron):
            neuron = neuron()
        if not isinstance(neuron, Neuron):
            raise NetworkError(
                f"Population(neuron=...) expects a Neuron object, got {type(neuron).__name__}"
            )
        from annarray.core.network import _target_network

        net = network if network is not None else _target_network()
        self.id = net._next_population_id()
        self.name = name or f"pop{self.id}"
        self.geometry = _normalize_geometry(geometry, self.name)
        self.dimension = len(self.geometry)
        self.size = prod(self.geometry)
        self.ranks = np.arange(self.size)
        self.neuron_type = neuron
        self.stop_condition = stop_condition
        self.enabled = True
        self.parameters = [n for n, a in neuron.attributes.items() if a.kind == "parameter"]
        self.variables = [n for n, a in neuron.attributes.items() if a.kind == "variable"]
        self.targets = []
        self._init = {n: a.init for n, a in neuron.attributes.items()}
        self._state = None
        self._stop = None
        self._code = None
        self._ops = []
        self._global_ops = []
        self._net = net
        self._refractory_init = None  # refractory period set on the population (before compile)
        self._fr_window = None  # compute_firing_rate() window (ms)
        self._spike_count = 0
        self._axon_count = 0
        self._attribute_names = frozenset(neuron.attributes)
        net._add_population(self)

    # -- structure ------------------------------------------------------------------------
    @property
    def attributes(self):
        return self.parameters + self.variables

    @property
    def initialized(self):
        return self._state is not None

    def __len__(self):
        return self.size

    def __repr__(self):
        return f"Population(name={self.name!r}, geometry={self.geometry}, neuron={self.neuron_type.name!r})"

    def rank_from_coordinates(self, coord):
        """Rank of the neuron at ``coord`` (a tuple with one index per dimension)."""
        coord = (coord,) if np.isscalar(coord) else tuple(coord)
        if len(coord) != self.dimension or any(not 0 <= c < g for c, g in zip(coord, self.geometry, strict=False)):
            raise NetworkError(f"population '{self.name}': coordinates {coord} outside geometry {self.geometry}")
        return int(np.ravel_multi_index(coord, self.geometry))

    def coordinates_from_rank(self, rank):
        """Coordinates (a tuple) of the neuron of rank ``rank``."""
        self._check_rank(rank)
        return tuple(int(c) for c in np.unravel_index(rank, self.geometry))

    def normalized_coordinates_from_rank(self, rank, norm=1.0):
        """Coordinates of ``rank`` scaled to [0, norm] along each dimension (single
        precision, as the reference computes them)."""
        self._check_rank(rank)
        coord = np.unravel_index(rank, self.geometry)
        return tuple(
            float(np.float32(norm * c / (g - 1))) if g > 1 else 0.0 for c, g in zip(coord, self.geometry, strict=False)
        )

    def _check_rank(self, rank):
        if not 0 <= int(rank) < self.size:
            raise NetworkError(f"population '{self.name}': rank {rank} outside [0, {self.size})")

    # -- views ----------------------------------------------------------------------------
    def __getitem__(self, key):
        """``pop[a:b]`` / ``pop[i]``: flat ranks (a view); ``pop[i, j]``: the neuron at these
        coordinates; ``pop[i, :]``: a view of the coordinates selected."""
        try:
            if isinstance(key, tuple) and len(key) > 1:
                selected = np.arange(self.size).reshape(self.geometry)[key]
                if np.ndim(selected) == 0:
                    return IndividualNeuron(self, int(selected))
                return PopulationView(self, np.ravel(selected))
            ranks = np.atleast_1d(self.ranks[key[0] if isinstance(key, tuple) else key])
        except IndexError as err:
            raise NetworkError(f"population '{self.name}': invalid slice {key!r} ({err})") from None
        return PopulationView(self, ranks)

    def neuron(self, *coord):
        """The single neuron of rank ``coord[0]``, or at coordinates ``coord``."""
        if len(coord) == 1 and not isinstance(coord[0], tuple):
            rank = int(coord[0])
        else:
            rank = self.rank_from_coordinates(coord if len(coord) > 1 else coord[0])
        self._check_rank(rank)
        return IndividualNeuron(self, int(rank))

    # -- attribute values -----------------------------------------------------------------
    def _attribute(self, name):
        attr = self.neuron_type.attributes.get(name)
        if attr is None:
            raise NetworkError(
                f"population '{self.name}' has no attribute '{name}'; "
                f"its attributes are {', '.join(self.attributes)}"
            )
        return attr

    def _dtype(self, attr):
        if attr.ctype in _DTYPES:
            return _DTYPES[attr.ctype]
        return self._net.backend().float_dtype if self._net._backend else np.float64

    def get(self, name):
        """Value of attribute ``name``: a float for population-wide attributes, else an array
        shaped as the geometry (a copy)."""
        if isinstance(name, (list, tuple)):
            return {n: self.get(n) for n in name}
        return self._read(name, self.ranks, reshape=self.geometry)

    def _read(self, name, ranks, reshape=None):
        attr = self._attribute(name)
        if self._state is not None:
            value = self._net.backend().to_host(self._state[name])
        else:
            value = self._init[name]
        if attr.locality == "global":
            return value.item() if isinstance(value, np.ndarray) else value
        value = np.broadcast_to(np.asarray(value, dtype=self._dtype(attr)), (self.size,))
        if ranks is not self.ranks:
            value = value[ranks]
        value = np.array(value)
        return value.reshape(reshape) if reshape is not None else value

    def set(self, values):
        """Sets attributes from a dict ``{name: value}`` (scalars, arrays or distributions)."""
        self._write(values, self.ranks)

    def _write(self, values, ranks):
        if not isinstance(values, dict):
            raise NetworkError(f"population '{self.name}': set() takes a dict {{name: value}}")
        prepared = {name: self._prepare(name, value, len(ranks)) for name, value in values.items()}
        for name, value in prepared.items():
            self._store(name, value, ranks)

    def _prepare(self, name, value, n):
        attr = self._attribute(name)
        dtype = self._dtype(attr)
        if isinstance(value, RandomDistribution):
            value = value.get_values(n if attr.locality != "global" else 1)
        value = np.asarray(value)
        if attr.locality == "global":
            if value.size != 1:
                raise NetworkError(
                    f"population '{self.name}': '{name}' is population-wide and takes one value, "
                    f"got an array of shape {value.shape}"
                )
            return value.reshape(()).astype(dtype)
        if value.ndim == 0:
            return value.astype(dtype)
        if value.size != n:
            raise NetworkError(
                f"population '{self.name}': '{name}' takes a scalar or {n} values, "
                f"got an array of shape {value.shape}"
            )
        return value.reshape(n).astype(dtype)

    def _store(self, name, value, ranks):
        attr = self._attribute(name)
        if self._state is not None:
            xp = self._net.backend().xp
            target = self._state[name]
            if attr.locality == "global":
                target[...] = value
            elif ranks is self.ranks:
                target[...] = xp.asarray(value)
            else:
                target[xp.asarray(ranks)] = xp.asarray(value)
            return
        if attr.locality == "global" or ranks is self.ranks:
            self._init[name] = value if np.ndim(value) else value[()]
        else:
            full = np.array(np.broadcast_to(np.asarray(self._init[name], dtype=self._dtype(attr)), (self.size,)))
            full[ranks] = value
            self._init[name] = full

    def sum(self, target):
        """The weighted sum received for ``target`` at the last step, shaped as the geometry."""
        if self._state is None:
            raise NetworkError(f"population '{self.name}': sum('{target}') is available after compile()")
        key = f"_sum_{target}"
        if self.neuron_type.type == "spike" and f"g_{target}" in self._state:
            key = f"g_{target}"  # spiking neurons receive their inputs in conductances
        if key not in self._state:
            return np.zeros(self.geometry)
        return self._net.backend().to_host(self._state[key]).reshape(self.geometry)

    # -- life cycle -----------------------------------------------------------------------
    def enable(self):
        """Updates this population again at each step."""
        self.enabled = True
        self._net._plan_dirty = True

    def disable(self):
        """Freezes this population: its equations are not evaluated until ``enable()``."""
        self.enabled = False
        self._net._plan_dirty = True
        if self._state is not None and "_spiked" in self._state:
            # a frozen population emits nothing (the reference would resend its last spikes)
            self._state["_spiked"][...] = False
            self._spike_count = 0
            self._spike_ranks = self._spike_buffer[:0]

    @property
    def is_enabled(self):
        return self.enabled

    def save(self, filename):
        """Saves the population's structure and attribute values (formats: :func:`annarray.save`)."""
        from annarray.core.saving import save_population

        save_population(self, filename)

    def load(self, filename, pickle_encoding=None):
        """Restores the state saved by :meth:`save`."""
        from annarray.core.saving import load_population

        load_population(self, filename, pickle_encoding)

    def reset(self, attributes=-1):
        """Restores attributes (all by default, or the listed names) to their values at compile time."""
        if self._state is None:
            return
        names = self.attributes if attributes == -1 else list(attributes)
        for name in names:
            self._attribute(name)
            self._state[name][...] = self._net.backend().xp.asarray(self._reset_values[name])
        self.clear()

    def clear(self):
        """Clears the traces of the previous simulation: sums, spikes of the last step, time
        of the last spikes, refractory counters and firing-rate history; values stay."""
        if self._state is None:
            return
        for key, arr in self._state.items():
            if key.startswith("_sum_") or key in ("_spiked", "_axon_spiked", "_refractory_remaining"):
                arr[...] = 0
        if "_t_last" in self._state:
            self._state["_t_last"][...] = _NO_SPIKE * self._net.dt
            self._spike_count = self._axon_count = 0
            self._spike_ranks = self._spike_buffer[:0]
            self._axon_ranks = self._axon_buffer[:0] if self._axon_buffer is not None else None
            self._fr_count[...] = 0
            self._fr_history.clear()

    def _copy(self, network):
        pop = Population(self.geometry, self.neuron_type, self.name, self.stop_condition, network=network)
        pop._init = {k: np.copy(v) if isinstance(v, np.ndarray) else v for k, v in self._init.items()}
        pop.enabled = self.enabled
        pop._refractory_init = self._refractory_init
        pop._fr_window = self._fr_window
        return pop

    # -- spiking --------------------------------------------------------------------------
    def _require_spiking(self, what):
        if self.neuron_type.type != "spike":
            raise NetworkError(f"population '{self.name}': {what} is only defined for spiking neurons")

    @property
    def spike(self):
        """Ranks of the neurons that spiked at the last step (1-D int array, after compile)."""
        self._require_spiking("'spike'")
        if self._state is None:
            raise NetworkError(f"population '{self.name}': spike events are available after compile()")
        return self._net.backend().to_host(self._spike_ranks).astype(int)

    @property
    def refractory(self):
        """Refractory period (ms). Before compile: the value given (number, array or the name
        of the neuron's parameter). After compile: the per-neuron values (a 1-D array of
        whole steps times dt), or the values of the neuron's parameter."""
        if "refractory" in self._attribute_names:
            return self.get("refractory")
        if self.neuron_type.type != "spike":
            logger.warning("population '%s': rate-coded neurons have no refractory period", self.name)
            return None
        ref = self.neuron_type.refractory
        if self._state is None:
            return self._refractory_init if self._refractory_init is not None else ref
        if isinstance(ref, str):
            return self.get(ref)
        if "_refractory" in self._state:
            return self._net.dt * self._net.backend().to_host(self._state["_refractory"]).astype(np.float64)
        return None

    @refractory.setter
    def refractory(self, value):
        if "refractory" in self._attribute_names:
            self.set({"refractory": value})
            return
        if self.neuron_type.type != "spike":
            logger.warning("population '%s': rate-coded neurons have no refractory period", self.name)
            return
        if isinstance(self.neuron_type.refractory, str):
            logger.warning("population '%s': the refractory period is the neuron's attribute '%s'; "
                           "set that attribute instead", self.name, self.neuron_type.refractory)
            return
        if isinstance(value, RandomDistribution):
            value = value.get_values(self.size)
        values = np.asarray(value, dtype=np.float64)
        if values.ndim and values.size != self.size:
            raise NetworkError(f"population '{self.name}': refractory takes a scalar or {self.size} values, "
                               f"got an array of shape {values.shape}")
        if np.any(values < 0):
            raise NetworkError(f"population '{self.name}': the refractory period must be >= 0 ms")
        if self._state is None:
            self._refractory_init = value
            return
        steps = self._refractory_steps(values)
        if "_refractory" not in self._state:
            self._enable_refractory(steps)
        else:
            self._state["_refractory"][...] = self._net.backend().xp.asarray(steps)

    def _refractory_steps(self, values):
        """Per-neuron refractory periods (ms) → whole steps, truncated as the reference does."""
        dt = self._net.dt
        values = np.broadcast_to(np.asarray(values, dtype=np.float64).reshape(-1), (self.size,))
        steps = np.trunc(values / dt)
        if np.any(steps != values / dt):
            logger.warning("population '%s': a refractory period of %s ms is not a whole number of steps "
                           "(dt = %s ms); it is truncated to %s steps", self.name,
                           values[np.argmax(steps != values / dt)], dt, int(steps[np.argmax(steps != values / dt)]))
        return steps.astype(np.int64)

    def _enable_refractory(self, steps):
        """Adds a per-neuron refractory period after compile (the neuron had none)."""
        xp = self._net.backend().xp
        self._state["_refractory"] = xp.asarray(steps)
        self._state["_refractory_remaining"] = xp.zeros(self.size, dtype=np.float64)
        self._ns.update(_refractory=self._state["_refractory"],
                        _refractory_remaining=self._state["_refractory_remaining"])
        self._ops = self._build_ops(self._code, self._net.backend(), self._ns)
        self._net._plan_dirty = True

    def compute_firing_rate(self, window):
        """Fills ``r`` at each step with the mean firing rate (Hz) of each neuron over the last
        ``window`` ms (spikes of the last ``int(window/dt)`` steps, this one included)."""
        self._require_spiking("compute_firing_rate()")
        window = float(window)
        if window <= 0.0:
            return  # as the reference: a non-positive window changes nothing
        self._fr_window = window
        if self._state is not None:
            self._ops = self._build_ops(self._code, self._net.backend(), self._ns)
            self._net._plan_dirty = True

    # -- compilation ----------------------------------------------------------------------
    def _instantiate(self, code, backend, shared):
        """Allocates the state arrays for generated ``code`` and builds the per-step operations.

        :param shared: arrays shared with the network (``t``, constants), by name.
        """
        xp = backend.xp
        self._code = code
        state = {}
        for name, attr in self.neuron_type.attributes.items():
            dtype = self._dtype(attr)
            if attr.locality == "global":
                state[name] = xp.asarray(np.asarray(self._init[name], dtype=dtype).reshape(()))
            else:
                state[name] = xp.asarray(np.broadcast_to(np.asarray(self._init[name], dtype=dtype), (self.size,)).copy())
        self.targets = sorted(set(self.targets) | set(code.targets) | set(code.conductance_targets))
        for target in self.targets:
            state[f"_sum_{target}"] = xp.zeros(self.size, dtype=backend.float_dtype)
        for draw in code.random_draws:
            dtype = np.int64 if draw.kind == "binomial" else backend.float_dtype
            state[draw.name] = xp.zeros(self.size, dtype=dtype)
        for op in code.global_ops:
            state[op.name] = xp.zeros((), dtype=backend.float_dtype)
        if code.spike is not None:
            self._instantiate_spiking(code, backend, state)
        if code.stop is not None:
            state["_stop"] = xp.zeros(self.size, dtype=bool)
        for kernel in code.update + code.update_refractory + code.reset:
            if kernel.like is not None and kernel.target not in state:
                state[kernel.target] = xp.zeros_like(state[kernel.like])
        self._state = state
        self._reset_values = {n: backend.to_host(state[n]) for n in self.neuron_type.attributes}
        self._rng = backend.new_generator(shared["_seed_sequence"].spawn(1)[0])
        ns = {**shared, **state}
        self._ns = ns
        self._ops = self._build_ops(code, backend, ns)
        self._stop = None
        if code.stop is not None:
            check = self._kernel_op(code.stop, backend, ns)
            reduce = xp.any if code.stop_mode == "any" else xp.all
            flags = state["_stop"]

            def stop():
                check()
                return bool(reduce(flags))

            self._stop = stop

    def _instantiate_spiking(self, code, backend, state):
        """Spike arrays, the time of the last spikes and the refractory counters."""
        xp = backend.xp
        index = backend.index_dtype(self.size)
        state["_spiked"] = xp.zeros(self.size, dtype=bool)
        state["_t_last"] = xp.full(self.size, _NO_SPIKE * self._net.dt, dtype=np.float64)
        self._arange = xp.arange(self.size, dtype=index)
        self._spike_buffer = xp.zeros(self.size, dtype=index)
        self._spike_ranks = self._spike_buffer[:0]
        self._spike_count = 0
        self._axon_buffer = self._axon_ranks = None
        self._axon_count = 0
        if code.axon_spike is not None:
            state["_axon_spiked"] = xp.zeros(self.size, dtype=bool)
            self._axon_buffer = xp.zeros(self.size, dtype=index)
            self._axon_ranks = self._axon_buffer[:0]
        ref = code.refractory
        if ref is None or ref[0] == "value":
            value = self._refractory_init if self._refractory_init is not None else (ref[1] if ref else None)
            if value is not None:
                if isinstance(value, RandomDistribution):
                    value = value.get_values(self.size)
                state["_refractory"] = xp.asarray(self._refractory_steps(value))
        if "_refractory" in state or (ref is not None and ref[0] == "attribute"):
            state["_refractory_remaining"] = xp.zeros(self.size, dtype=np.float64)
        self._fr_count = xp.zeros(self.size, dtype=np.int64)
        self._fr_history = deque()

    def _build_ops(self, code, backend, ns):
        ops = [backend.draw_op(self._rng, d, ns[d.name]) for d in code.random_draws]
        self._global_ops = [self._global_op(g, backend, ns) for g in code.global_ops]
        if code.spike is None:
            fused = self._fused_rate_ops(code, backend, ns) if backend.fuses_populations() else None
            return ops + (fused if fused is not None else [self._kernel_op(k, backend, ns) for k in code.update])
        refractory = "_refractory_remaining" in ns
        update = code.update_refractory if refractory else code.update
        fused = self._fused_ops(code, update, backend, ns, refractory) if backend.fuses_populations() else None
        if fused is not None:
            ops += fused
        else:
            ops += [self._kernel_op(k, backend, ns) for k in update]
            ops += [partial(ns[name].fill, 0) for name in code.conductances]
            ops.append(self._spike_op(code, backend, ns, refractory))
        if self._fr_window is not None and int(self._fr_window / self._net.dt) > 0:
            ops.append(self._firing_rate_op(backend, ns))
        return ops

    def _fused_ops(self, code, update, backend, ns, refractory):
        """The update, the conductance reset and the spike emission as one compiled loop
        over the neurons (see :mod:`annarray.codegen.jit_population`), or None if it cannot
        be built. Kernels up to the last one writing a population-wide value run before it,
        as separate kernels."""
        from annarray.codegen.jit_population import FusedStep

        before, update = self._split_update(update, backend, ns)
        period = None
        if refractory:
            period = "period" if "_refractory" in ns else code.refractory[1]
        axon = code.axon_spike_refractory if refractory else code.axon_spike
        step = FusedStep(update, list(code.conductances), code.spike_refractory if refractory else code.spike,
                         list(code.reset), axon, list(code.axon_reset), period, self._net.dt)
        spikes, axon_spikes = self._spike_buffer, self._axon_buffer
        buffers = {"_ranks_out": spikes, "_axon_out": spikes if axon_spikes is None else axon_spikes}
        loop = self._compiled_step(step, backend, ns, buffers)
        if loop is None:
            return None

        attributes = self.__dict__  # set directly: the class's __setattr__ costs a Python call

        def fused_step():
            k, ka = loop()
            attributes["_spike_ranks"] = spikes[:k].copy()
            attributes["_spike_count"] = k
            if axon_spikes is not None:
                attributes["_axon_ranks"] = axon_spikes[:ka].copy()
                attributes["_axon_count"] = ka

        return before + [fused_step]

    def _fused_rate_ops(self, code, backend, ns):
        """The update kernels of a rate-coded population as one compiled loop over the
        neurons (after the kernels writing population-wide values), or None."""
        from annarray.codegen.jit_population import FusedStep

        before, update = self._split_update(code.update, backend, ns)
        if not update:
            return None
        loop = self._compiled_step(FusedStep(update), backend, ns, {})
        return None if loop is None else before + [loop]

    def _split_update(self, update, backend, ns):
        """(kernel ops run before the loop, kernels of the loop): kernels up to the last one
        writing a population-wide value run as separate kernels first."""
        split = max((k + 1 for k, spec in enumerate(update) if ns[spec.target].ndim == 0), default=0)
        return [self._kernel_op(k, backend, ns) for k in update[:split]], update[split:]

    def _compiled_step(self, step, backend, ns, buffers):
        """The compiled loop of :class:`~annarray.codegen.jit_population.FusedStep` ``step``
        bound to the arrays (``buffers``: output arrays by name), or None if it cannot be built."""
        try:
            return backend.population_step(step, ns, buffers, self.size)
        except CompilationError as err:
            logger.info("population '%s': no compiled loop (%s); running separate kernels", self.name, err)
            return None

    def _spike_op(self, code, backend, ns, refractory):
        """One step of spike emission: condition, ranks, reset, time of the spikes, axonal
        spikes, refractory counters (one kernel per condition and reset statement; the resets
        run only if a neuron spiked; the rest are in-place NumPy operations on the spikes)."""
        xp = backend.xp
        detect = self._kernel_op(code.spike_refractory if refractory else code.spike, backend, ns)
        resets = [self._kernel_op(k, backend, ns) for k in code.reset]
        spiked, buffer, t_last, t = ns["_spiked"], self._spike_buffer, ns["_t_last"], ns["t"]
        axon = None
        if code.axon_spike is not None:
            axon = self._kernel_op(code.axon_spike_refractory if refractory else code.axon_spike, backend, ns)
            axon_resets = [self._kernel_op(k, backend, ns) for k in code.axon_reset]
            axon_spiked, axon_buffer = ns["_axon_spiked"], self._axon_buffer
        remaining = ns.get("_refractory_remaining") if refractory else None
        if refractory:
            subtract, maximum, trunc = xp.subtract, xp.maximum, xp.trunc
            period = ns.get("_refractory")  # whole steps per neuron, or None: the attribute
            if period is None:
                attribute, dt = ns[code.refractory[1]], self._net.dt
                per_neuron = attribute.ndim > 0

        def emitted(mask, into, resets):
            """Ranks where ``mask`` holds (ascending; a fresh small array, which costs less
            than counting and compressing into ``into``), after running ``resets``."""
            found = mask.nonzero()[0]
            if found.shape[0]:
                for reset in resets:
                    reset()
            return found

        def spike_step():
            detect()
            ranks = emitted(spiked, buffer, resets)
            n = ranks.shape[0]
            if n:
                t_last.put(ranks, t)
            self._spike_ranks = ranks
            self._spike_count = n
            if axon is not None:
                axon()
                self._axon_ranks = emitted(axon_spiked, axon_buffer, axon_resets)
                self._axon_count = self._axon_ranks.shape[0]
            if remaining is not None:
                # count down the periods running since before this step, then start new ones
                subtract(remaining, 1.0, out=remaining)
                maximum(remaining, 0.0, out=remaining)
                if n:
                    if period is not None:
                        remaining.put(ranks, period.take(ranks))
                    else:  # the reference truncates attribute/dt to whole steps
                        remaining[ranks] = trunc((attribute[ranks] if per_neuron else attribute) / dt)

        return spike_step

    def _firing_rate_op(self, backend, ns):
        """Mean firing rate in ``r``: spikes of the last ``int(window/dt)`` steps × 1000/window."""
        xp = backend.xp
        window_steps = int(self._fr_window / self._net.dt)
        rate = 1000.0 / self._fr_window
        count, history, r, net = self._fr_count, self._fr_history, ns["r"], self._net

        def firing_rate_step():
            step = net._step
            if self._spike_count:
                ranks = self._spike_ranks  # a new array each step: kept as is
                count[ranks] += 1
                history.append((step, ranks))
            while history and history[0][0] <= step - window_steps:
                count[history.popleft()[1]] -= 1
            xp.multiply(count, rate, out=r)

        return firing_rate_step

    def _kernel_op(self, spec, backend, ns):
        from annarray.codegen.kernel_cache import bind_kernel

        return bind_kernel(backend, spec, ns, f"population '{self.name}'")

    def _require_global_op(self, op):
        """Computes the global operation ``op`` at each step (for a synapse's ``mean(pre.r)``)."""
        if op.name in self._state:
            return
        backend = self._net.backend()
        self._state[op.name] = backend.xp.zeros((), dtype=backend.float_dtype)
        self._global_ops.append(self._global_op(op, backend, self._state))
        self._net._plan_dirty = True

    def _global_op(self, op, backend, ns):
        xp = backend.xp
        x, out = ns[op.variable], ns[op.name]
        funcs = {
            "min": lambda: xp.min(x, out=out),
            "max": lambda: xp.max(x, out=out),
            "mean": lambda: xp.mean(x, out=out),
            "norm1": lambda: xp.sum(xp.abs(x), out=out),
            "norm2": lambda: out.__setitem__(Ellipsis, xp.sqrt(xp.dot(x, x))),
        }
        return funcs[op.op]


class PopulationView(_AttributeAccess):
    """A subset of a population's neurons (from slicing or ``+``), sharing its arrays.

    :param population: the population viewed.
    :param ranks: ranks of the neurons in the view (1-D int array).
    """

    def __init__(self, population, ranks, geometry=None):
        self.population = population
        self.ranks = np.asarray(ranks, dtype=np.int64)
        self.size = len(self.ranks)
        self.geometry = tuple(geometry) if geometry is not None else (self.size,)
        self.name = f"{population.name}_view"
        self.neuron_type = population.neuron_type
        self._attribute_names = population._attribute_names

    @property
    def attributes(self):
        return self.population.attributes

    def __len__(self):
        return self.size

    def __repr__(self):
        return f"PopulationView of '{self.population.name}' ({self.size} neurons)"

    def get(self, name):
        """Values of ``name`` for the neurons of the view (1-D array; float if population-wide)."""
        if isinstance(name, (list, tuple)):
            return {n: self.get(n) for n in name}
        return self.population._read(name, self.ranks)

    def set(self, values):
        self.population._write(values, self.ranks)

    def __add__(self, other):
        if isinstance(other, IndividualNeuron):
            other = PopulationView(other.population, [other.rank])
        if not isinstance(other, PopulationView) or other.population is not self.population:
            raise NetworkError("only views of the same population can be added")
        ranks = np.concatenate([self.ranks, other.ranks])
        _, first = np.unique(ranks, return_index=True)
        return PopulationView(self.population, ranks[np.sort(first)])

    def __getitem__(self, key):
        ranks = np.atleast_1d(self.ranks[key])
        return PopulationView(self.population, ranks)

    def sum(self, target):
        return self.population.sum(target).ravel()[self.ranks]


class IndividualNeuron(PopulationView):
    """One neuron of a population: attributes read and written as scalars."""

    def __init__(self, population, rank):
        super().__init__(population, [rank])
        self.rank = rank

    def get(self, name):
        value = super().get(name)
        return value if np.ndim(value) == 0 else value[0].item()

    def __repr__(self):
        return f"Neuron {self.rank} of '{self.population.name}'"
