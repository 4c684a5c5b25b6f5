"""Light parse of a model's declarations: names, flags and initial values (no SymPy).

Populations need to know their attributes (``tau``, ``v``…) as soon as they exist, so that
users can read and set them before ``compile()``. This module finds them from the text
alone; the equations themselves are turned into expressions later, at compile time.
"""

import ast
import math
from dataclasses import dataclass, field

from annarray.errors import ParserError
from annarray.parser.statements import METHODS, IfBlock, parse_flags, split_statements

__all__ = ["Attribute", "parse_attributes", "parse_parameters", "parse_variables", "evaluate_constant_expression"]


@dataclass
class Attribute:
    """One parameter or variable of a neuron or synapse.

    :param name: the name used in equations.
    :param kind: 'parameter' or 'variable'.
    :param locality: 'local' (one value per neuron/synapse), 'global' (one per population or
        projection, flag ``population``/``projection``) or 'semiglobal' (one per
        postsynaptic neuron, flag ``postsynaptic``).
    :param ctype: 'double', 'int' or 'bool'.
    :param init: initial value (a number).
    :param flags: all parsed flags of its declaration.
    """

    name: str
    kind: str
    locality: str
    ctype: str
    init: object
    flags: dict = field(default_factory=dict)

    @property
    def method(self):
        for m in METHODS:
            if self.flags.get(m):
                return m
        if self.flags.get("runge-kutta4"):  # the reference's older spelling
            return "rk4"
        if self.flags.get("exact"):  # older name of event-driven
            return "event-driven"
        return None


def _check_owner_flags(flags, owner, name, obj_name, line):
    forbidden = ("projection", "postsynaptic") if owner == "neuron" else ("population",)
    for flag in forbidden:
        if flags.get(flag):
            raise ParserError(
                f"the attribute '{name}' belongs to a {owner}: the flag '{flag}' is not allowed "
                f"here (use {'population' if owner == 'neuron' else 'projection or postsynaptic'})",
                obj_name,
                line,
            )


def _locality(flags):
    if flags.get("population") or flags.get("projection"):
        return "global"
    if flags.get("postsynaptic"):
        return "semiglobal"
    return "local"


def _ctype(flags):
    if flags.get("int"):
        return "int"
    if flags.get("bool"):
        return "bool"
    return "double"


_SAFE_FUNCS = {
    name: getattr(math, name)
    for name in ("exp", "log", "log10", "sqrt", "sin", "cos", "tan", "tanh", "fabs", "floor", "ceil")
}
_SAFE_FUNCS.update(abs=abs, pi=math.pi)


def evaluate_constant_expression(text, names, obj_name=None, line=None):
    """Value of a numeric expression such as ``-65.0``, ``2*tau`` or ``True``.

    :param names: mapping of the names the expression may use to their numeric values.
    """
    env = dict(_SAFE_FUNCS)
    env.update(names)
    env.update(true=True, false=False)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise ParserError(f"'{text}' is not a valid value", obj_name, line) from None
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id not in env and node.id not in ("True", "False"):
            raise ParserError(
                f"the value '{text}' uses '{node.id}', which is neither a number, "
                "an earlier parameter nor a Constant",
                obj_name,
                line,
            )
        if isinstance(node, (ast.Attribute, ast.Lambda, ast.Subscript)):
            raise ParserError(f"'{text}' is not a plain numeric value", obj_name, line)
    try:
        return eval(compile(tree, "<value>", "eval"), {"__builtins__": {}}, env)  # noqa: S307
    except Exception as err:  # division by zero, wrong call...
        raise ParserError(f"cannot evaluate '{text}': {err}", obj_name, line) from None


def _cast(value, ctype):
    if ctype == "int":
        return int(value)
    if ctype == "bool":
        return bool(value)
    return float(value)


def parse_parameters(text, obj_name, constants=None, owner="neuron"):
    """Attributes declared in a ``parameters=`` string, in order.

    ``text`` may also be a dict ``{name: value}`` (the 4.8 interface accepts both).
    """
    known = dict(constants or {})
    attrs = {}
    if isinstance(text, dict):
        for name, value in text.items():
            attrs[name] = Attribute(name, "parameter", "local", "double", float(value), {})
        return attrs
    for item in split_statements(text, obj_name):
        if isinstance(item, IfBlock) or item.op != "=":
            raise ParserError("a parameter is declared as 'name = value : flags'", obj_name, item.text)
        name = item.left.strip()
        if not name.isidentifier():
            raise ParserError(f"'{name}' is not a valid parameter name", obj_name, item.text)
        if name in attrs:
            raise ParserError(f"parameter '{name}' is declared twice", obj_name, item.text)
        flags = parse_flags(item.flags, obj_name, item.text)
        _check_owner_flags(flags, owner, name, obj_name, item.text)
        raw = evaluate_constant_expression(flags.get("init", item.right), known, obj_name, item.text)
        ctype = "bool" if isinstance(raw, bool) and not flags.get("int") else _ctype(flags)
        value = _cast(raw, ctype)
        attrs[name] = Attribute(name, "parameter", _locality(flags), ctype, value, flags)
        known[name] = value
    return attrs


def _walk_targets(items):
    for item in items:
        if isinstance(item, IfBlock):
            for _, body in item.branches:
                yield from _walk_targets(body)
        else:
            yield item


def parse_variables(text, obj_name, parameters, constants=None, owner="neuron"):
    """Attributes defined by the left-hand sides of an ``equations=`` string, in order.

    A variable assigned in several places (e.g. both branches of an ``if``) is declared once;
    its flags are those of its first definition that has flags.
    """
    known = dict(constants or {})
    known.update({a.name: a.init for a in parameters.values()})
    attrs = {}
    for item in _walk_targets(split_statements(text, obj_name)):
        name = item.target
        if not name.isidentifier():
            raise ParserError(
                f"cannot find the variable defined by '{item.left}'; write 'name = ...' "
                "or an ODE such as 'tau * dv/dt + v = ...'",
                obj_name,
                item.text,
            )
        if name in parameters:
            raise ParserError(
                f"'{name}' is a parameter and cannot be assigned in equations; "
                "declare it only once, as a variable",
                obj_name,
                item.text,
            )
        flags = parse_flags(item.flags, obj_name, item.text)
        _check_owner_flags(flags, owner, name, obj_name, item.text)
        if name in attrs:
            if flags and attrs[name].flags:
                raise ParserError(f"variable '{name}' is defined twice with flags", obj_name, item.text)
            if not flags:
                continue
        ctype = _ctype(flags)
        init = flags.get("init", "0")
        value = _cast(evaluate_constant_expression(str(init), known, obj_name, item.text), ctype)
        attrs[name] = Attribute(name, "variable", _locality(flags), ctype, value, flags)
    return attrs


def parse_attributes(parameters, equations, obj_name, owner="neuron"):
    """Parameters then variables of a model (name → :class:`Attribute`), with the current
    values of the global Constants available to initial values."""
    from annarray.core.globals import constant_values

    constants = constant_values()
    params = parse_parameters(parameters, obj_name, constants, owner)
    variables = parse_variables(equations, obj_name, params, constants, owner)
    return {**params, **variables}
