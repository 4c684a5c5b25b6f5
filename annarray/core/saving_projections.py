"""Saving and loading one projection: its entry in a state file (see
:mod:`annarray.core.saving`) and the functions that check an entry against a projection and
write it: the synapses (put in annarray's order), the attribute values, and after compile a
rebuild of the projection's compiled part when its synapses or delays change."""

import logging

import numpy as np

from annarray import config
from annarray.core.connectivity import Connectivity
from annarray.core.population import population_of as _population
from annarray.core.state_files import STATE_KEY, StateFileError, StateMismatchError
from annarray.core.state_values import flatten_per_dendrite, is_number, names, numeric, text

__all__ = ["projection_description", "projection_loader"]

logger = logging.getLogger(__name__)


def projection_description(proj):
    """The entry of projection ``proj``: synapses, attribute values and internal state.

    :raises NetworkError: the projection has no synapses yet.
    """
    proj._check_connected()
    conn = proj._conn
    lengths = np.diff(conn.indptr)
    regular = lengths.size == 0 or bool(np.all(lengths == lengths[0]))

    def per_dendrite(values):
        return _per_dendrite(np.array(values, copy=True), conn.indptr, regular)

    desc = {"name": proj.name, "pre": proj.pre.name, "post": proj.post.name, "target": proj.target,
            "post_ranks": np.array(conn.post_ranks, dtype=np.int64),
            "attributes": list(proj.attributes), "parameters": list(proj.parameters),
            "variables": list(proj.variables)}
    steps = proj._delay_steps
    dt = proj._net.dt
    desc["delays"] = float(max(int(steps), 1) * dt) if np.ndim(steps) == 0 else per_dendrite(steps * dt)
    desc["pre_ranks"] = per_dendrite(conn.indices.astype(np.int64))
    for name, attr in proj.synapse_type.attributes.items():
        values = proj._host(name)
        if attr.locality == "global":
            desc[name] = values.item()
        elif attr.locality == "semiglobal":
            desc[name] = np.array(values, copy=True)
        elif name == "w" and proj._single_weight:
            desc[name] = proj.get("w")
        else:
            desc[name] = per_dendrite(values)
    desc[STATE_KEY] = _projection_internal(proj)
    return desc


def _per_dendrite(values, indptr, regular):
    """Per-synapse ``values`` grouped by dendrite: a 2-D array (same number of synapses in
    every dendrite) or a 1-D object array of 1-D arrays."""
    n = len(indptr) - 1
    if regular:
        width = int(indptr[1] - indptr[0]) if n else 0
        return values.reshape(n, width)
    out = np.empty(n, dtype=object)
    for k, part in enumerate(np.split(values, indptr[1:-1])):  # once per save, not per step
        out[k] = part
    return out


def _projection_internal(proj):
    internal = {"delay_steps": np.asarray(proj._delay_steps, dtype=np.int64)}
    runtime = getattr(proj, "_runtime", None) if proj._net.compiled else None
    events = getattr(runtime, "events", None)
    if events is None:
        return internal
    backend = proj._net.backend()
    for key in ("queue", "axon_queue"):
        queue = getattr(events, key, None)
        if queue is not None:
            internal[f"{key}_ranks"] = backend.to_host(queue.ranks)
            internal[f"{key}_counts"] = np.asarray(queue.counts, dtype=np.int64)
            internal[f"{key}_head"] = int(queue.head)
    if events.last_event is not None:
        internal["last_event"] = backend.to_host(events.last_event)
    return internal


def projection_loader(proj, desc, source, check_identity):
    """Validates ``desc`` against ``proj``; returns the function that writes it."""
    label = f"projection '{proj.name}'"
    if check_identity:
        for key, mine in (("target", proj.target), ("pre", proj.pre.name), ("post", proj.post.name)):
            if key in desc and text(desc[key]) != mine:
                raise StateMismatchError(f"{source}: the saved projection '{proj.name}' has {key} "
                                         f"'{text(desc[key])}', the network's has '{mine}'")
    for key in ("pre_ranks", "w"):
        if key not in desc:
            raise StateFileError(f"{source}: the saved projection lacks '{key}'; it was not written by save()")
    synapses = _SavedSynapses(proj, desc, source)
    values = {}
    listed = names(desc.get("attributes"))
    if "w" not in listed:
        listed.append("w")
    for name in listed:
        if name not in proj.synapse_type.attributes or name not in desc:
            logger.warning("%s: %s has no attribute '%s' (or the file lacks its value); it is skipped",
                           source, label, name)
            continue
        values[name] = synapses.values(name, desc[name])
    single_weight = (is_number(desc["w"]) and not proj.synapse_type.plastic
                     and not config.get_config("structural_plasticity"))
    internal = desc.get(STATE_KEY) if isinstance(desc.get(STATE_KEY), dict) else {}
    rebuild = proj._net.compiled and not synapses.same_as(proj)
    depth = synapses.buffer_depth(proj) if rebuild else 0

    def apply():
        if not proj._net.compiled:
            synapses.install(proj, values)
        elif rebuild:
            if depth:
                _deepen_delay_buffer(proj._net, _population(proj.pre), depth, exclude=proj)
            synapses.rebuild(proj, values)
        else:  # the same synapses: the values go into the compiled arrays
            for name, value in values.items():
                proj._store(name, value, slice(None))
        proj._single_weight = single_weight
        if proj._net.compiled:
            _restore_events(proj, internal, source)

    return apply


class _SavedSynapses:
    """The synapses of a saved projection, checked against ``proj`` and put in the order of
    annarray's connectivity (ascending post ranks, ascending pre ranks in each dendrite)."""

    def __init__(self, proj, desc, source):
        self.source = source
        self._proj = proj
        post_pop, pre_pop = _population(proj.post), _population(proj.pre)
        post = np.ravel(numeric(desc["post_ranks"], "post_ranks", source)).astype(np.int64)
        pre, lengths = flatten_per_dendrite(desc["pre_ranks"], post.size, "pre_ranks", source)
        pre = pre.astype(np.int64)
        self.file_lengths = lengths
        self.n_file = post.size
        _check_ranks(post, proj.post, "post", proj.name, source)
        _check_ranks(pre, proj.pre, "pre", proj.name, source)
        self._order_synapses(post, pre, lengths, pre_pop.size, source)
        self.post_size, self.pre_size = post_pop.size, pre_pop.size
        self.dt = proj._net.dt
        internal = desc.get(STATE_KEY) if isinstance(desc.get(STATE_KEY), dict) else {}
        self.steps = self._delay_steps(internal.get("delay_steps"), desc.get("delays", 0.0))

    def _order_synapses(self, post, pre, lengths, pre_size, source):
        """Sorted dendrites (empty ones kept: structural plasticity leaves them) and synapses,
        with the permutations that carry the file's per-dendrite and per-synapse values into
        that order."""
        dorder = np.argsort(post, kind="stable")
        if np.any(post[dorder][1:] == post[dorder][:-1]):
            raise StateFileError(f"{source}: post_ranks lists a postsynaptic neuron twice")
        key = np.repeat(post, lengths) * pre_size + pre
        self.syn_order = None
        if key.size > 1 and not np.all(key[1:] > key[:-1]):
            self.syn_order = np.argsort(key, kind="stable")
            key = key[self.syn_order]
            if np.any(key[1:] == key[:-1]):
                raise StateFileError(f"{source}: a synapse (pre, post) is listed twice")
        self.dend_order = None if np.array_equal(dorder, np.arange(post.size)) else dorder
        self.post_ranks = post[dorder]
        self.indptr = np.concatenate([[0], np.cumsum(lengths[dorder])]).astype(np.int64)
        self.indices = pre if self.syn_order is None else pre[self.syn_order]
        self.nnz = int(self.indices.size)

    def _delay_steps(self, exact, delays):
        """Delays in steps: one int (uniform) or an int64 array per synapse (sorted)."""
        if exact is not None:
            steps = np.asarray(numeric(exact, "delay_steps", self.source)).astype(np.int64)
            if steps.ndim and steps.size != self.nnz:
                raise StateFileError(f"{self.source}: delay_steps holds {steps.size} values for {self.nnz} synapses")
        elif is_number(delays) or (isinstance(delays, np.ndarray) and delays.size == 1 and self.nnz != 1):
            steps = np.rint(float(np.ravel(numeric(delays, "delays", self.source))[0]) / self.dt).astype(np.int64)
        else:
            values = self._per_synapse(delays, "delays")
            steps = np.rint(values.astype(np.float64) / self.dt).astype(np.int64)
        if np.any(steps < 0):
            raise StateFileError(f"{self.source}: negative delays")
        if steps.ndim and self.syn_order is not None and exact is not None:
            steps = steps[self.syn_order]
        if steps.ndim and steps.size and np.all(steps == steps[0]):
            return int(steps[0])
        return int(steps) if steps.ndim == 0 else steps

    def _per_synapse(self, value, what):
        flat, lengths = flatten_per_dendrite(value, self.n_file, f"'{what}'", self.source)
        if flat.size != int(self.file_lengths.sum()) or (lengths.size and not np.array_equal(lengths, self.file_lengths)):
            raise StateFileError(f"{self.source}: '{what}' does not hold one value per synapse of each dendrite "
                                 "of pre_ranks")
        return flat if self.syn_order is None else flat[self.syn_order]

    def values(self, name, value):
        """The file's values of attribute ``name`` in annarray's order, as an array of the
        attribute's type: shape () (projection-wide), (dendrites,) or (synapses,)."""
        attr = self._proj.synapse_type.attributes[name]
        dtype = self._proj._dtype(attr)
        if attr.locality == "global":
            arr = numeric(value, f"'{name}'", self.source)
            if arr.size != 1:
                raise StateMismatchError(f"{self.source}: '{name}' is projection-wide but the file holds {arr.size} values")
            return arr.reshape(()).astype(dtype)
        if attr.locality == "semiglobal":
            arr = np.ravel(numeric(value, f"'{name}'", self.source))
            if arr.size != self.n_file:
                raise StateFileError(f"{self.source}: '{name}' holds {arr.size} values for {self.n_file} dendrites")
            return (arr if self.dend_order is None else arr[self.dend_order]).astype(dtype)
        if is_number(value) or (isinstance(value, np.ndarray) and value.dtype != object and value.size == 1
                                   and self.nnz != 1):
            return np.full(self.nnz, np.ravel(numeric(value, f"'{name}'", self.source))[0]).astype(dtype)
        return self._per_synapse(value, name).astype(dtype)

    # -- comparison and installation ------------------------------------------------------
    def same_as(self, proj):
        """Whether ``proj`` already has these synapses and equivalent delays."""
        conn = proj._conn
        if conn is None or not (np.array_equal(conn.post_ranks, self.post_ranks)
                                and np.array_equal(conn.indptr, self.indptr)
                                and np.array_equal(conn.indices, self.indices)):
            return False
        mine, theirs = proj._delay_steps, self.steps
        if np.ndim(mine) != np.ndim(theirs):
            return False
        return bool(np.array_equal(np.maximum(mine, 1), np.maximum(theirs, 1)))

    def connectivity(self, weights):
        return Connectivity(self.post_size, self.pre_size, self.post_ranks, self.indptr, self.indices,
                            weights, 0.0)

    def buffer_depth(self, proj):
        """Steps of past rates the rebuilt projection reads from its presynaptic population's
        buffer, when more than the buffer keeps (0 otherwise: spiking projections delay their
        spikes themselves)."""
        code = getattr(proj._runtime, "code", None)
        longest = int(np.max(self.steps)) if np.size(self.steps) else 0
        if code is None or code.spiking or longest <= 1:
            return 0
        pre = _population(proj.pre)
        if "r" not in pre._state:
            raise StateMismatchError(f"{self.source}: the saved projection '{proj.name}' has delays, but "
                                     f"population '{pre.name}' has no rate 'r' to delay")
        buffer = proj._net._delay_buffers.get(pre.name)
        return longest if buffer is None or buffer.depth < longest else 0

    def install(self, proj, values):
        """Before compile: the projection takes the file's synapses and values."""
        weights = values.get("w")
        proj._set_connectivity(self.connectivity(np.array(weights, dtype=np.float64)), force_multiple_weights=True)
        proj._delay_steps = self.steps
        for name, value in values.items():
            proj._state[name][...] = value
        if not proj.connector_description:
            proj.connector_description = f"loaded from {self.source}"

    def rebuild(self, proj, values):
        """After compile: new synapses, so the projection's compiled part is built again."""
        net = proj._net
        backend = net.backend()
        old = {name: backend.to_host(arr) for name, arr in proj._state.items()}
        self.install(proj, values)
        for name, attr in proj.synapse_type.attributes.items():
            if attr.locality == "global" and name not in values:
                proj._state[name][...] = old[name]
        _reinstantiate(proj)
        proj._reset_values = {n: backend.to_host(proj._state[n]) for n in proj.variables}
        for mon in net.monitors:
            if mon._population is proj:
                logger.warning("%s: the load replaced the synapses of projection '%s'; the data of its "
                               "monitor was dropped and it records the new synapses", self.source, proj.name)
                mon._periods = []
                mon._init_recording()


def _deepen_delay_buffer(net, pop, depth, exclude):
    """Gives ``pop`` a delay buffer of ``depth`` steps (its past rates carried over) and
    rebuilds the other compiled projections that read the former one."""
    from annarray.core.delays import DelayBuffer

    backend = net.backend()
    old = net._delay_buffers.get(pop.name)
    new = DelayBuffer(backend, pop._state["r"], depth)
    if old is not None:
        for k in range(old.depth):  # once per load, over the steps kept
            new.buffer[(-k) % depth] = old.row(k)
        for k in range(old.depth, depth):
            new.buffer[(-k) % depth] = old.row(old.depth - 1)
    net._delay_buffers[pop.name] = new
    readers = [p for p in net.projections if p is not exclude and old is not None
               and getattr(p._runtime, "_buffer", None) is old]
    for proj in readers:
        proj._state = {name: backend.to_host(arr) for name, arr in proj._state.items()}
        _reinstantiate(proj)


def _reinstantiate(proj):
    """Builds the compiled part of ``proj`` again from its connectivity and host attributes."""
    from annarray.core.globals import constants
    from annarray.core.projection_ops import ProjectionOps

    net = proj._net
    if getattr(proj, "_build_args", None) is not None:
        proj._rebuild_runtime()
    else:
        runtime = proj._runtime
        shared = {k: v for k, v in runtime.ns.items() if k in ("t", "_seed_sequence") or k in constants()}
        proj._instantiate(runtime.code, net.backend(), shared, lambda pop: net._delay_buffers[pop.name],
                          ProjectionOps)
    net._plan_dirty = True


def _check_ranks(ranks, obj, side, name, source):
    """Ranks of the file inside the (view of the) population ``obj``."""
    pop = _population(obj)
    if ranks.size and (ranks.min() < 0 or ranks.max() >= pop.size):
        raise StateMismatchError(f"{source}: the saved projection has {side}-synaptic rank {int(ranks.max())}, "
                                 f"outside population '{pop.name}' ({pop.size} neurons) of projection '{name}'")
    if obj is not pop and ranks.size and not np.all(np.isin(ranks, obj.ranks)):
        raise StateMismatchError(f"{source}: the saved projection has {side}-synaptic ranks outside the view "
                                 f"of population '{pop.name}' that projection '{name}' connects")


def _restore_events(proj, internal, source):
    """Spikes in transit and last event steps of a spiking projection (when the file has
    them for the same structure; otherwise they stay as they are)."""
    events = getattr(proj._runtime, "events", None)
    if events is None or not internal:
        return
    backend = proj._net.backend()
    for key in ("queue", "axon_queue"):
        queue = getattr(events, key, None)
        ranks = internal.get(f"{key}_ranks")
        if queue is None or ranks is None or np.shape(ranks) != queue.ranks.shape:
            continue
        counts = np.ravel(np.asarray(internal[f"{key}_counts"])).astype(np.int64)
        if counts.size != queue.depth:
            continue
        queue.ranks[...] = backend.asarray(np.asarray(ranks).astype(queue.ranks.dtype))
        queue.counts = [int(c) for c in counts]
        queue.head = int(np.asarray(internal[f"{key}_head"]).reshape(-1)[0]) % queue.depth
    last = internal.get("last_event")
    if events.last_event is not None and last is not None and np.size(last) == events.last_event.size:
        events.last_event[...] = backend.asarray(np.ravel(np.asarray(last)).astype(events.last_event.dtype))
