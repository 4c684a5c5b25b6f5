"""Neuron description → :class:`PopulationCode`: the kernels of one population type.

The output is plain data (numexpr sources and the array names they read), so that it can
be pickled in the compile cache and re-used without SymPy.
"""

import sympy as sp

from annarray.codegen.code import KernelSpec, PopulationCode
from annarray.codegen.integrators import Update, bounded, integrate_block, schedule_block
from annarray.codegen.numexpr_printer import NumexprPrinter
from annarray.errors import ModelError

__all__ = ["KernelSpec", "PopulationCode", "generate_population_code"]


def _blocks(equations):
    """Groups consecutive ODEs that share a method; assignments stand alone."""
    blocks = []
    for eq in equations:
        if eq.kind == "ode" and blocks and blocks[-1][0].kind == "ode" and blocks[-1][0].method == eq.method:
            blocks[-1].append(eq)
        else:
            blocks.append([eq])
    return blocks


def _check_locality(eq, attributes, obj_name):
    if attributes[eq.target].locality != "global":
        return
    names = {s.name for s in eq.rhs.free_symbols}
    local = sorted(n for n in names if n in attributes and attributes[n].locality == "local")
    if local or any(n.startswith("_rand_") or n.startswith("_sum_") for n in names):
        raise ModelError(
            f"the population-wide variable '{eq.target}' cannot depend on per-neuron values "
            f"({', '.join(local) or 'sum()/random'}); use a global operation such as mean()",
            obj_name,
            eq.text,
        )


def equation_updates(equations, attributes, syms, dt, obj_name):
    """The ordered :class:`Update` list for a list of equations."""
    updates = []
    for block in _blocks(equations):
        for eq in block:
            _check_locality(eq, attributes, obj_name)
        if block[0].kind == "assignment":
            eq = block[0]
            updates.append(Update(eq.target, bounded(eq.rhs, eq.min, eq.max)))
            continue
        stages, new = integrate_block(block, syms, dt, obj_name)
        updates += stages
        updates += schedule_block(block, new, syms)
    return updates


def to_kernels(updates, printer, text=""):
    kernels = []
    for u in updates:
        source = printer.doprint(u.expr)
        kernels.append(KernelSpec(u.target, source, list(printer.used), u.like, text))
    return kernels


def generate_population_code(desc, dt):
    """Kernels of a neuron description for time step ``dt`` (ms)."""
    syms = desc.context.symbols
    bools = desc.context.bool_names
    printer = NumexprPrinter(values={"dt": dt}, bool_names=bools | {"_spiked", "_axon_spiked"})
    dt_sym = syms["dt"]
    updates = equation_updates(desc.equations, desc.attributes, syms, dt_sym, desc.name)
    code = PopulationCode(
        desc.name,
        list(desc.context.targets),
        list(desc.context.random_draws),
        list(desc.context.global_ops.values()),
        to_kernels(updates, printer),
    )
    if desc.stop is not None:
        code.stop = KernelSpec("_stop", printer.doprint(desc.stop, boolean=True), list(printer.used))
        code.stop_mode = desc.stop_mode
    if desc.spike is not None:
        _spiking_code(code, desc, updates, printer, dt)
    return code


_REMAINING = "_refractory_remaining"


def _masked(updates, mask, syms):
    """``updates`` applied only where ``mask`` (a SymPy boolean) holds."""
    return [Update(u.target, sp.Piecewise((u.expr, mask), (syms[u.target], True))) for u in updates]


def _spiking_code(code, desc, updates, printer, dt):
    """Spike, reset, axonal spike and refractory kernels of a spiking neuron.

    Order of one step (as the reference): equations (refractory neurons keep their values,
    except the conductances ``g_*``), conductances without an equation set to 0, spike
    condition (never true during the refractory period), reset where it held, then the
    axonal spike condition, checked on the values after the reset and only where no spike
    was emitted, and the axonal reset.
    """
    syms = desc.context.symbols
    remaining = sp.Symbol(_REMAINING, real=True)
    free = sp.Le(remaining, 0)
    code.update_refractory = to_kernels(
        [Update(u.target, sp.Piecewise((syms[u.target], sp.Gt(remaining, 0)), (u.expr, True)), u.like)
         if _freezes(u.target, desc.attributes) else u for u in updates],
        printer,
    )
    spiked = sp.Symbol("_spiked")
    code.spike = _condition("_spiked", desc.spike, printer)
    code.spike_refractory = _condition("_spiked", sp.And(free, desc.spike), printer)
    code.reset = to_kernels(_masked(_reset_updates(desc.reset), spiked, syms), printer)
    if desc.axon_spike is not None:
        axon = sp.And(desc.axon_spike, sp.Not(desc.spike))
        code.axon_spike = _condition("_axon_spiked", axon, printer)
        code.axon_spike_refractory = _condition("_axon_spiked", sp.And(free, axon), printer)
        code.axon_reset = to_kernels(_masked(_reset_updates(desc.axon_reset), sp.Symbol("_axon_spiked"), syms),
                                     printer)
    code.refractory = desc.refractory
    code.conductances = list(desc.conductances)
    code.conductance_targets = list(desc.conductance_targets)


def _freezes(target, attributes):
    """Whether the refractory period freezes ``target`` (per-neuron variables other than the
    conductances ``g_*``; temporaries are computed anyway, only the final write is kept)."""
    attr = attributes.get(target)
    return attr is not None and attr.locality == "local" and not target.startswith("g_")


def _reset_updates(equations):
    return [Update(eq.target, bounded(eq.rhs, eq.min, eq.max)) for eq in equations]


def _condition(target, condition, printer):
    return KernelSpec(target, printer.doprint(condition, boolean=True), list(printer.used))
