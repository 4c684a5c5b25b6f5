"""Saving and loading one population: its entry in a state file (see
:mod:`annarray.core.saving`) and the functions that check an entry against a population and
write it."""

import logging

import numpy as np

from annarray.core.state_files import STATE_KEY, StateFileError, StateMismatchError
from annarray.core.state_values import names, numeric, optional_int, text

__all__ = ["population_description", "population_loader"]

logger = logging.getLogger(__name__)

_PREFIX = "s"  # internal array '_t_last' is stored as 's_t_last' (MATLAB drops names starting with '_')


def population_description(pop):
    """The entry of population ``pop``: structure, attribute values (host copies) and, after
    compile, the internal state under ``'annarray_state'``."""
    desc = {"name": pop.name, "geometry": tuple(int(g) for g in pop.geometry), "size": int(pop.size),
            "attributes": list(pop.attributes), "parameters": list(pop.parameters),
            "variables": list(pop.variables)}
    for name in pop.attributes:
        desc[name] = pop.get(name)  # a Python scalar or an array shaped as the geometry (a copy)
    if pop._state is not None:
        desc[STATE_KEY] = _population_internal(pop)
    return desc


def _population_internal(pop):
    """Compiled arrays that are not attributes, the spikes of the last step, the delay buffer."""
    backend = pop._net.backend()
    internal = {_PREFIX + key: backend.to_host(arr) for key, arr in pop._state.items()
                if key not in pop._attribute_names}
    for key, attr in (("spike_ranks", "_spike_ranks"), ("axon_ranks", "_axon_ranks")):
        ranks = getattr(pop, attr, None)
        if ranks is not None:
            internal[key] = backend.to_host(ranks)
            internal[f"{key}_dtype"] = str(internal[key].dtype)  # MATLAB squeezes one rank to an int
    buffer = pop._net._delay_buffers.get(pop.name)
    if buffer is not None:
        internal["delay_buffer"] = backend.to_host(buffer.buffer)
        internal["delay_head"] = int(buffer.head)
    return internal


def population_loader(pop, desc, source):
    """Validates ``desc`` against ``pop``; returns the functions that write it: the values
    and internal arrays, and (to run after the projections are loaded) the delay buffer."""
    label = f"population '{pop.name}'"
    if "size" in desc and optional_int(desc["size"], "size", source) != pop.size:
        raise StateMismatchError(f"{source}: the saved population '{text(desc.get('name', '?'))}' has "
                                 f"{optional_int(desc['size'], 'size', source)} neurons, {label} has {pop.size}")
    if "geometry" in desc:
        geometry = tuple(int(g) for g in np.ravel(numeric(desc["geometry"], "geometry", source)))
        if geometry != tuple(pop.geometry):
            raise StateMismatchError(f"{source}: the saved population '{text(desc.get('name', '?'))}' has the "
                                     f"geometry {geometry}, {label} has {tuple(pop.geometry)}")
    values = {}
    for name in names(desc.get("attributes")):
        if name not in pop._attribute_names or name not in desc:
            logger.warning("%s: %s has no attribute '%s' (or the file lacks its value); it is skipped",
                           source, label, name)
            continue
        values[name] = _population_values(pop, name, desc[name], source)
    internal = desc.get(STATE_KEY) if isinstance(desc.get(STATE_KEY), dict) else None
    restore = _population_internal_loader(pop, internal, source)
    restore_buffer = _delay_buffer_loader(pop, internal, source)

    def apply():
        for name, value in values.items():
            _write_population_attribute(pop, name, value)
        if restore is not None:
            restore()

    return apply, restore_buffer


def _write_population_attribute(pop, name, value):
    """Restores a saved value as it was: straight into the compiled array (not through
    ``set()``, which some input populations refuse for the attributes they drive), or as the
    value compile() starts from."""
    if pop._state is None:
        pop._store(name, value, pop.ranks)
        return
    target = pop._state[name]
    target[...] = pop._net.backend().asarray(value if value.ndim == 0 else value.reshape(target.shape))


def _population_values(pop, name, value, source):
    attr = pop._attribute(name)
    arr = numeric(value, f"the value of '{name}'", source)
    dtype = pop._dtype(attr)
    if attr.locality == "global" or arr.size == 1:
        if arr.size != 1:
            raise StateMismatchError(f"{source}: '{name}' is population-wide in population '{pop.name}' but "
                                     f"the file holds {arr.size} values")
        return arr.reshape(()).astype(dtype)
    if arr.size != pop.size:
        raise StateMismatchError(f"{source}: '{name}' holds {arr.size} values, population '{pop.name}' "
                                 f"has {pop.size} neurons")
    return arr.reshape(pop.size).astype(dtype)


def _population_internal_loader(pop, internal, source):
    """The function restoring the internal state of a compiled ``pop`` (None if nothing)."""
    if not isinstance(internal, dict) or pop._state is None:
        return None
    backend = pop._net.backend()
    writes = []
    for key, value in internal.items():
        name = key[len(_PREFIX):]
        if not key.startswith(_PREFIX) or name not in pop._state or name in pop._attribute_names:
            continue
        target = pop._state[name]
        arr = numeric(value, f"the internal array '{name}'", source)
        if arr.size != target.size:
            raise StateMismatchError(f"{source}: the internal array '{name}' of population '{pop.name}' "
                                     f"holds {arr.size} values, the network's {target.size}")
        writes.append((target, arr.reshape(target.shape).astype(target.dtype)))
    spikes = {}
    for key, attr in (("spike_ranks", "_spike_ranks"), ("axon_ranks", "_axon_ranks")):
        if key in internal and getattr(pop, attr, None) is not None:
            ranks = np.ravel(numeric(internal[key], key, source)).astype(_rank_dtype(internal, key, source))
            if ranks.size and (ranks.min() < 0 or ranks.max() >= pop.size):
                raise StateFileError(f"{source}: {key} of population '{pop.name}' holds ranks outside 0..{pop.size - 1}")
            spikes[attr] = ranks

    def apply():
        for target, arr in writes:
            target[...] = backend.asarray(arr)
        for attr, ranks in spikes.items():
            setattr(pop, attr, backend.asarray(ranks))
            setattr(pop, attr.replace("ranks", "count"), int(ranks.size))

    return apply


def _rank_dtype(internal, key, source):
    """The integer type of the saved spike ranks ``key`` (recorded beside them, as MATLAB
    files turn a single rank into a plain int)."""
    try:
        dtype = np.dtype(text(internal.get(f"{key}_dtype", "int64")))
    except TypeError:
        dtype = None
    if dtype is None or dtype.kind not in "iu":
        raise StateFileError(f"{source}: '{key}_dtype' is not an integer type")
    return dtype


def _delay_buffer_loader(pop, internal, source):
    """The function restoring the past rates of ``pop`` kept for delayed projections, when
    the buffer then has the saved depth (otherwise the delays differ: it stays as is)."""
    if not internal or pop._state is None or "delay_buffer" not in internal:
        return lambda: None
    past = numeric(internal["delay_buffer"], "delay_buffer", source)
    head = optional_int(internal.get("delay_head", 0), "delay_head", source)
    if past.ndim != 2 or past.shape[1] != pop.size:
        raise StateFileError(f"{source}: the delay buffer of population '{pop.name}' has the shape {past.shape}, "
                             f"not (steps, {pop.size})")

    def apply():
        buffer = pop._net._delay_buffers.get(pop.name)
        if buffer is not None and buffer.buffer.shape == past.shape:
            buffer.buffer[...] = pop._net.backend().asarray(past.astype(buffer.buffer.dtype))
            buffer.head = head % buffer.depth

    return apply
