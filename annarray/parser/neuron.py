"""A :class:`~annarray.core.neuron.Neuron`'s text → :class:`NeuronDescription` (SymPy).

This is the expensive stage (SymPy); the code generator turns its output into kernel
sources, which the compile cache stores so that an unchanged model skips this stage.
"""

from dataclasses import dataclass, field

import sympy as sp

from annarray.errors import ParserError
from annarray.parser.equations import parse_assignments, parse_condition, parse_equations
from annarray.parser.expressions import ExpressionContext, model_symbols
from annarray.parser.statements import split_flags

__all__ = ["NeuronDescription", "describe_neuron"]



@dataclass
class NeuronDescription:
    """Everything the code generator needs about one neuron type.

    :param name: the neuron's name (for messages).
    :param attributes: name → :class:`~annarray.parser.declarations.Attribute`.
    :param equations: :class:`~annarray.parser.equations.Equation` list, in order.
    :param spike: SymPy condition or None (rate-coded).
    :param reset: assignments applied to the neurons that spiked.
    :param context: the expression context (targets, random draws, global operations).
    :param axon_spike: SymPy condition of an axonal spike, or None.
    :param axon_reset: assignments applied after an axonal spike.
    :param refractory: None, ``('value', ms)`` or ``('attribute', name)``.
    :param conductances: the ``g_<target>`` variables set back to 0 after each step.
    :param conductance_targets: targets of every ``g_<target>`` the equations read.
    """

    name: str
    attributes: dict
    equations: list
    spike: object = None
    reset: list = field(default_factory=list)
    context: ExpressionContext = None
    stop: object = None
    stop_mode: str = "any"
    axon_spike: object = None
    axon_reset: list = field(default_factory=list)
    refractory: tuple | None = None
    conductances: list = field(default_factory=list)
    conductance_targets: list = field(default_factory=list)


def describe_neuron(neuron, constants=(), functions=None, default_method="explicit", stop_condition=None):
    """Parses ``neuron``'s equations with SymPy.

    :param neuron: a :class:`~annarray.core.neuron.Neuron`.
    :param constants: names of the global Constants.
    :param functions: name → (argument names, body) of global and local functions.
    :param stop_condition: the population's stop condition, ``'r > 1.0 : any'``.
    """
    attributes = neuron.attributes
    symbols = model_symbols(neuron.name, attributes, constants)
    if neuron.spike:
        last = sp.Symbol("_t_last", real=True)  # ms of each neuron's last spike
        symbols["t_last"] = symbols["t_last_spike"] = last
    ctx = ExpressionContext(
        neuron.name,
        symbols,
        bool_names={n for n, a in attributes.items() if a.ctype == "bool"},
        functions=dict(functions or {}),
        local_names={n for n, a in attributes.items() if a.locality == "local"},
        constant_names=set(constants) - set(attributes),
    )
    equations = parse_equations(neuron.equations, ctx, attributes, default_method)
    spike = parse_condition(neuron.spike, ctx) if neuron.spike else None
    reset = parse_assignments(neuron.reset, ctx) if neuron.reset else []
    desc = NeuronDescription(neuron.name, attributes, equations, spike, reset, ctx)
    if neuron.spike:
        if neuron.axon_spike:
            desc.axon_spike = parse_condition(neuron.axon_spike, ctx)
            desc.axon_reset = parse_assignments(neuron.axon_reset, ctx) if neuron.axon_reset else []
        if isinstance(neuron.refractory, str):
            desc.refractory = ("attribute", neuron.refractory)
        elif neuron.refractory is not None:
            desc.refractory = ("value", float(neuron.refractory))
        desc.conductances = list(neuron.conductances)
        desc.conductance_targets = list(neuron.conductance_targets)
    if stop_condition:
        text, mode = split_flags(stop_condition)
        if mode not in ("", "any", "all"):
            raise ParserError("a stop condition ends with ': any' or ': all'", neuron.name, stop_condition)
        if neuron.spike:  # 'spiked': the neuron emitted a spike at this step (reference)
            ctx.symbols["spiked"] = sp.Symbol("_spiked")
            ctx.bool_names = set(ctx.bool_names) | {"spiked", "_spiked"}
        desc.stop = parse_condition(text, ctx)
        desc.stop_mode = mode or "any"
    return desc
