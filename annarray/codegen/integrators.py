"""Numerical methods: a block of ODEs → the updates that integrate it over one step.

Methods are registered by name. Each turns a block of consecutive ODEs (integrated
concurrently: every right-hand side sees the values of the previous step) into

* ``stages``: temporary arrays to compute first (midpoint and Runge-Kutta stages), and
* ``new``: for each variable, the expression of its value after the step, in terms of the
  previous values and the stages.

:func:`schedule_block` then orders these into in-place updates, keeping a temporary only
for a variable that a later update of the same block still needs at its old value.
"""

from dataclasses import dataclass

import sympy as sp

from annarray.errors import ModelError

__all__ = ["Update", "integrate_block", "schedule_block", "METHODS", "register_method"]


@dataclass
class Update:
    """``target = expr`` evaluated as one kernel.

    :param target: attribute name, or a temporary (name starting with ``_tmp_``).
    :param expr: SymPy expression.
    :param like: for temporaries, the attribute whose shape and dtype they take.
    """

    target: str
    expr: object
    like: str | None = None


METHODS = {}


def register_method(name):
    def deco(func):
        METHODS[name] = func
        return func

    return deco


def _linear_split(f, x, eq, obj_name):
    """``f = a*x + b`` with ``a``, ``b`` free of ``x``; raises if ``f`` is not linear in ``x``."""
    a = sp.diff(f, x)
    if a.has(x):
        raise ModelError(
            f"the '{eq.method}' method needs an ODE linear in {eq.target}; "
            "use method 'explicit', 'midpoint' or 'rk4' for this equation",
            obj_name,
            eq.text,
        )
    b = sp.expand(f - a * x)
    b = b.xreplace({x: 0}) if b.has(x) else b
    return a, b


@register_method("explicit")
def _explicit(block, syms, dt, obj_name):
    return [], {eq.target: syms[eq.target] + dt * eq.rhs for eq in block}


@register_method("midpoint")
def _midpoint(block, syms, dt, obj_name):
    mid = {eq.target: sp.Symbol(f"_tmp_mid_{eq.target}", real=True) for eq in block}
    stages = [Update(mid[eq.target].name, syms[eq.target] + dt / 2 * eq.rhs, eq.target) for eq in block]
    to_mid = {syms[n]: s for n, s in mid.items()}
    return stages, {eq.target: syms[eq.target] + dt * eq.rhs.xreplace(to_mid) for eq in block}


@register_method("rk4")
def _rk4(block, syms, dt, obj_name):
    stages = []
    ks = []
    shift = {}
    for i, factor in enumerate((None, dt / 2, dt / 2, dt)):
        k = {}
        for eq in block:
            expr = eq.rhs.xreplace(shift)
            if i < 3:
                name = f"_tmp_k{i + 1}_{eq.target}"
                stages.append(Update(name, expr, eq.target))
                k[eq.target] = sp.Symbol(name, real=True)
            else:
                k[eq.target] = expr  # k4 is fused into the final update
        ks.append(k)
        if i < 3:
            nxt = (dt / 2) if i < 2 else dt
            shift = {syms[n]: syms[n] + nxt * k[n] for n in k}
    new = {}
    for eq in block:
        n = eq.target
        new[n] = syms[n] + dt / 6 * (ks[0][n] + 2 * ks[1][n] + 2 * ks[2][n] + ks[3][n])
    return stages, new


@register_method("exponential")
def _exponential(block, syms, dt, obj_name):
    new = {}
    for eq in block:
        x = syms[eq.target]
        a, b = _linear_split(eq.rhs, x, eq, obj_name)
        if a == 0:
            new[eq.target] = x + dt * b
        else:
            # exact for dx/dt = a*x + b with a, b constant over the step
            new[eq.target] = x + (1 - sp.exp(a * dt)) * (-b / a - x)
    return [], new


@register_method("semiimplicit")
def _semiimplicit(block, syms, dt, obj_name):
    new = {}
    for eq in block:
        x = syms[eq.target]
        a = sp.expand(eq.rhs).coeff(x, 1)
        if a.has(x):
            a = sp.Integer(0)
        b = eq.rhs - a * x
        new[eq.target] = (x + dt * b) / (1 - dt * a)
    return [], new


@register_method("implicit")
def _implicit(block, syms, dt, obj_name):
    news = [sp.Symbol(f"_new_{eq.target}", real=True) for eq in block]
    to_new = {syms[eq.target]: s for eq, s in zip(block, news)}
    system = [s - syms[eq.target] - dt * eq.rhs.xreplace(to_new) for eq, s in zip(block, news)]
    try:
        matrix, rhs = sp.linear_eq_to_matrix(system, news)
    except ValueError:  # SymPy signals a nonlinear system with a ValueError subclass
        raise ModelError(
            "the 'implicit' method needs ODEs linear in their variables; "
            "use 'semiimplicit', 'explicit' or 'rk4' for these equations",
            obj_name,
            block[0].text,
        ) from None
    solution = matrix.LUsolve(rhs) if len(block) > 1 else sp.Matrix([rhs[0] / matrix[0, 0]])
    return [], {eq.target: solution[i] for i, eq in enumerate(block)}


def integrate_block(block, syms, dt, obj_name):
    """(stages, new values) for a block of ODEs that share one method."""
    method = block[0].method
    if method not in METHODS:
        raise ModelError(
            f"unknown numerical method '{method}'; use one of {', '.join(sorted(METHODS))}",
            obj_name,
            block[0].text,
        )
    return METHODS[method](block, syms, dt, obj_name)


def bounded(expr, lo, hi):
    """``expr`` clipped to [lo, hi] (either may be None)."""
    if hi is not None:
        expr = sp.Min(expr, hi)
    if lo is not None:
        expr = sp.Max(expr, lo)
    return expr


def schedule_block(block, new, syms):
    """In-place updates for the new values of a block, keeping concurrent semantics.

    A variable whose old value a later update in the block still reads is first computed
    into a temporary and copied back at the end of the block.
    """
    updates, deferred = [], []
    for i, eq in enumerate(block):
        x = syms[eq.target]
        value = bounded(new[eq.target], eq.min, eq.max)
        later_reads = any(new[other.target].has(x) for other in block[i + 1 :])
        if later_reads:
            tmp = sp.Symbol(f"_tmp_new_{eq.target}", real=True)
            updates.append(Update(tmp.name, value, eq.target))
            deferred.append(Update(eq.target, tmp))
        else:
            updates.append(Update(eq.target, value))
    return updates + deferred
