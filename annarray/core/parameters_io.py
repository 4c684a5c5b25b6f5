"""Global parameters in JSON files: ``save_parameters()`` / ``load_parameters()``, and the
deprecated XML reader ``load_parameter()``.

The JSON file has the reference's layout (ANNarchy 4.8.2, measured: docs/reference_facts.md
O): ``{"populations": {name: {attribute: value}}, "projections": {...}, "network": {},
"constants": {name: value}}``, indented by 4 spaces. Each population or projection lists its
population-wide (projection-wide) attributes in declaration order, parameters then
variables; parameters with their current values, variables with their initial values.
"""

import json
import logging
import os

import numpy as np

from annarray.core.state_files import StateFileError, atomic_write

__all__ = ["save_parameters", "load_parameters", "load_parameter"]

logger = logging.getLogger(__name__)


def _network(net_id):
    from annarray.core.saving import _network as network

    return network(net_id)


def _python(value):
    """A JSON-serialisable Python number from a NumPy scalar or 0-d array."""
    return value.item() if hasattr(value, "item") else value


def _global_values(obj, attributes, initial):
    """``{name: value}`` of the global attributes of a population or projection."""
    values = {}
    for name, attr in attributes.items():
        if attr.locality != "global":
            continue
        if attr.kind == "parameter" or not obj._net.compiled:
            values[name] = _python(obj.get(name))
        else:
            values[name] = _python(initial(name, attr))
    return values


def _population_initial(pop, name, attr):
    return np.asarray(pop._init[name]).reshape(-1)[0]


def _projection_initial(proj, name, attr):
    saved = getattr(proj, "_reset_values", {}).get(name)
    return np.asarray(attr.init if saved is None else saved).reshape(-1)[0]


def parameters_description(net):
    """The dictionary :func:`save_parameters` writes for network ``net``."""
    from annarray.core.globals import constants

    description = {"populations": {}, "projections": {}, "network": {}, "constants": {}}
    for name, constant in constants().items():
        description["constants"][name] = constant.value
    for pop in net.populations:
        description["populations"][pop.name] = _global_values(
            pop, pop.neuron_type.attributes, lambda n, a, pop=pop: _population_initial(pop, n, a))
    for proj in net.projections:
        description["projections"][proj.name] = _global_values(
            proj, proj.synapse_type.attributes, lambda n, a, proj=proj: _projection_initial(proj, n, a))
    return description


def save_parameters(filename, net_id=0):
    """Saves the population-wide and projection-wide attributes of network ``net_id`` and the
    constants to the JSON file ``filename`` (written atomically)."""
    text = json.dumps(parameters_description(_network(net_id)), indent=4)
    atomic_write(filename, lambda f: f.write(text.encode()), "parameters file")


def load_parameters(filename, global_only=True, verbose=False, net_id=0):
    """Sets the parameters of network ``net_id`` from the JSON file written by
    :func:`save_parameters` (possibly edited); also creates or changes its constants.

    :param global_only: only population-/projection-wide parameters are set; with False,
        per-neuron/per-synapse parameters take the single value of the file too.
    :param verbose: print each change (old -> new value).
    :returns: the file's ``"network"`` dictionary (values as floats).
    :raises StateFileError: missing file or invalid JSON (nothing is changed).
    """
    description = _read_json(filename)
    net = _network(net_id)
    changes = []
    for kind, objects in (("populations", net.populations), ("projections", net.projections)):
        by_name = {obj.name: obj for obj in objects}
        for obj_name, parameters in _section(description, kind, filename).items():
            obj = by_name.get(obj_name)
            if obj is None:
                logger.warning("load_parameters(): the %s '%s' of '%s' is not in the network; it is skipped",
                               kind[:-1], obj_name, filename)
                continue
            changes += _parameter_changes(obj, parameters, global_only, filename)
    constants = _section(description, "constants", filename)
    network = {name: _float(value, f"network '{name}'", filename)
               for name, value in _section(description, "network", filename).items()}
    constant_values = {name: _float(value, f"constant '{name}'", filename) for name, value in constants.items()}
    if verbose:
        print("Loading parameters from file", filename)
        print("-" * 40)
    current = None
    for obj, name, value in changes:
        if verbose:
            if obj is not current:
                print("Population" if hasattr(obj, "neuron_type") else "Projection", obj.name)
                current = obj
            print("  ", name, ":", obj.get(name), "->", value)
        obj.set({name: value})
    _set_constants(constant_values)
    return network


def _read_json(filename):
    if not os.path.isfile(filename):
        raise StateFileError(f"load_parameters(): the JSON file '{filename}' does not exist")
    try:
        with open(filename) as f:
            description = json.load(f)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StateFileError(f"load_parameters(): cannot read '{filename}' as JSON ({exc})") from None
    if not isinstance(description, dict):
        raise StateFileError(f"load_parameters(): '{filename}' holds a {type(description).__name__}, not the "
                             "dictionary save_parameters() writes")
    return description


def _section(description, key, filename):
    section = description.get(key, {})
    if not isinstance(section, dict):
        raise StateFileError(f"load_parameters(): '{key}' in '{filename}' is not a dictionary")
    return section


def _float(value, what, filename):
    """``float(value)`` for a JSON number or boolean (as the reference converts them)."""
    if not isinstance(value, (bool, int, float)):
        raise StateFileError(f"load_parameters(): {what} in '{filename}' is {value!r}, not a number "
                             "(arrays are not allowed)")
    return float(value)


def _parameter_changes(obj, parameters, global_only, filename):
    """``[(obj, name, float value)]`` for the parameters of ``obj`` listed in the file."""
    if not isinstance(parameters, dict):
        raise StateFileError(f"load_parameters(): the entry of '{obj.name}' in '{filename}' is not a dictionary")
    attributes = getattr(obj, "neuron_type", None) or obj.synapse_type
    changes = []
    for name, value in parameters.items():
        attr = attributes.attributes.get(name)
        if attr is None or attr.kind != "parameter":
            logger.info("load_parameters(): %s is not a parameter of %s; it is skipped", name, obj.name)
            continue
        if global_only and attr.locality != "global":
            logger.info("load_parameters(): %s is not a global parameter of %s; it is skipped", name, obj.name)
            continue
        changes.append((obj, name, _float(value, f"'{obj.name}.{name}'", filename)))
    return changes


def _set_constants(values):
    from annarray.core.globals import Constant, constants

    existing = constants()
    for name, value in values.items():
        if name in existing:
            existing[name].set(value)
        else:
            Constant(name, value)


def load_parameter(in_file):
    """Deprecated (use :func:`load_parameters`): reads ``<parameter><name>…</name><value>…
    </value></parameter>`` elements of one XML file or a list of them.

    :returns: ``{name: value}``, values as int, float or text.
    :raises StateFileError: a missing or malformed file.
    """
    import xml.etree.ElementTree as ET

    logger.warning("load_parameter() is deprecated. Use load_parameters() and JSON files instead.")
    files = [in_file] if isinstance(in_file, (str, os.PathLike)) else list(in_file)
    result = {}
    for filename in files:
        try:
            root = ET.parse(filename).getroot()
        except (OSError, ET.ParseError) as exc:
            raise StateFileError(f"load_parameter(): cannot read the XML file '{filename}' ({exc})") from None
        for element in root.findall("parameter"):
            name, value = element.findtext("name"), element.findtext("value")
            if name is None or value is None:
                raise StateFileError(f"load_parameter(): a <parameter> of '{filename}' lacks its <name> or <value>")
            if name in result:
                raise StateFileError(f"load_parameter(): the parameter '{name}' is defined twice")
            result[name] = _xml_value(value)
    return result


def _xml_value(text):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text
