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
    printer = NumexprPrinter(values={"dt": dt}, bool_names=bools | {"_spiked"})
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
        code.spike = KernelSpec("_spiked", printer.doprint(desc.spike, boolean=True), list(printer.used))
        spiked = sp.Symbol("_spiked")
        reset = [
            Update(eq.target, sp.Piecewise((bounded(eq.rhs, eq.min, eq.max), spiked), (syms[eq.target], True)))
            for eq in desc.reset
        ]
        code.reset = to_kernels(reset, printer)
    return code
