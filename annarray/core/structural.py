"""Structural plasticity: synapses created and removed while the network runs.

Two ways, as in the reference (``setup(structural_plasticity=True)`` first):

* from Python, per dendrite: ``Dendrite.create_synapse(rank, w, delay)``,
  ``prune_synapse(rank)`` and their plural forms;
* from the synapse type: ``Synapse(creating='condition : proba = p, w = w0, d = delay',
  pruning='condition : proba = p')``, checked every ``period`` ms once
  ``Projection.start_creating(period)`` / ``start_pruning(period)`` was called, at the end
  of the step (after the synaptic updates and postsynaptic events, before the monitors).

How a change is applied: the projection's connectivity (CSR over dendrites) and its
per-synapse arrays are rebuilt on the host, keeping the values of the synapses that stay
and giving new synapses their weight, their delay and, for the other per-synapse
attributes, their value before ``compile()``; then the projection's step operations are
built again from the new connectivity and the network's step plan is marked stale. A
change therefore costs O(synapses) once, never anything per step. Dendrites stay when
their last synapse is pruned (as the reference's ``post_ranks``), so creating can refill
them; creating only considers the postsynaptic neurons that have a dendrite.

Conditions are evaluated once per period with array operations: pruning on every
synapse, creating on every (dendrite, presynaptic neuron) pair of the projection, in
blocks of at most :data:`CREATING_BLOCK` pairs (a dense boolean per block, so the memory
stays bounded; the time is O(dendrites x presynaptic neurons) per period). A pair or
synapse meeting the condition changes with probability ``proba``. Creating runs before
pruning at the same step, as in the reference.

Spikes in flight (spiking projections with delays) are kept per presynaptic neuron: after
a change they reach the synapses that exist when they arrive. A pruned synapse receives
none of them; a synapse created while a spike of its presynaptic neuron is in flight
receives it if its delay has not yet elapsed. This is what the reference does for uniform
delays (measured, docs/reference_facts.md S); with non-uniform delays it keeps per-synapse
events whose indices become stale after a change, which annarray does not reproduce.
"""

import logging

import numpy as np

from annarray import config
from annarray.core.connectivity import Connectivity
from annarray.core.population import population_of
from annarray.errors import InvalidConfiguration, NetworkError

__all__ = ["require_enabled", "StructuralPlasticity", "create_synapses", "prune_synapses",
           "apply_changes", "CREATING_BLOCK"]

logger = logging.getLogger(__name__)

#: most (dendrite, presynaptic neuron) pairs the creating condition is evaluated on at once
CREATING_BLOCK = 1 << 20
_SEED_KEY = 0x5350  # spawn-key part of the structural random streams ("SP")
_NEVER = -10000  # last event step of a new synapse (as spike_events: fully relaxed)


def require_enabled(what):
    """Raises :class:`InvalidConfiguration` unless ``setup(structural_plasticity=True)``."""
    if not config.get_config("structural_plasticity"):
        raise InvalidConfiguration(
            f"{what} needs structural plasticity; call setup(structural_plasticity=True) "
            "before building the network")


# ---------------------------------------------------------------------------------------
# Compiled rules and their schedule
# ---------------------------------------------------------------------------------------

class _Rule:
    """A compiled ``creating``/``pruning`` condition: one element-wise kernel writing 1.0
    where the condition holds, and how to bind each of its arguments to candidate arrays.

    :param desc: the :class:`~annarray.parser.synapse.StructuralDescription`.
    :param owner: the :class:`StructuralPlasticity`.
    """

    def __init__(self, desc, owner):
        from annarray.codegen.kernel_cache import get_kernel
        from annarray.codegen.numexpr_printer import NumexprPrinter

        self.rule = desc.rule
        self.owner = owner
        printer = NumexprPrinter(values={}, bool_names=desc.context.bool_names)
        self.source = printer.doprint(desc.condition)
        self.args = list(printer.used)
        self.draws = {d.name: d for d in desc.context.random_draws}
        self.refs = desc.context.neuron_refs
        proj = owner.proj
        for ref in self.refs.values():
            pop = population_of(proj.pre if ref.side == "pre" else proj.post)
            if ref.op is not None:
                pop._require_global_op(ref.op)
            if ref.key not in pop._state:
                raise NetworkError(
                    f"projection '{proj.name}': the {self.rule.kind} condition reads {ref.side}.{ref.key}, "
                    f"which the population '{pop.name}' does not have")
        self._get_kernel = get_kernel

    def evaluate(self, pre_idx, post_idx, dend_idx, n):
        """Where the condition holds (xp bool array (n,)) for ``n`` candidates: presynaptic
        ranks ``pre_idx``, postsynaptic ranks ``post_idx`` and dendrite positions
        ``dend_idx`` (xp int arrays (n,)). For pruning the candidates are all the synapses,
        in order; creating cannot read per-synapse attributes (refused by the parser)."""
        owner = self.owner
        backend, xp = owner.backend, owner.xp
        values = [self._argument(name, pre_idx, post_idx, dend_idx, n) for name in self.args]
        out = xp.empty(n, dtype=backend.float_dtype)
        kernel = self._get_kernel(backend, self.source, self.args, [v.dtype for v in values])
        kernel(values, out)
        return out != 0

    def _argument(self, name, pre_idx, post_idx, dend_idx, n):
        owner = self.owner
        proj, xp = owner.proj, owner.xp
        ref = self.refs.get(name)
        if ref is not None:
            pop = population_of(proj.pre if ref.side == "pre" else proj.post)
            source = pop._state[ref.key]
            if not ref.per_neuron:
                return source
            return xp.take(source, pre_idx if ref.side == "pre" else post_idx)
        draw = self.draws.get(name)
        if draw is not None:
            return owner.draw(draw, n)
        attr = proj.synapse_type.attributes.get(name)
        state = proj._runtime.state
        if attr is not None:
            if attr.locality == "global":
                return state[name]
            if attr.locality == "semiglobal":
                return xp.take(state[name], dend_idx)
            return state[name]  # pruning: every synapse, in order
        if name == "dt":
            return proj._runtime.ns["dt"]
        if name in owner.shared:
            return owner.shared[name]
        raise NetworkError(f"projection '{proj.name}': the {self.rule.kind} condition reads unknown '{name}'")

    def flag(self, key):
        """Current value of the flag ``proba`` or ``w`` (a number, or a projection-wide
        parameter or Constant read now)."""
        value = getattr(self.rule, key)
        if not isinstance(value, str):
            return float(value)
        owner = self.owner
        state = owner.proj._runtime.state
        source = state[value] if value in state else owner.shared[value]
        return float(owner.backend.to_host(source))


class StructuralPlasticity:
    """Structural plasticity of one compiled projection: its compiled rules, when they run,
    its random stream and the delay convention fixed at compile time.

    :param proj: the :class:`~annarray.core.projection.Projection`.
    :param backend: the network's backend.
    :param shared: the network's shared arrays (``t``, constants, the seed sequence).
    """

    def __init__(self, proj, backend, shared):
        self.proj, self.backend, self.xp = proj, backend, backend.xp
        self.shared = shared
        steps = proj._delay_steps
        #: delay in steps shared by all synapses at compile time, or None (non-uniform)
        self.uniform_delay = int(steps) if np.ndim(steps) == 0 else None
        #: longest delay in steps at compile time (new synapses cannot exceed it)
        self.max_delay = max(int(np.max(steps)) if np.size(steps) else 0, 1)
        self.proj_id = proj.id
        self.seed_sequence = self._own_sequence(shared["_seed_sequence"])
        self.rng = backend.new_generator(self.seed_sequence.spawn(1)[0])
        self.rules = self._compile_rules()
        self.schedule = {"creating": None, "pruning": None}  # (period, offset) in steps when on

    def _own_sequence(self, base):
        """This projection's SeedSequence, derived from the network's ``base`` by the
        projection's id (whatever the order in which objects draw from ``base``)."""
        return np.random.SeedSequence(base.entropy, spawn_key=tuple(base.spawn_key) + (_SEED_KEY, self.proj_id))

    def reseed(self, base):
        """Restarts the generator from the network's new SeedSequence ``base``."""
        self.seed_sequence = self._own_sequence(base)
        self.backend.reseed(self.rng, self.seed_sequence.spawn(1)[0])

    def _compile_rules(self):
        from annarray.core.globals import constants, global_functions, parse_function_definitions
        from annarray.parser.synapse import describe_structural

        proj = self.proj
        synapse = proj.synapse_type
        local = parse_function_definitions(synapse.functions, synapse.name) if synapse.functions else {}
        descriptions = describe_structural(
            synapse, population_of(proj.pre).neuron_type, population_of(proj.post).neuron_type,
            sorted(constants()), {**global_functions(), **local})
        rules = {kind: _Rule(desc, self) for kind, desc in descriptions.items()}
        creating = descriptions.get("creating")
        if creating is not None and creating.rule.d is not None:
            self.delay_steps_of(creating.rule.d, strict=True)  # checked at compile time
        return rules

    # -- schedule -------------------------------------------------------------------------
    @property
    def active(self):
        return any(s is not None for s in self.schedule.values())

    def start(self, kind, period):
        """Checks the ``kind`` condition every ``period`` ms from the current step on."""
        proj = self.proj
        if kind not in self.rules:
            raise NetworkError(
                f"projection '{proj.name}': its synapse defines no '{kind}' argument; give "
                f"Synapse({kind}='condition : proba = ...') to use start_{kind}()")
        dt = proj._net.dt
        steps = 1 if period is None else int(period / dt)
        if steps < 1:
            raise NetworkError(f"projection '{proj.name}': the {kind} period ({period} ms) is shorter than dt")
        self.schedule[kind] = (steps, proj._net._step)
        proj._net._plan_dirty = True

    def stop(self, kind):
        if kind not in self.rules:
            raise NetworkError(f"projection '{self.proj.name}': its synapse defines no '{kind}' argument")
        self.schedule[kind] = None
        self.proj._net._plan_dirty = True

    def step(self):
        """Plan operation: creating, then pruning, at the steps of their periods."""
        step = self.proj._net._step
        for kind in ("creating", "pruning"):
            sched = self.schedule[kind]
            if sched is None or (step - sched[1]) % sched[0]:
                continue
            if kind == "creating":
                self._create()
            else:
                self._prune()

    # -- random numbers and delays --------------------------------------------------------
    def draw(self, draw, n):
        """``n`` values of the random draw ``draw`` (a RandomDraw) from this stream."""
        dtype = np.int64 if draw.kind == "binomial" else self.backend.float_dtype
        out = self.xp.empty(n, dtype=dtype)
        self.backend.draw_op(self.rng, draw, out)()
        return out

    def uniform(self, n):
        from annarray.parser.items import RandomDraw

        return self.draw(RandomDraw("_u", "uniform"), n)

    def delay_steps_of(self, delay, strict=False):
        """Delay in steps of a new synapse asked with ``delay`` ms (None: the default).

        Uniform projections keep their delay: a different request is refused with
        ``strict`` (the ``d`` flag, at compile time) or else ignored with a warning (the
        reference ignores it silently). Non-uniform ones take the request, at least one
        step, at most the longest delay at compile time."""
        proj = self.proj
        return _delay_steps(proj, delay, self.uniform_delay, self.max_delay, strict)

    # -- the rules ------------------------------------------------------------------------
    def _prune(self):
        proj, xp = self.proj, self.xp
        rule = self.rules["pruning"]
        runtime = proj._runtime
        n = runtime.nnz
        if n == 0:
            return
        dend = _dendrite_of_synapse(proj, xp)
        hit = rule.evaluate(runtime.indices, xp.take(runtime.post_ranks, dend), dend, n)
        proba = rule.flag("proba")
        if proba < 1.0:
            hit &= self.uniform(n) < proba
        removed = self.backend.to_host(hit)
        if removed.any():
            apply_changes(proj, keep=~removed)

    def _create(self):
        proj, xp = self.proj, self.xp
        rule = self.rules["creating"]
        conn = proj._conn
        pre_ranks = _pre_ranks(proj)
        npre, ndend = pre_ranks.size, conn.size
        if npre == 0 or ndend == 0:
            return
        column = np.full(population_of(proj.pre).size, -1, dtype=np.int64)
        column[pre_ranks] = np.arange(npre)
        proba = rule.flag("proba")
        block = max(1, CREATING_BLOCK // npre)
        pre_dev = xp.asarray(pre_ranks)
        post_dev = xp.asarray(conn.post_ranks)
        found_dend, found_pre = [], []
        for k0 in range(0, ndend, block):  # blocks of dendrites, not a loop over synapses
            k1 = min(ndend, k0 + block)
            n = (k1 - k0) * npre
            dend = xp.repeat(xp.arange(k0, k1, dtype=np.int64), npre)
            pre = xp.tile(pre_dev, k1 - k0)
            hit = rule.evaluate(pre, xp.take(post_dev, dend), dend, n)
            hit &= ~xp.asarray(_existing(conn, column, k0, k1, npre))
            if proba < 1.0:
                hit &= self.uniform(n) < proba
            chosen = self.backend.to_host(xp.nonzero(hit)[0])
            found_dend.append(k0 + chosen // npre)
            found_pre.append(pre_ranks[chosen % npre])
        dend = np.concatenate(found_dend)
        if dend.size == 0:
            return
        steps = self.delay_steps_of(rule.rule.d, strict=True)
        apply_changes(proj, add_dend=dend, add_pre=np.concatenate(found_pre),
                      add_w=np.full(dend.size, rule.flag("w")), add_delay=np.full(dend.size, steps))


def _pre_ranks(proj):
    """(n,) int64 ranks of the presynaptic neurons creating considers (the view's, if any)."""
    ranks = getattr(proj.pre, "ranks", None)
    if ranks is None:
        return np.arange(population_of(proj.pre).size, dtype=np.int64)
    return np.asarray(ranks, dtype=np.int64)


def _existing(conn, column, k0, k1, npre):
    """Host bool ``((k1 - k0) * npre,)``: the pairs of dendrites ``k0:k1`` already connected."""
    a, b = int(conn.indptr[k0]), int(conn.indptr[k1])
    rows = np.repeat(np.arange(k1 - k0), np.diff(conn.indptr[k0:k1 + 1]))
    cols = column[np.asarray(conn.indices[a:b], dtype=np.int64)]
    inside = cols >= 0
    mask = np.zeros((k1 - k0) * npre, dtype=bool)
    mask[rows[inside] * npre + cols[inside]] = True
    return mask


def _dendrite_of_synapse(proj, xp):
    """xp int64 (nnz,): the dendrite position of each synapse."""
    conn = proj._conn
    return xp.asarray(np.repeat(np.arange(conn.size, dtype=np.int64), np.diff(conn.indptr)))


def _delay_steps(proj, delay, uniform, max_steps, strict):
    dt = proj._net.dt
    asked = None if delay is None else int(np.rint(float(delay) / dt))
    if asked is not None and asked < 0:
        raise NetworkError(f"projection '{proj.name}': a synapse delay must be positive or zero (ms), got {delay}")
    if uniform is not None:
        if asked not in (None, 0) and max(asked, 1) != max(uniform, 1):
            message = (f"projection '{proj.name}': its delays are uniform ({uniform * dt} ms); a new synapse "
                       f"cannot have a delay of {delay} ms")
            if strict:
                raise NetworkError(message)
            logger.warning("%s; it gets %s ms", message, uniform * dt)
        return uniform
    steps = 1 if asked in (None, 0) else asked
    if steps > max_steps:
        raise NetworkError(
            f"projection '{proj.name}': a new synapse's delay ({delay} ms) cannot exceed the longest "
            f"delay of the projection at compile time ({max_steps * dt} ms)")
    return steps


# ---------------------------------------------------------------------------------------
# Dendrite-level changes
# ---------------------------------------------------------------------------------------

def _delay_convention(proj):
    """(uniform delay in steps or None, longest delay in steps) for new synapses."""
    sp = getattr(proj, "_structural", None)
    if sp is not None:
        return sp.uniform_delay, sp.max_delay
    steps = proj._delay_steps
    if np.ndim(steps) == 0:
        return int(steps), max(int(steps), 1)
    return None, max(int(np.max(steps)) if np.size(steps) else 0, 1)


def create_synapses(dendrite, ranks, weights=None, delays=None):
    """Adds synapses from the presynaptic ``ranks`` to ``dendrite`` (all checked first:
    nothing changes when one is refused).

    :param weights: one weight per rank (default 0.0).
    :param delays: one delay per rank in ms (default: the projection's delay when uniform,
        else one step).
    """
    require_enabled("create_synapse()")
    proj = dendrite.proj
    proj._check_structural_allowed()
    label = f"dendrite {dendrite.post_rank} of '{proj.name}'"
    ranks = np.asarray(ranks).ravel()
    if ranks.size and not np.issubdtype(ranks.dtype, np.integer):
        raise NetworkError(f"{label}: presynaptic ranks must be integers, got {ranks.tolist()}")
    ranks = ranks.astype(np.int64)
    n = ranks.size
    weights = np.zeros(n) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    delays = [None] * n if delays is None else [None if d is None else float(d) for d in np.ravel(
        np.asarray(delays, dtype=object))]
    if weights.size != n or len(delays) != n:
        raise NetworkError(f"{label}: give one weight and one delay per presynaptic rank ({n})")
    pre_size = population_of(proj.pre).size
    bad = ranks[(ranks < 0) | (ranks >= pre_size)]
    if bad.size:
        raise NetworkError(f"{label}: presynaptic rank {bad[0]} is outside the presynaptic population "
                           f"(ranks 0 to {pre_size - 1})")
    if np.unique(ranks).size != n:
        raise NetworkError(f"{label}: a presynaptic rank is given twice in {ranks.tolist()}")
    existing = np.intersect1d(ranks, dendrite.pre_ranks)
    if existing.size:
        raise NetworkError(f"{label}: the synapse from presynaptic neuron {existing[0]} already exists")
    uniform, max_steps = _delay_convention(proj)
    steps = np.array([_delay_steps(proj, d, uniform, max_steps, False) for d in delays], dtype=np.int64)
    apply_changes(proj, add_dend=np.full(n, dendrite._index, dtype=np.int64), add_pre=ranks,
                  add_w=weights, add_delay=steps)


def prune_synapses(dendrite, ranks):
    """Removes the synapses from the presynaptic ``ranks`` of ``dendrite`` (all checked
    first)."""
    require_enabled("prune_synapse()")
    proj = dendrite.proj
    proj._check_structural_allowed()
    ranks = np.asarray(ranks, dtype=np.int64).ravel()
    present = np.asarray(dendrite.pre_ranks, dtype=np.int64)
    missing = np.setdiff1d(ranks, present)
    if missing.size:
        raise NetworkError(f"dendrite {dendrite.post_rank} of '{proj.name}' has no synapse from "
                           f"presynaptic neuron {missing[0]}; nothing to prune")
    keep = np.ones(proj.nb_synapses, dtype=bool)
    start = dendrite._slice.start
    keep[start + np.flatnonzero(np.isin(present, ranks))] = False
    apply_changes(proj, keep=keep)


# ---------------------------------------------------------------------------------------
# Applying a change
# ---------------------------------------------------------------------------------------

def apply_changes(proj, keep=None, add_dend=None, add_pre=None, add_w=None, add_delay=None):
    """Removes the synapses where ``keep`` (host bool (nnz,)) is False and adds synapses
    (dendrite positions ``add_dend``, presynaptic ranks ``add_pre``, weights ``add_w``,
    delays in steps ``add_delay``; none of them existing), then rebuilds what depends on the
    connectivity."""
    conn = proj._conn
    nnz, ndend = conn.nb_synapses, conn.size
    if keep is None:
        keep = np.ones(nnz, dtype=bool)
    if add_dend is None:
        add_dend = add_pre = np.zeros(0, dtype=np.int64)
        add_w, add_delay = np.zeros(0), np.zeros(0, dtype=np.int64)
    if proj._net.compiled:
        _check_monitors(proj)
    kept = np.flatnonzero(keep)
    old_dend = np.repeat(np.arange(ndend, dtype=np.int64), np.diff(conn.indptr))
    dend = np.concatenate([old_dend[kept], np.asarray(add_dend, dtype=np.int64)])
    pre = np.concatenate([np.asarray(conn.indices, dtype=np.int64)[kept], np.asarray(add_pre, dtype=np.int64)])
    source = np.concatenate([kept, np.full(len(add_dend), -1, dtype=np.int64)])
    order = np.lexsort((pre, dend))
    dend, pre, source = dend[order], pre[order], source[order]
    new_of = order[source < 0] - kept.size  # position in the add_* arrays of each new synapse
    indptr = np.zeros(ndend + 1, dtype=np.int64)
    np.cumsum(np.bincount(dend, minlength=ndend), out=indptr[1:])
    remap = _Remap(source, new_of)
    new_conn = Connectivity(conn.post_size, conn.pre_size, conn.post_ranks.copy(), indptr, pre, 0.0, 0.0)
    delays = _new_delays(proj, remap, np.asarray(add_delay, dtype=np.int64))
    state = _new_state(proj, remap, np.asarray(add_w, dtype=np.float64))
    old_runtime = getattr(proj, "_runtime", None) if proj._net.compiled else None
    proj._conn, proj._delay_steps, proj._state = new_conn, delays, state
    proj._single_weight = False
    if old_runtime is None:
        return
    proj._reset_values = {name: remap.apply(values, _creation_value(proj, name, add_w))
                          if proj.synapse_type.attributes[name].locality == "local" else values
                          for name, values in proj._reset_values.items()}
    proj._rebuild_runtime()
    _carry_spikes(old_runtime, proj._runtime, remap)
    _repoint_monitors(proj, old_runtime)
    proj._net._plan_dirty = True


class _Remap:
    """Where the values of the new synapse order come from: ``source[k]`` the old position
    of synapse ``k`` (-1 for a new one), ``new_of`` the index of each new synapse (in
    order) in the arrays of the additions."""

    def __init__(self, source, new_of):
        self.source, self.new_of = source, new_of
        self.old = source >= 0
        self.new = ~self.old

    def apply(self, old_values, new_values):
        """(nnz_new,) host array from the old per-synapse values and the new synapses'
        values (a number or an array over the additions)."""
        old_values = np.asarray(old_values)
        out = np.empty(self.source.size, dtype=old_values.dtype)
        out[self.old] = old_values[self.source[self.old]]
        new_values = np.asarray(new_values)
        out[self.new] = new_values[self.new_of] if new_values.ndim else new_values
        return out


def _creation_value(proj, name, add_w):
    """Value of per-synapse attribute ``name`` in new synapses: the given weights for ``w``,
    else the value set before compile() (a number), else the attribute's ``init``."""
    if name == "w":
        return add_w
    return proj._creation_defaults.get(name, proj.synapse_type.attributes[name].init)


def _new_state(proj, remap, add_w):
    state = {}
    for name, attr in proj.synapse_type.attributes.items():
        values = proj._host(name) if proj._net.compiled else np.asarray(proj._state[name])
        if attr.locality == "local":
            values = remap.apply(values, _creation_value(proj, name, add_w))
        state[name] = np.array(values, dtype=proj._dtype(attr))
    return state


def _new_delays(proj, remap, add_delay):
    """Delays in steps after the change: the projection's int when its delays were uniform
    at compile time (or are uniform before it), else one int per synapse (a non-uniform
    projection stays non-uniform, as in the reference)."""
    steps = proj._delay_steps
    sp = getattr(proj, "_structural", None)
    if (sp.uniform_delay is not None) if sp is not None else np.ndim(steps) == 0:
        return steps
    old = np.full(proj._conn.nb_synapses, steps, dtype=np.int64) if np.ndim(steps) == 0 else steps
    return remap.apply(old, add_delay)


def _carry_spikes(old, new, remap):
    """Spikes in flight and last event times of the synapses that stay."""
    old_events, new_events = getattr(old, "events", None), getattr(new, "events", None)
    if old_events is None or new_events is None:
        return
    xp = new.xp
    for name in ("queue", "axon_queue"):
        before, after = getattr(old_events, name, None), getattr(new_events, name, None)
        if before is not None and after is not None:
            _copy_queue(before, after, xp)
    if getattr(old_events, "last_event", None) is not None and getattr(new_events, "last_event", None) is not None:
        positions = xp.asarray(np.flatnonzero(remap.old))
        new_events.last_event[positions] = old_events.last_event[xp.asarray(remap.source[remap.old])]


def _copy_queue(before, after, xp):
    """Pushes the rows of spike queue ``before`` into ``after``, oldest first (rows older
    than ``before`` kept are pushed empty)."""
    empty = xp.zeros(0, dtype=np.int64)
    for back in range(after.depth - 1, -1, -1):
        after.push(before.row(back) if back < before.depth else empty)


def _check_monitors(proj):
    """Per-synapse recordings cannot follow a change of the number of synapses."""
    for mon in proj._net.monitors:
        if mon._population is not proj:
            continue
        local = [v for v in mon.variables if v in proj.synapse_type.attributes
                 and proj.synapse_type.attributes[v].locality == "local"]
        if local:
            raise NetworkError(
                f"projection '{proj.name}': its synapses change (structural plasticity) while a Monitor "
                f"records the per-synapse variable(s) {', '.join(local)}; read them between simulate() "
                "calls instead, or record postsynaptic / projection-wide variables")


def _repoint_monitors(proj, old_runtime):
    """Monitors of the projection's postsynaptic and projection-wide variables read the
    new arrays (their shapes do not change)."""
    replaced = {id(arr): proj._runtime.state[name] for name, arr in old_runtime.state.items()
                if name in proj._runtime.state}
    for mon in proj._net.monitors:
        if mon._population is not proj:
            continue
        for sources in (getattr(mon, "_sources", {}), getattr(mon, "_early_sources", {})):
            for var, (arr, index) in list(sources.items()):
                new = replaced.get(id(arr))
                if new is None and arr.ndim == 1 and arr.base is not None:
                    new = replaced.get(id(arr.base))  # projection-wide values are recorded as views
                    new = None if new is None else new.reshape(1)
                if new is not None:
                    sources[var] = (new, index)
