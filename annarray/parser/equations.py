"""Equation statements → :class:`Equation` descriptions holding SymPy expressions.

Each line of ``equations=`` becomes one :class:`Equation`: an ODE (``dx/dt`` solved from any
linear left-hand side such as ``tau * dv/dt + v = I``) or an assignment (``=``, ``+=``,
``-=``, ``*=``, ``/=``). ``if``/``else`` blocks become assignments with ``Piecewise`` values.
"""

import re
from dataclasses import dataclass

import sympy as sp

from annarray.errors import ParserError
from annarray.parser.expressions import as_condition, parse_expression
from annarray.parser.statements import IfBlock, parse_flags, split_statements

__all__ = ["Equation", "parse_equations", "parse_assignments", "parse_condition"]

_ODE_TOKEN = re.compile(r"\bd\s*([A-Za-z_]\w*)\s*/\s*dt\b")


@dataclass
class Equation:
    """One update of one variable.

    :param target: the variable it updates.
    :param kind: 'ode' (``rhs`` is dx/dt) or 'assignment' (``rhs`` is the new value).
    :param rhs: SymPy expression.
    :param method: numerical method for ODEs ('explicit', 'rk4'…).
    :param min: lower bound applied after the update (SymPy expression) or None.
    :param max: upper bound applied after the update or None.
    :param text: the line as written.
    """

    target: str
    kind: str
    rhs: object
    method: str = "explicit"
    min: object = None
    max: object = None
    text: str = ""
    unless_post: bool = False  # spike events: skipped where the postsynaptic neuron spiked


def _bounds(flags, ctx, line):
    lo = parse_expression(flags["min"], ctx, line) if "min" in flags else None
    hi = parse_expression(flags["max"], ctx, line) if "max" in flags else None
    return lo, hi


def _solve_ode(stmt, ctx):
    name = stmt.target
    if len(_ODE_TOKEN.findall(stmt.left)) != 1:
        raise ParserError(
            "an ODE has exactly one derivative on its left-hand side; write one equation per variable",
            ctx.obj_name,
            stmt.text,
        )
    grad = sp.Symbol(f"_grad_{name}")
    left = _ODE_TOKEN.sub(f"_grad_{name}", stmt.left)
    if _ODE_TOKEN.search(stmt.right):
        raise ParserError("dx/dt may only appear on the left-hand side", ctx.obj_name, stmt.text)
    ctx.symbols[f"_grad_{name}"] = grad
    try:
        expr = parse_expression(left, ctx, stmt.text) - parse_expression(stmt.right, ctx, stmt.text)
    finally:
        del ctx.symbols[f"_grad_{name}"]
    coef = sp.diff(expr, grad)
    if coef == 0 or coef.has(grad):
        raise ParserError(
            f"cannot solve for d{name}/dt: the equation must be linear in d{name}/dt",
            ctx.obj_name,
            stmt.text,
        )
    return -expr.xreplace({grad: 0}) / coef


def _assignment_value(stmt, ctx, current):
    """New value of the target of an assignment statement (``current`` is its value so far)."""
    rhs = parse_expression(stmt.right, ctx, stmt.text)
    if stmt.op == "=":
        return rhs
    ops = {"+=": lambda a, b: a + b, "-=": lambda a, b: a - b,
           "*=": lambda a, b: a * b, "/=": lambda a, b: a / b}
    return ops[stmt.op](current, rhs)


def parse_equations(text, ctx, attributes, default_method="explicit"):
    """List of :class:`Equation` for an ``equations=`` string, in declaration order."""
    equations = []
    for item in split_statements(text, ctx.obj_name):
        if isinstance(item, IfBlock):
            equations.extend(_if_block(item, ctx, attributes))
            continue
        flags = parse_flags(item.flags, ctx.obj_name, item.text)
        lo, hi = _bounds(flags, ctx, item.text)
        name = _known_target(item, ctx)
        if item.is_ode:
            if item.op != "=":
                raise ParserError("an ODE is written with '=', not with " + item.op, ctx.obj_name, item.text)
            method = attributes[name].method or default_method
            equations.append(Equation(name, "ode", _solve_ode(item, ctx), method, lo, hi, item.text))
        else:
            value = _assignment_value(item, ctx, ctx.symbols[name])
            equations.append(Equation(name, "assignment", value, None, lo, hi, item.text,
                                      unless_post=bool(flags.get("unless_post"))))
    return equations


def _known_target(stmt, ctx):
    name = stmt.target
    if name not in ctx.symbols or name.startswith("_"):
        raise ParserError(
            f"'{name}' is not a variable of this model; declare it in equations= first",
            ctx.obj_name,
            stmt.text,
        )
    return name


def _if_block(block, ctx, attributes):
    """Assignments equivalent to an if/elif/else block (each target gets one Piecewise)."""
    branch_values = []
    targets = []
    for cond_text, body in block.branches:
        cond = None if cond_text is None else as_condition(parse_expression(cond_text, ctx, block.text))
        values = _branch_values(body, ctx)
        for t in values:
            if t not in targets:
                targets.append(t)
        branch_values.append((cond, values))
    equations = []
    for t in targets:
        pieces = []
        for cond, values in branch_values:
            pieces.append((values.get(t, ctx.symbols[t]), sp.true if cond is None else cond))
        if pieces[-1][1] is not sp.true:
            pieces.append((ctx.symbols[t], sp.true))
        equations.append(Equation(t, "assignment", sp.Piecewise(*pieces), None, None, None, block.text))
    return equations


def _branch_values(body, ctx):
    """Values assigned in one branch, with earlier assignments of the branch substituted."""
    values = {}
    for item in body:
        if isinstance(item, IfBlock):
            for eq in _if_block(item, ctx, {}):
                values[eq.target] = eq.rhs.xreplace({ctx.symbols[k]: v for k, v in values.items()})
            continue
        if item.is_ode:
            raise ParserError("ODEs cannot be placed inside if/else blocks; use ite() in the ODE", ctx.obj_name, item.text)
        name = _known_target(item, ctx)
        value = _assignment_value(item, ctx, ctx.symbols[name])
        values[name] = value.xreplace({ctx.symbols[k]: v for k, v in values.items()})
    return values


def parse_assignments(text, ctx):
    """Statements of a ``reset=``/``pre_spike=``-like string as sequential assignments."""
    return parse_equations(text, ctx, {}, default_method="explicit")


def parse_condition(text, ctx):
    """A boolean condition (``spike=`` or ``stop_condition``) as a SymPy boolean."""
    items = split_statements(text, ctx.obj_name, allow_bare=True)
    if len(items) != 1 or isinstance(items[0], IfBlock) or items[0].left is not None:
        raise ParserError("a condition is one boolean expression, e.g. 'v > v_thresh'", ctx.obj_name, text)
    return as_condition(parse_expression(items[0].right, ctx, text))
