"""Synapse description → :class:`ProjectionCode`: the kernels of one projection type.

Synaptic kernels work on arrays of three sizes: one value per synapse ('local', shape
``(nnz,)``), per dendrite ('semiglobal', shape ``(n_dendrites,)``) and per projection
('global', shape ``()``). A kernel's size is that of the variable it writes; the neuron and
per-dendrite values it reads are first gathered to that size (:class:`Gather` steps, emitted
only when the gathered copy is stale).
"""

import sympy as sp

from annarray.codegen.code import Gather, KernelSpec, ProjectionCode
from annarray.codegen.integrators import Update, bounded, integrate_block, schedule_block
from annarray.codegen.numexpr_printer import NumexprPrinter
from annarray.codegen.population_code import _blocks
from annarray.errors import ModelError

__all__ = ["generate_projection_code"]


class _Namer:
    """Renames the symbols of an expression for a kernel of a given size."""

    def __init__(self, desc):
        self.desc = desc
        self.refs = desc.context.neuron_refs
        self.attrs = desc.attributes

    def locality(self, name, localities):
        if name in self.attrs:
            return self.attrs[name].locality
        return localities.get(name)

    def rename(self, expr, size, localities, line, obj_name):
        """``expr`` with its symbols renamed for a kernel over ``size`` elements; the gathers needed."""
        mapping, gathers = {}, []
        for sym in expr.free_symbols:
            name = sym.name
            ref = self.refs.get(name)
            if ref is not None:
                if not ref.per_neuron:
                    continue
                if size == "global" or (size == "semiglobal" and ref.side == "pre"):
                    raise ModelError(
                        f"a {_WORD[size]} variable cannot depend on the per-neuron value {ref.side}.{ref.key}; "
                        f"use a global operation such as mean({ref.side}.{ref.key})",
                        obj_name, line)
                if size == "semiglobal":
                    new = f"_postd_{ref.key}"
                    gathers.append(Gather(new, "postd", ref.key))
                    mapping[sym] = sp.Symbol(new, real=True)
                else:
                    gathers.append(Gather(name, ref.side, ref.key))
                continue
            loc = self.locality(name, localities)
            if name.startswith("_rand_") and size != "local":
                raise ModelError("random distributions are only allowed in per-synapse equations", obj_name, line)
            if loc is None or loc == size or loc == "global":
                continue
            if loc == "semiglobal" and size == "local":
                new = f"_sg_{name}"
                gathers.append(Gather(new, "sg", name))
                mapping[sym] = sp.Symbol(new, real=True)
                continue
            raise ModelError(
                f"a {_WORD[size]} variable cannot depend on the {_WORD[loc]} value '{name}'",
                obj_name, line)
        return expr.xreplace(mapping), gathers


_WORD = {"local": "per-synapse", "semiglobal": "postsynaptic (per-neuron)", "global": "projection-wide"}


def _updates(desc, syms, dt):
    """Integrated updates of the synaptic equations with the locality of each target."""
    updates = []
    for block in _blocks(desc.equations):
        if block[0].kind == "assignment":
            eq = block[0]
            updates.append((Update(eq.target, bounded(eq.rhs, eq.min, eq.max)), eq.text))
            continue
        stages, new = integrate_block(block, syms, dt, desc.name)
        text = block[0].text
        updates += [(u, text) for u in stages + schedule_block(block, new, syms)]
    return updates


def _split_bounds(updates):
    """``x = max(expr, lo)`` → ``x = expr`` then ``x = max(x, lo)`` (same for min): numexpr
    would otherwise evaluate ``expr`` twice in its ``where()``."""
    out = []
    for upd, text in updates:
        bounds = []
        expr = upd.expr
        while isinstance(expr, (sp.Max, sp.Min)) and len(expr.args) == 2 and any(a.is_number for a in expr.args):
            bound = next(a for a in expr.args if a.is_number)
            bounds.append((type(expr), bound))
            expr = next(a for a in expr.args if a is not bound)
        out.append((Update(upd.target, expr, upd.like), text))
        sym = sp.Symbol(upd.target, real=True)
        for kind, bound in reversed(bounds):
            out.append((Update(upd.target, kind(sym, bound), upd.like), text))
    return out


def _steps(updates, namer, printer, localities, obj_name):
    """Gather and kernel steps for ``updates``, gathering each value once until it changes."""
    steps, fresh = [], set()
    for upd, text in _split_bounds(updates):
        size = namer.locality(upd.like or upd.target, localities)
        if upd.like is not None:
            localities[upd.target] = size
        expr, gathers = namer.rename(upd.expr, size, localities, text, obj_name)
        for g in gathers:
            if g.out not in fresh:
                steps.append(g)
                fresh.add(g.out)
        source = printer.doprint(expr)
        steps.append(KernelSpec(upd.target, source, list(printer.used), upd.like, text))
        fresh.discard(f"_sg_{upd.target}")
    return steps


def _linear_factor(desc):
    """``g`` with ``psp == w * g`` and ``g`` depending on presynaptic values only, else None."""
    w = desc.context.symbols["w"]
    psp = desc.psp
    if not psp.has(w):
        return None
    g = sp.cancel(psp / w)
    if g.has(w):
        return None
    refs = desc.context.neuron_refs
    per_neuron = False
    for sym in g.free_symbols:
        ref = refs.get(sym.name)
        if ref is not None:
            if ref.per_neuron and ref.side != "pre":
                return None
            per_neuron = per_neuron or ref.per_neuron
        elif sym.name in desc.attributes and desc.attributes[sym.name].locality != "global":
            return None
        elif sym.name.startswith("_rand_"):
            return None
    return g if per_neuron else None


def generate_projection_code(desc, dt):
    """Kernels of a synapse description for time step ``dt`` (ms)."""
    ctx = desc.context
    syms = ctx.symbols
    # dt stays a name: learning with enable_learning(period=P) integrates with dt * P steps
    printer = NumexprPrinter(values={}, bool_names=ctx.bool_names)
    namer = _Namer(desc)
    localities = {n: a.locality for n, a in desc.attributes.items()}
    updates = _updates(desc, syms, syms["dt"])
    learning = _steps(updates, namer, printer, localities, desc.name)
    code = ProjectionCode(desc.name, desc.operation, [], [], localities=localities, learning=learning)
    if desc.psp is not None:
        _psp_code(code, desc, namer, printer, localities)
    if desc.pre_spike is not None:
        _event_code(code, desc, namer, printer, localities)
    code.neuron_refs = list(ctx.neuron_refs.values())
    code.random_draws = list(ctx.random_draws)
    return code


def _psp_code(code, desc, namer, printer, localities):
    """The per-synapse psp (always: non-uniform delays need it) and, when the psp is
    ``w * g(pre)``, the per-presynaptic-neuron ``g``."""
    upd = Update("_psp", desc.psp)
    localities["_psp"] = "local"
    code.psp_steps = _steps([(upd, f"psp = {desc.psp}")], namer, printer, localities, desc.name)
    code.psp_mode = "general"
    g = _linear_factor(desc) if desc.operation in ("sum", "mean") else None
    if g is None:
        return
    code.psp_mode = "linear"
    ref = desc.context.neuron_refs.get(getattr(g, "name", None))
    if ref is not None:
        code.psp_pre_key = ref.key
    else:
        source = printer.doprint(g)
        code.psp_pre = KernelSpec("_psp_pre", source, list(printer.used), None, "psp")


def _event_driven_updates(desc):
    """Exact updates of the event-driven ODEs over ``_elapsed`` ms: for ``dx/dt = a x + b``,
    ``x = (x + b/a) exp(a elapsed) - b/a``."""
    elapsed = sp.Symbol("_elapsed", real=True)
    updates = []
    for eq in desc.event_driven:
        x = desc.context.symbols[eq.target]
        a = sp.diff(eq.rhs, x)
        b = sp.simplify(eq.rhs - a * x)
        if a.has(x) or a == 0 or b.has(x):
            raise ModelError(
                f"an event-driven equation must be linear in {eq.target} with a non-zero decay, "
                "e.g. 'tau * dx/dt = -x : event-driven'", desc.name, eq.text)
        if any(s.name.startswith("_") for s in (a.free_symbols | b.free_symbols)):
            raise ModelError("the coefficients of an event-driven equation cannot depend on neuron "
                             "values or random numbers", desc.name, eq.text)
        updates.append((Update(eq.target, (x + b / a) * sp.exp(a * elapsed) - b / a), eq.text))
    return updates


def _event_steps(equations, desc, namer, printer, localities, allow_g):
    if not equations:
        return []
    updates = _event_driven_updates(desc)
    g = sp.Symbol("g_target", real=True)
    for eq in equations:
        if eq.target == "g_target":
            if not allow_g:
                raise ModelError("g_target can only be incremented in pre_spike", desc.name, eq.text)
            increment = sp.expand(eq.rhs - g)
            if increment.has(g):
                raise ModelError("write 'g_target += value' (the conductance only accumulates)", desc.name, eq.text)
            updates.append((Update("_g_inc", increment), eq.text))
            continue
        if desc.attributes[eq.target].locality != "local":
            raise ModelError(f"spike events can only change per-synapse variables ('{eq.target}' is not)",
                             desc.name, eq.text)
        updates.append((Update(eq.target, bounded(eq.rhs, eq.min, eq.max)), eq.text))
    localities["_g_inc"] = "local"
    return _steps(updates, namer, printer, localities, desc.name)


def _event_code(code, desc, namer, printer, localities):
    """Kernels run on the synapses of the neurons that spiked (pre_spike, post_spike)."""
    code.spiking = True
    code.event_driven = [eq.target for eq in desc.event_driven]
    localities["_elapsed"] = "local"
    code.pre_event = _event_steps(desc.pre_spike, desc, namer, printer, localities, True)
    code.post_event = _event_steps(desc.post_spike, desc, namer, printer, localities, False)
    code.pre_axon_event = _event_steps(desc.pre_axon_spike, desc, namer, printer, localities, True)
