"""Saving and loading the state of a network, a population or a projection.

``save(filename)`` writes one dictionary with the layout of the reference (ANNarchy 4.8.2,
measured: docs/reference_facts.md O):

* ``'time_step'`` (int), ``'net_id'`` (int), ``'obj_names'``: ``{'populations': [names],
  'projections': [names]}``;
* one entry per population, named after it: ``name``, ``geometry`` (tuple), ``size``,
  ``attributes`` / ``parameters`` / ``variables`` (lists of names), and each attribute: a
  Python scalar (population-wide) or an array shaped as the geometry;
* one entry per projection: ``name``, ``pre``, ``post``, ``target``, ``post_ranks`` (the
  postsynaptic ranks having synapses), ``pre_ranks`` (per dendrite: a 2-D array when every
  dendrite has as many synapses, else an object array of 1-D arrays), ``delays`` (ms: one
  float when uniform, else per dendrite), the attribute lists, and each attribute: a Python
  scalar (projection-wide; also ``w`` when all synapses share one weight), a 1-D array per
  dendrite (``postsynaptic``) or per dendrite and synapse as ``pre_ranks``.

annarray adds, in each object's entry, ``'annarray_state'``: what the reference does not
save but a simulation resumed from the file needs to continue exactly as the saved one —
the arrays of the compiled state that are not attributes (sums, time of the last spike,
refractory counters, global operations, …; keys ``'s' + name``), the spikes of the last
step, the rate delay buffer, the spikes in transit of spiking projections, the synapses'
last event steps and the exact delays in steps. Files of the reference load too (without it).

Population.save()/load() and Projection.save()/load() write/read one object's entry alone.

Loading validates the whole file against the network before writing any value: a file that
cannot be read raises :class:`~annarray.core.state_files.StateFileError`, one that does not
fit the network (other objects, sizes, targets) :class:`StateMismatchError`; the network is
then unchanged. Loading a projection restores its synapses (connectivity, weights, delays):
after compile, a projection whose synapses or delays differ from the file's is rebuilt.
Random streams are not saved (as in the reference).

Modules: this one (network files, the public functions), :mod:`saving_populations` and
:mod:`saving_projections` (one object's entry), :mod:`state_files` (formats, atomic
writes), :mod:`state_values` (reading loose values).
"""

from annarray.core.saving_populations import population_description, population_loader
from annarray.core.saving_projections import projection_description, projection_loader
from annarray.core.state_files import (
    STATE_KEY,
    StateFileError,
    StateMismatchError,
    read_state_file,
    write_state_file,
)
from annarray.core.state_values import names, optional_int
from annarray.errors import NetworkError

__all__ = ["save", "load", "save_population", "load_population", "save_projection", "load_projection",
           "network_description", "population_description", "projection_description",
           "StateMismatchError", "StateFileError", "STATE_KEY"]


def network_description(net, populations=True, projections=True):
    """The dictionary ``save()`` writes for network ``net``."""
    desc = {"time_step": int(net._step), "net_id": int(net.id)}
    pops = list(net.populations) if populations else []
    projs = _saveable(net.projections) if projections else []
    for pop in pops:
        desc[pop.name] = population_description(pop)
    for proj in projs:
        desc[proj.name] = projection_description(proj)
    desc["obj_names"] = {"populations": [p.name for p in pops], "projections": [p.name for p in projs]}
    return desc


# =========================================================================================
# Public functions
# =========================================================================================

def save(filename, populations=True, projections=True, net_id=0):
    """Saves the state of network ``net_id``: every population's attributes (if
    ``populations``) and every projection's synapses and attributes (if ``projections``).

    The format follows the extension: ``.npz`` (compressed NumPy, recommended), ``.mat``
    (MATLAB), ``.h5``/``.hdf5`` (HDF5), ``.gz`` (gzipped pickle, e.g. ``net.data.gz``),
    anything else a pickle (``.data``, ``.pickle``). The file is written atomically.
    """
    net = _network(net_id)
    write_state_file(filename, network_description(net, populations, projections))


def load(filename, populations=True, projections=True, pickle_encoding=None, net_id=0):
    """Restores the state saved by :func:`save` into network ``net_id`` (also the time).

    The file's populations and projections must be the network's (same names, sizes and
    targets; a category saved empty is not checked). Saved attributes the network does not
    have are skipped with a warning; attributes missing from the file keep their values.

    :param populations: restore the populations.
    :param projections: restore the projections (synapses, weights, delays, variables).
    :param pickle_encoding: encoding of Python 2 strings in pickled files.
    :raises StateFileError: missing, unreadable or corrupted file.
    :raises StateMismatchError: the file does not fit the network (nothing is changed).

    Pickled files (and ``.npz`` files, whose dictionaries are pickled) can run code when
    read: load only files you trust.
    """
    net = _network(net_id)
    source = f"state file '{filename}'"
    data = read_state_file(filename, pickle_encoding)
    pop_descs, proj_descs = _objects_in(data, source)
    actions, late = [], []
    if populations:
        _check_same_objects("population", [p.name for p in net.populations], pop_descs, source)
        for pop in net.populations:
            if pop.name in pop_descs:
                apply, restore_buffer = population_loader(pop, pop_descs[pop.name], source)
                actions.append(apply)
                late.append(restore_buffer)
    if projections:
        saveable = _saveable(net.projections)
        _check_same_objects("projection", [p.name for p in saveable], proj_descs, source)
        actions += [projection_loader(p, proj_descs[p.name], source, check_identity=True)
                    for p in saveable if p.name in proj_descs]
    step = optional_int(data.get("time_step"), "time_step", source)
    if step is not None:
        net.set_current_step(step)
    for action in actions + late:  # delay buffers last: loading a projection may deepen them
        action()


def save_population(pop, filename):
    """Saves the structure and attribute values of ``pop`` alone (``Population.save``)."""
    write_state_file(filename, population_description(pop))


def load_population(pop, filename, pickle_encoding=None):
    """Restores ``pop`` from a file written by :func:`save_population` (``Population.load``).

    :raises StateMismatchError: the saved population has another size or geometry.
    """
    source = f"state file '{filename}'"
    desc = _single_object(read_state_file(filename, pickle_encoding), "population", source)
    apply, restore_buffer = population_loader(pop, desc, source)
    apply()
    restore_buffer()


def save_projection(proj, filename):
    """Saves the synapses and attribute values of ``proj`` alone (``Projection.save``)."""
    write_state_file(filename, projection_description(proj))


def load_projection(proj, filename, pickle_encoding=None):
    """Restores ``proj`` (synapses, weights, delays, variables) from a file written by
    :func:`save_projection` (``Projection.load``).

    :raises StateMismatchError: ranks outside the projection's populations, or delays the
        compiled network cannot hold.
    """
    source = f"state file '{filename}'"
    desc = _single_object(read_state_file(filename, pickle_encoding), "projection", source)
    projection_loader(proj, desc, source, check_identity=False)()


def _saveable(projections):
    """The projections save() covers: not those whose class sets ``_saveable = False``
    (shared-weight projections, as in the reference)."""
    return [p for p in projections if getattr(p, "_saveable", True)]


def _network(net_id):
    from annarray.core.network import _networks, default_network

    if net_id == 0:
        return default_network()
    if net_id not in _networks:
        raise NetworkError(f"there is no network with id {net_id}")
    return _networks[net_id]


# =========================================================================================
# Reading the file's objects
# =========================================================================================

def _is_projection_entry(value):
    return isinstance(value, dict) and "post_ranks" in value


def _is_population_entry(value):
    return isinstance(value, dict) and "attributes" in value and "post_ranks" not in value


def _objects_in(data, source):
    """``({name: population entry}, {name: projection entry})`` of a network file."""
    if "obj_names" in data:
        listed = data["obj_names"]
        if not isinstance(listed, dict):
            raise StateFileError(f"{source}: 'obj_names' is not a dictionary; the file was not written by save()")
        found = []
        for kind, check in (("populations", _is_population_entry), ("projections", _is_projection_entry)):
            entries = {}
            for name in names(listed.get(kind)):
                if not check(data.get(name)):
                    raise StateFileError(f"{source}: the {kind[:-1]} '{name}' listed in the file has no "
                                         "valid entry; the file is incomplete or corrupted")
                entries[name] = data[name]
            found.append(entries)
        return found[0], found[1]
    pops = {k: v for k, v in data.items() if _is_population_entry(v)}
    projs = {k: v for k, v in data.items() if _is_projection_entry(v)}
    if not pops and not projs:
        if "attributes" in data:
            raise StateFileError(f"{source} holds a single population or projection (saved with its "
                                 "save() method); load it with that object's load()")
        raise StateFileError(f"{source} holds no saved population or projection; it was not written by save()")
    return pops, projs


def _single_object(data, kind, source):
    if "obj_names" in data or "time_step" in data:
        raise StateFileError(f"{source} holds a whole network (saved with save()); load it with load(), "
                             f"or save the {kind} with its save() method")
    check = _is_projection_entry if kind == "projection" else _is_population_entry
    if not check(data):
        other = "projection" if kind == "population" else "population"
        hint = f" (it holds a {other})" if (_is_projection_entry if other == "projection" else _is_population_entry)(data) else ""
        raise StateFileError(f"{source} does not hold a saved {kind}{hint}")
    return data


def _check_same_objects(kind, network_names, file_entries, source):
    extra = [n for n in file_entries if n not in network_names]
    if extra:
        raise StateMismatchError(
            f"{source} holds the {kind}(s) {', '.join(map(repr, extra))}, which the network does not have; "
            f"load() needs the network that was saved (load single objects with {kind.capitalize()}.load())")
    missing = [n for n in network_names if n not in file_entries]
    if file_entries and missing:
        raise StateMismatchError(
            f"the network's {kind}(s) {', '.join(map(repr, missing))} are not in {source}; load() needs the "
            f"network that was saved (load single objects with {kind.capitalize()}.load())")


# -- loose values (npz entries are arrays, MATLAB squeezes and pads) ----------------------
