"""``report()``: a LaTeX or Markdown description of a network.

The description gathers, for one network: its populations, projections (with their
connection patterns) and monitors; each neuron and synapse type with its parameters and
its equations rendered from SymPy (:mod:`annarray.core.report_math`); the parameter values
of each population and projection. :mod:`annarray.core.report_formats` writes it out.
The LaTeX layout follows the spirit of the tables of Nordlie, Gewaltig and Plesser (2009),
Towards reproducible descriptions of neuronal network models, PLoS Comput Biol 5(8):e1000456.
"""

import logging
from dataclasses import dataclass, field

import numpy as np

from annarray.errors import NetworkError

__all__ = ["report", "describe_network", "NetworkDescription"]

logger = logging.getLogger(__name__)

_LOCALITY = {
    "neuron": {"local": "per neuron", "global": "per population", "semiglobal": "per neuron"},
    "synapse": {"local": "per synapse", "global": "per projection", "semiglobal": "per post-synaptic neuron"},
}


def report(filename="./report.tex", standalone=True, gather_subprojections=False, title=None,
           author=None, date=None, net_id=0):
    """Writes a description of the network to ``filename``.

    :param filename: ``*.tex`` for LaTeX, ``*.md`` for Markdown (convertible with pandoc).
    :param standalone: LaTeX: a complete document (True) or a part to ``\\input`` (False);
        ignored for Markdown.
    :param gather_subprojections: one row for the projections between the same two
        populations (views of them included) with the same target and synapse type.
    :param title: document title (Markdown front matter; LaTeX standalone title).
    :param author: document author (as ``title``).
    :param date: document date (as ``title``).
    :param net_id: the network described (0: the objects created at the top level).
    """
    from annarray.core import report_formats

    name = str(filename)
    if name.endswith(".tex"):
        writer = report_formats.latex_report
    elif name.endswith(".md"):
        writer = report_formats.markdown_report
    else:
        raise NetworkError(f"report(filename={name!r}): the filename must end with .tex (LaTeX) "
                           "or .md (Markdown)")
    description = describe_network(_network(net_id), gather_subprojections)
    text = writer(description, standalone=standalone, title=title, author=author, date=date)
    with open(name, "w", encoding="utf-8") as f:
        f.write(text)
    logger.info("report written to %s", name)


def _network(net_id):
    from annarray.core.network import _networks, default_network

    if net_id == 0:
        return default_network()
    if net_id not in _networks:
        raise NetworkError(f"report(net_id={net_id}): there is no network {net_id}")
    return _networks[net_id]


@dataclass
class AttributeDescription:
    """One parameter or variable: LaTeX name and the facts of its declaration."""

    name: str
    latex: str
    kind: str
    locality: str
    ctype: str
    init: str
    bounds: str = ""
    method: str = ""


@dataclass
class ModelDescription:
    """A neuron or synapse type: attributes and rendered equations."""

    name: str
    description: str
    kind: str  # 'rate neuron', 'spiking neuron', 'rate synapse', 'spiking synapse'
    attributes: list
    rendered: object
    text: str  # the model text as written (shown when it cannot be rendered)
    refractory: str = ""
    operation: str = ""
    functions: list = field(default_factory=list)  # (LaTeX, error or None)
    bold: bool = False


@dataclass
class PopulationDescription:
    name: str
    size: int
    geometry: tuple
    neuron: str
    kind: str  # 'neuron', 'input' or 'bold'
    parameters: list  # (AttributeDescription, value text)


@dataclass
class ProjectionDescription:
    name: str
    pre: str
    post: str
    target: str
    synapse: str
    pattern: str
    parameters: list  # (AttributeDescription, value text)


@dataclass
class MonitorDescription:
    obj: str
    variables: list
    period: float


@dataclass
class NetworkDescription:
    """Everything a report shows, as text and LaTeX (no format-specific markup)."""

    version: str
    paradigm: str
    precision: str
    dt: float
    populations: list
    projections: list
    monitors: list
    neurons: list
    synapses: list
    functions: list  # global functions: (LaTeX, error or None)
    constants: list  # (LaTeX name, value text)


def describe_network(net, gather_subprojections=False):
    """The :class:`NetworkDescription` of ``net``."""
    import annarray
    from annarray import config
    from annarray.core.globals import constants, global_functions
    from annarray.core.report_math import latex_name, render_function

    consts = sorted(constants())
    funcs = global_functions()
    neurons, neuron_index = _neuron_models(net, consts, funcs)
    synapses, synapse_index = _synapse_models(net, consts, funcs)
    populations = [_population(pop, neuron_index) for pop in net.populations]
    projections = [_projection(proj, synapse_index) for proj in net.projections]
    if gather_subprojections:
        projections = _gathered(projections, net.projections)
    return NetworkDescription(
        version=annarray.__version__, paradigm=config.get_config("paradigm"),
        precision=config.get_config("precision"), dt=net.dt, populations=populations,
        projections=projections, monitors=[_monitor(m) for m in net.monitors],
        neurons=neurons, synapses=synapses,
        functions=[render_function(n, a, b, consts, funcs) for n, (a, b) in funcs.items()],
        constants=[(latex_name(n), _value_text(c.value)) for n, c in sorted(constants().items())],
    )


# -- models ---------------------------------------------------------------------------------
def _model_key(model):
    return (model.name, model.model_key)


def _neuron_models(net, consts, funcs):
    from annarray.core.report_math import render_neuron

    models, index = [], {}
    for pop in net.populations:
        neuron = pop.neuron_type
        key = _model_key(neuron)
        if key in index:
            continue
        local = _local_functions(neuron)
        rendered = render_neuron(neuron, consts, {**funcs, **local})
        index[key] = neuron.name
        models.append(ModelDescription(
            name=neuron.name, description=neuron.description or _default_description(neuron),
            kind=f"{'spiking' if neuron.type == 'spike' else 'rate'} neuron",
            attributes=_attributes(neuron, "neuron"), rendered=rendered, text=_neuron_text(neuron),
            refractory=_refractory_text(neuron.refractory),
            functions=_function_list(local, consts, funcs), bold=hasattr(neuron, "_inputs")))
    return models, index


def _synapse_models(net, consts, funcs):
    from annarray.core.population import population_of
    from annarray.core.report_math import render_synapse

    models, index = [], {}
    for proj in net.projections:
        synapse = proj.synapse_type
        key = _model_key(synapse)
        if key in index:
            continue
        pre, post = population_of(proj.pre).neuron_type, population_of(proj.post).neuron_type
        local = _local_functions(synapse)
        rendered = render_synapse(synapse, pre, post, consts, {**funcs, **local})
        index[key] = synapse.name
        spiking = rendered.psp is None and not rendered.error
        models.append(ModelDescription(
            name=synapse.name, description=synapse.description or "",
            kind=f"{'spiking' if spiking else 'rate'} synapse",
            attributes=_attributes(synapse, "synapse"), rendered=rendered, text=_synapse_text(synapse),
            operation=synapse.operation, functions=_function_list(local, consts, funcs)))
    return models, index


def _local_functions(model):
    from annarray.core.globals import parse_function_definitions
    from annarray.errors import AnnarrayError

    try:
        return parse_function_definitions(model.functions, model.name) if model.functions else {}
    except AnnarrayError:
        return {}


def _function_list(local, consts, funcs):
    from annarray.core.report_math import render_function

    every = {**funcs, **local}
    return [render_function(name, args, body, consts, every) for name, (args, body) in local.items()]


def _default_description(neuron):
    return "Spiking neuron." if neuron.type == "spike" else "Rate-coded neuron."


def _refractory_text(refractory):
    if refractory is None:
        return ""
    return f"{refractory} ms" if isinstance(refractory, (int, float)) else str(refractory)


def _neuron_text(neuron):
    parts = [("parameters", neuron.parameters), ("equations", neuron.equations), ("spike", neuron.spike),
             ("reset", neuron.reset)]
    return "\n".join(f"{k}: {v}" for k, v in parts if v)


def _synapse_text(synapse):
    parts = [("parameters", synapse.parameters), ("equations", synapse.equations), ("psp", synapse.psp),
             ("pre_spike", synapse.pre_spike), ("post_spike", synapse.post_spike)]
    return "\n".join(f"{k}: {v}" for k, v in parts if v)


def _attributes(model, owner):
    from annarray.core.report_math import latex_name

    result = []
    for name, attr in model.attributes.items():
        bounds = ", ".join(f"{label} {attr.flags[key]}" for key, label in (("min", "minimum"), ("max", "maximum"))
                           if key in attr.flags)
        result.append(AttributeDescription(
            name=name, latex=latex_name(name), kind=attr.kind, locality=_LOCALITY[owner][attr.locality],
            ctype=attr.ctype, init=_value_text(attr.init), bounds=bounds, method=attr.method or ""))
    return result


# -- objects --------------------------------------------------------------------------------
def _population(pop, neuron_index):
    neuron = pop.neuron_type
    kind = "bold" if hasattr(neuron, "_inputs") else (
        "input" if type(pop).__module__.startswith("annarray.inputs") else "neuron")
    attributes = {a.name: a for a in _attributes(neuron, "neuron")}
    parameters = []
    for name in pop.parameters:
        parameters.append((attributes[name], _values_text(pop.get(name))))
    return PopulationDescription(pop.name, pop.size, tuple(pop.geometry), neuron_index[_model_key(neuron)],
                                 kind, parameters)


def _object_name(obj):
    from annarray.core.population import IndividualNeuron, PopulationView

    if isinstance(obj, IndividualNeuron):
        return f"{obj.population.name}[{obj.rank}]"
    if isinstance(obj, PopulationView):
        return f"{obj.population.name} ({len(obj)} neurons)"
    return getattr(obj, "name", repr(obj))


def _projection(proj, synapse_index):
    synapse = proj.synapse_type
    attributes = {a.name: a for a in _attributes(synapse, "synapse")}
    parameters = []
    if proj._conn is not None:
        for name in proj.parameters:
            if name != "w":
                parameters.append((attributes[name], _values_text(proj._host(name))))
    return ProjectionDescription(
        name=proj.name, pre=_object_name(proj.pre), post=_object_name(proj.post), target=proj.target,
        synapse=synapse_index[_model_key(synapse)], pattern=_pattern(proj), parameters=parameters)


def _pattern(proj):
    """Connector, weights and delays of a projection, in words."""
    if proj._conn is None:
        return "not connected"
    parts = [proj.connector_description or "connected"]
    weights = np.asarray(proj._host("w"), dtype=np.float64)
    parts.append("weights " + _values_text(weights))
    delays = np.asarray(proj._delay_steps, dtype=np.float64) * proj._net.dt
    parts.append("delays " + _values_text(delays) + " ms")
    return ", ".join(parts)


def _gathered(descriptions, projections):
    """One row per (pre population, post population, target, synapse type)."""
    from annarray.core.population import population_of

    rows, groups = [], {}
    for desc, proj in zip(descriptions, projections, strict=True):
        pre, post = population_of(proj.pre).name, population_of(proj.post).name
        key = (pre, post, desc.target, desc.synapse)
        if key not in groups:
            groups[key] = [desc, proj, []]
            rows.append(key)
        groups[key][2].append(desc)
    result = []
    for key in rows:
        first, _, members = groups[key]
        if len(members) == 1:
            result.append(first)
            continue
        patterns = list(dict.fromkeys(d.pattern for d in members))
        result.append(ProjectionDescription(
            name=", ".join(d.name for d in members), pre=key[0], post=key[1], target=key[2],
            synapse=key[3], pattern=f"{len(members)} sub-projections: " + "; ".join(patterns),
            parameters=first.parameters))
    return result


def _monitor(monitor):
    return MonitorDescription(_object_name(monitor.object), list(monitor.variables), monitor.period)


# -- values ---------------------------------------------------------------------------------
def _value_text(value):
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def _values_text(values):
    """A number, or the range of an array of values (``-65.0``, ``from 0.1 to 0.5``)."""
    arr = np.asarray(values)
    if arr.size == 0:
        return "none"
    if arr.ndim == 0 or np.all(arr == arr.flat[0]):
        return _value_text(arr.flat[0].item())
    lo, hi = arr.min().item(), arr.max().item()
    return f"from {_value_text(lo)} to {_value_text(hi)} (mean {float(arr.mean()):.6g})"
