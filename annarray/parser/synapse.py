"""A :class:`~annarray.core.synapse.Synapse` (with its pre/post neuron types) →
:class:`SynapseDescription` (SymPy).

``pre.x`` and ``post.x`` become the symbols ``_pre_x`` / ``_post_x``; the description lists
them as :class:`~annarray.parser.items.NeuronRef` so that the code generator knows which
neuron arrays each kernel gathers.
"""

from dataclasses import dataclass

import sympy as sp

from annarray.errors import ParserError
from annarray.parser.equations import parse_assignments, parse_equations
from annarray.parser.expressions import ExpressionContext, model_symbols, parse_expression

__all__ = ["SynapseDescription", "describe_synapse", "DEFAULT_RATE_PSP"]

DEFAULT_RATE_PSP = "w * pre.r"
DEFAULT_PRE_SPIKE = "g_target += w"


@dataclass
class SynapseDescription:
    """Everything the code generator needs about one synapse type in one projection.

    :param name: the synapse's name (for messages).
    :param attributes: name → :class:`~annarray.parser.declarations.Attribute` (``w`` included).
    :param equations: :class:`~annarray.parser.equations.Equation` list (learning rules).
    :param psp: SymPy expression of what one synapse transmits (rate-coded), or None.
    :param operation: 'sum', 'max', 'min' or 'mean'.
    :param context: the expression context (neuron references, random draws).
    """

    name: str
    attributes: dict
    equations: list
    psp: object
    operation: str
    context: ExpressionContext
    pre_spike: list = None
    post_spike: list = None
    event_driven: list = None
    pre_axon_spike: list = None


def _neuron_attributes(neuron):
    return {n: a.locality for n, a in neuron.attributes.items()} if neuron is not None else {}


def _skip_when_post_spiked(eq, ctx):
    """``x = f : unless_post``: ``x`` keeps its value on the synapses whose postsynaptic
    neuron spiked at the step the presynaptic spike was emitted (``post._spiked`` when the
    event is processed, at the start of the next step)."""
    spiked = ctx.neuron_symbol("post", "_spiked", True)
    ctx.bool_names.add(spiked.name)
    old = ctx.symbols[eq.target]
    eq.rhs = old + sp.Piecewise((0, spiked), (sp.expand(eq.rhs - old), True))


def describe_synapse(synapse, pre_neuron, post_neuron, constants=(), functions=None,
                     default_method="explicit", spiking=None):
    """Parses ``synapse``'s equations with SymPy for a projection between neuron types.

    :param pre_neuron: the presynaptic :class:`~annarray.core.neuron.Neuron` (for ``pre.x``).
    :param post_neuron: the postsynaptic neuron type (for ``post.x``).
    :param spiking: whether the presynaptic neurons spike (default: from the synapse's
        ``pre_spike``/``post_spike``); spiking synapses without ``pre_spike`` add ``w``
        to the postsynaptic conductance.
    :param constants: names of the global Constants.
    :param functions: name → (argument names, body) of global and local functions.
    """
    attributes = synapse.attributes
    symbols = model_symbols(synapse.name, attributes, constants)
    ctx = ExpressionContext(
        synapse.name,
        symbols,
        bool_names={n for n, a in attributes.items() if a.ctype == "bool"},
        functions=dict(functions or {}),
        local_names=set(),
        constant_names=set(constants) - set(attributes),
        prefixes={"pre": _neuron_attributes(pre_neuron), "post": _neuron_attributes(post_neuron)},
    )
    equations = parse_equations(synapse.equations, ctx, attributes, default_method)
    psp = None
    if spiking is None:
        spiking = synapse.type == "spike"
    if synapse.psp is not None and synapse.type == "rate":
        spiking = False  # continuous transmission between spiking neurons (gap junctions)
    if not spiking:
        text = (synapse.psp or DEFAULT_RATE_PSP).strip()
        psp = parse_expression(text, ctx, f"psp = {text}")
        return SynapseDescription(synapse.name, attributes, equations, psp, synapse.operation, ctx)
    event_driven = [eq for eq in equations if eq.kind == "ode" and eq.method == "event-driven"]
    continuous = [eq for eq in equations if eq not in event_driven]
    ctx.symbols["g_target"] = sp.Symbol("g_target", real=True)
    pre_spike = parse_assignments(synapse.pre_spike or DEFAULT_PRE_SPIKE, ctx)
    post_spike = parse_assignments(synapse.post_spike, ctx) if synapse.post_spike else []
    axon_spike = parse_assignments(synapse.pre_axon_spike, ctx) if synapse.pre_axon_spike else []
    for eq in pre_spike:
        if eq.unless_post:
            _skip_when_post_spiked(eq, ctx)
    for eq in post_spike:
        if eq.target == "g_target":
            raise ParserError("g_target can only be incremented in pre_spike", synapse.name, eq.text)
    return SynapseDescription(synapse.name, attributes, continuous, None, synapse.operation, ctx,
                              pre_spike, post_spike, event_driven, axon_spike)
