"""A :class:`~annarray.core.synapse.Synapse` (with its pre/post neuron types) →
:class:`SynapseDescription` (SymPy).

``pre.x`` and ``post.x`` become the symbols ``_pre_x`` / ``_post_x``; the description lists
them as :class:`~annarray.parser.items.NeuronRef` so that the code generator knows which
neuron arrays each kernel gathers.
"""

from dataclasses import dataclass

import sympy as sp

from annarray.errors import ParserError
from annarray.parser.equations import parse_assignments, parse_condition, parse_equations
from annarray.parser.expressions import ExpressionContext, model_symbols, parse_expression

__all__ = ["SynapseDescription", "describe_synapse", "DEFAULT_RATE_PSP", "StructuralRule",
           "split_structural_rule", "StructuralDescription", "describe_structural"]

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


def _context(synapse, pre_neuron, post_neuron, constants, functions):
    """A fresh expression context for ``synapse``'s text between the two neuron types."""
    attributes = synapse.attributes
    return ExpressionContext(
        synapse.name,
        model_symbols(synapse.name, attributes, constants),
        bool_names={n for n, a in attributes.items() if a.ctype == "bool"},
        functions=dict(functions or {}),
        local_names=set(),
        constant_names=set(constants) - set(attributes),
        prefixes={"pre": _neuron_attributes(pre_neuron), "post": _neuron_attributes(post_neuron)},
    )


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
    # creating/pruning are compiled with the projection (annarray.core.structural); their
    # text is checked here too, so that a bad rule is reported with the other model errors
    describe_structural(synapse, pre_neuron, post_neuron, constants, functions)
    ctx = _context(synapse, pre_neuron, post_neuron, constants, functions)
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


# -- structural plasticity: creating= / pruning= -------------------------------------------

#: flags each kind of rule accepts (``proba``: probability, ``w``: weight of a new synapse,
#: ``d``: its delay in ms)
STRUCTURAL_FLAGS = {"creating": ("proba", "w", "d"), "pruning": ("proba",)}


@dataclass(frozen=True)
class StructuralRule:
    """A ``creating=`` or ``pruning=`` argument: ``condition : proba = p, w = w0, d = delay``.

    :param kind: 'creating' or 'pruning'.
    :param condition: the boolean condition (text).
    :param proba: probability (per period) that a pair (creating) or a synapse (pruning)
        meeting the condition changes: a number, or the name of a projection-wide
        parameter or a Constant. Default 1.
    :param w: weight of a created synapse (number or name as for ``proba``). Default 0.
    :param d: delay of a created synapse in ms, or None (the projection's delay when it is
        uniform, else one step).
    """

    kind: str
    condition: str
    proba: object = 1.0
    w: object = 0.0
    d: float | None = None


def _top_level_colon(text):
    """Position of the last ':' outside brackets, or -1."""
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        c = text[i]
        if c in ")]":
            depth += 1
        elif c in "([":
            depth -= 1
        elif c == ":" and depth == 0:
            return i
    return -1


def _flag_items(text):
    """``[(key, value)]`` of ``k = v, k = v``, or None when ``text`` is not such a list."""
    items = []
    for part in text.split(","):
        key, eq, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not eq or not key.isidentifier() or not value or value.startswith("="):
            return None
        items.append((key, value))
    return items


def split_structural_rule(text, kind, obj_name=None):
    """The :class:`StructuralRule` of a ``creating=``/``pruning=`` string.

    :raises ParserError: empty condition, unknown flag, or a flag value that is neither a
        number nor a name.
    """
    if not isinstance(text, str) or not text.strip():
        raise ParserError(f"{kind}= must be a condition such as 'pre.r > 0.5 : proba = 0.1'", obj_name)
    text = " ".join(text.split())
    condition, flags = text, {}
    colon = _top_level_colon(text)
    items = _flag_items(text[colon + 1:]) if colon >= 0 else None
    if items is not None:
        condition = text[:colon].strip()
        allowed = STRUCTURAL_FLAGS[kind]
        for key, value in items:
            if key not in allowed:
                raise ParserError(f"{kind}= accepts the flags {', '.join(allowed)}, not '{key}'", obj_name, text)
            flags[key] = _flag_value(key, value, kind, obj_name, text)
    if not condition:
        raise ParserError(f"{kind}= has no condition before its flags", obj_name, text)
    return StructuralRule(kind, condition, **flags)


def _flag_value(key, value, kind, obj_name, text):
    try:
        return float(value)
    except ValueError:
        pass
    if key != "d" and value.isidentifier():
        return value
    what = "a number (ms)" if key == "d" else "a number or the name of a projection-wide parameter"
    raise ParserError(f"{kind}=: the flag {key} must be {what}, got '{value}'", obj_name, text)


@dataclass
class StructuralDescription:
    """A parsed structural rule: the condition as a SymPy boolean in its own context (its
    neuron references and random draws are those of the condition only)."""

    rule: StructuralRule
    condition: object
    context: ExpressionContext


def describe_structural(synapse, pre_neuron, post_neuron, constants=(), functions=None):
    """``{'creating': StructuralDescription, 'pruning': ...}`` for the rules ``synapse`` defines.

    The creating condition cannot read per-synapse attributes (the synapse does not exist
    yet); ``proba``/``w`` given as names must be projection-wide parameters or Constants.
    """
    out = {}
    for kind in ("creating", "pruning"):
        rule = getattr(synapse, f"_{kind}_rule", None)
        if rule is None:
            continue
        ctx = _context(synapse, pre_neuron, post_neuron, constants, functions)
        condition = parse_condition(rule.condition, ctx)
        line = f"{kind} = {rule.condition}"
        attributes = synapse.attributes
        if kind == "creating":
            local = sorted(s.name for s in condition.free_symbols
                           if s.name in attributes and attributes[s.name].locality == "local")
            if local:
                raise ParserError(
                    f"the creating condition reads the per-synapse attribute(s) {', '.join(local)}, which do "
                    "not exist before the synapse; use pre./post. values or projection-wide parameters",
                    synapse.name, line)
        for key in ("proba", "w"):
            value = getattr(rule, key)
            if isinstance(value, str) and not (
                    (value in attributes and attributes[value].locality == "global") or value in constants):
                raise ParserError(
                    f"the flag {key}={value} must name a projection-wide parameter "
                    "(flag 'projection') or a Constant", synapse.name, line)
        out[kind] = StructuralDescription(rule, condition, ctx)
    return out
