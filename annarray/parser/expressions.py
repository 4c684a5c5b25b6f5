"""Equation right-hand sides → SymPy expressions, through Python's ``ast``.

Going through ``ast`` (rather than ``sympy.sympify`` on the raw text) gives Python's own
operator precedence for ``and``/``or``/``not``/comparisons, and lets every unknown name or
function be reported with the model's name and line instead of a SymPy traceback.

Special calls become placeholder symbols recorded in the :class:`ExpressionContext`:
``sum(exc)`` → ``_sum_exc``; ``mean(r)`` → ``_mean_r`` (global operations); a random
distribution such as ``Normal(0, 1)`` → ``mu + sigma * _rand_N`` where ``_rand_N`` is a
per-element standard draw made at each step.
"""

import ast
from dataclasses import dataclass, field

import sympy as sp

from annarray.codegen.functions import CFmod
from annarray.errors import ParserError
from annarray.parser.items import GlobalOp, NeuronRef, RandomDraw

__all__ = ["ExpressionContext", "RandomDraw", "GlobalOp", "parse_expression", "model_symbols", "MATH_FUNCTIONS"]


def _pos(x):
    return sp.Max(x, 0)


def _neg(x):
    return sp.Min(x, 0)


def _clip(x, lo, hi):
    return sp.Min(sp.Max(x, lo), hi)


def _round(x):
    # C's round(): halves away from zero
    return sp.sign(x) * sp.floor(sp.Abs(x) + sp.Rational(1, 2))


MATH_FUNCTIONS = {
    "exp": sp.exp, "expm1": lambda x: sp.exp(x) - 1, "log": sp.log,
    "log10": lambda x: sp.log(x) / sp.log(10), "log2": lambda x: sp.log(x) / sp.log(2),
    "log1p": lambda x: sp.log(1 + x), "sqrt": sp.sqrt,
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
    "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "atan2": sp.atan2,
    "arcsin": sp.asin, "arccos": sp.acos, "arctan": sp.atan, "arctan2": sp.atan2,
    "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
    "asinh": sp.asinh, "acosh": sp.acosh, "atanh": sp.atanh,
    "abs": sp.Abs, "fabs": sp.Abs, "floor": sp.floor, "ceil": sp.ceiling, "round": _round,
    "sign": sp.sign, "pow": sp.Pow, "power": sp.Pow,
    "pos": _pos, "positive": _pos, "neg": _neg, "negative": _neg,
    "clip": _clip, "modulo": CFmod, "fmod": CFmod, "fmin": sp.Min, "fmax": sp.Max,
}
_GLOBAL_OPS = ("min", "max", "mean", "norm1", "norm2")
_DISTRIBUTIONS = ("Uniform", "Normal", "LogNormal", "Exponential", "Gamma", "DiscreteUniform", "Binomial")


@dataclass
class ExpressionContext:
    """What an expression may refer to, and what parsing it discovered.

    :param obj_name: model name for error messages.
    :param symbols: name → SymPy symbol of every attribute, constant, ``t`` and ``dt``.
    :param bool_names: names of boolean attributes (used as conditions without ``!= 0``).
    :param functions: name → (argument names, body text) of user functions.
    :param allow_globals: whether ``min/max/mean/norm1/norm2(x)`` are allowed.
    :param local_names: names whose global reduction makes sense (local variables).
    """

    obj_name: str
    symbols: dict
    bool_names: set = field(default_factory=set)
    functions: dict = field(default_factory=dict)
    allow_globals: bool = True
    local_names: set = field(default_factory=set)
    targets: list = field(default_factory=list)
    global_ops: dict = field(default_factory=dict)
    random_draws: list = field(default_factory=list)
    constant_names: set = field(default_factory=set)
    special: dict = field(default_factory=dict)  # extra call handlers: name -> f(ctx, args, line)
    prefixes: dict = field(default_factory=dict)  # 'pre'/'post' -> {attribute name: locality}
    neuron_refs: dict = field(default_factory=dict)  # symbol name -> NeuronRef
    _function_cache: dict = field(default_factory=dict)

    def symbol(self, name):
        return self.symbols.setdefault(name, sp.Symbol(name, real=True))

    def sum_symbol(self, target):
        if target not in self.targets:
            self.targets.append(target)
        return self.symbol(f"_sum_{target}")

    def global_symbol(self, op, variable):
        name = f"_{op}_{variable}"
        self.global_ops.setdefault(name, GlobalOp(name, op, variable))
        return self.symbol(name)

    def neuron_symbol(self, side, key, per_neuron, op=None):
        """Symbol of a pre-/postsynaptic value (``pre.r`` → ``_pre_r``)."""
        name = f"_{side}_{key}"
        self.neuron_refs.setdefault(name, NeuronRef(name, side, key, per_neuron, op))
        return self.symbol(name)

    def random_symbol(self, kind, args=()):
        name = f"_rand_{len(self.random_draws)}"
        self.random_draws.append(RandomDraw(name, kind, tuple(args)))
        return self.symbol(name)


def model_symbols(obj_name, attributes, constants=()):
    """Symbols of a model's attributes, ``t``, ``dt`` and the global Constants (an attribute of
    the same name hides a Constant); ``t``/``dt`` cannot be attribute names."""
    symbols = {name: sp.Symbol(name, real=True) for name in attributes}
    for name in ("t", "dt"):
        if name in symbols:
            raise ParserError(f"'{name}' is a reserved name (time, time step); rename the attribute", obj_name)
        symbols[name] = sp.Symbol(name, real=True)
    for name in constants:
        symbols.setdefault(name, sp.Symbol(name, real=True))
    return symbols


def parse_expression(text, ctx, line=None):
    """SymPy expression of ``text`` in context ``ctx`` (``line`` is quoted in errors)."""
    line = line or text
    try:
        # '^' is a power in the equation language (Python's xor binds too loosely)
        tree = ast.parse(text.strip().replace("^", "**"), mode="eval")
    except SyntaxError as err:
        raise ParserError(f"syntax error in '{text.strip()}' ({err.msg})", ctx.obj_name, line) from None
    return _Converter(ctx, line).convert(tree.body)


def as_condition(expr):
    """``expr`` as a SymPy boolean (numbers and variables become ``expr != 0``)."""
    if isinstance(expr, (sp.logic.boolalg.Boolean, sp.core.relational.Relational)):
        return expr
    return sp.Ne(expr, 0)


class _Converter:
    _BINOPS = {
        ast.Add: lambda a, b: a + b,
        ast.Sub: lambda a, b: a - b,
        ast.Mult: lambda a, b: a * b,
        ast.Div: lambda a, b: a / b,
        ast.Pow: lambda a, b: a**b,
        ast.BitXor: lambda a, b: a**b,  # as in SymPy's parser: '^' is a power
        ast.Mod: CFmod,
    }
    _CMPOPS = {
        ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge,
        ast.Eq: sp.Eq, ast.NotEq: sp.Ne, ast.Is: sp.Eq, ast.IsNot: sp.Ne,
    }

    def __init__(self, ctx, line):
        self.ctx = ctx
        self.line = line

    def error(self, message):
        return ParserError(message, self.ctx.obj_name, self.line)

    def convert(self, node):
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise self.error(f"'{ast.unparse(node)}' is not allowed in an equation")
        return method(node)

    def _Constant(self, node):
        if isinstance(node.value, bool):
            return sp.true if node.value else sp.false
        if isinstance(node.value, int):
            return sp.Integer(node.value)
        if isinstance(node.value, float):
            return sp.Float(node.value)
        raise self.error(f"'{node.value!r}' is not a number")

    def _Name(self, node):
        name = node.id
        if name in ("True", "true"):
            return sp.true
        if name in ("False", "false"):
            return sp.false
        if name == "pi":
            return sp.pi
        if name in self.ctx.symbols:
            return self.ctx.symbols[name]
        side = {"t_pre": "pre", "t_post": "post"}.get(name)
        if side is not None and side in self.ctx.prefixes:
            # time (ms) of the last spike of the pre-/postsynaptic neuron
            return self.ctx.neuron_symbol(side, "_t_last", True)
        raise self.error(
            f"unknown name '{name}': it is neither a parameter, a variable, a Constant "
            "nor a built-in ('t', 'dt', 'pi'); declare it in parameters= or equations="
        )

    def _prefixed(self, node):
        """``(side, name)`` of ``pre.x``/``post.x`` nodes, else None."""
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in self.ctx.prefixes:
            return node.value.id, node.attr
        return None

    def _Attribute(self, node):
        ref = self._prefixed(node)
        if ref is None:
            raise self.error(
                f"'{ast.unparse(node)}' is not allowed here; only pre.x and post.x refer to "
                "neuron variables, and only in synapses"
            )
        side, name = ref
        attrs = self.ctx.prefixes[side]
        if name not in attrs:
            raise self.error(
                f"'{side}.{name}': the {side}synaptic neuron has no attribute '{name}'"
                + (f"; it has {', '.join(sorted(attrs))}" if attrs else "")
            )
        return self.ctx.neuron_symbol(side, name, attrs[name] != "global")

    def _BinOp(self, node):
        op = self._BINOPS.get(type(node.op))
        if op is None:
            raise self.error(f"operator in '{ast.unparse(node)}' is not supported")
        return op(self.convert(node.left), self.convert(node.right))

    def _UnaryOp(self, node):
        value = self.convert(node.operand)
        if isinstance(node.op, ast.USub):
            return -value
        if isinstance(node.op, ast.UAdd):
            return value
        if isinstance(node.op, ast.Not):
            return sp.Not(as_condition(value))
        raise self.error(f"operator in '{ast.unparse(node)}' is not supported")

    def _BoolOp(self, node):
        values = [as_condition(self.convert(v)) for v in node.values]
        return sp.And(*values) if isinstance(node.op, ast.And) else sp.Or(*values)

    def _Compare(self, node):
        left = self.convert(node.left)
        parts = []
        for op, comp in zip(node.ops, node.comparators):
            right = self.convert(comp)
            rel = self._CMPOPS.get(type(op))
            if rel is None:
                raise self.error(f"comparison in '{ast.unparse(node)}' is not supported")
            parts.append(rel(left, right, evaluate=False))
            left = right
        return parts[0] if len(parts) == 1 else sp.And(*parts)

    def _IfExp(self, node):
        cond = as_condition(self.convert(node.test))
        return sp.Piecewise((self.convert(node.body), cond), (self.convert(node.orelse), True))

    def _Call(self, node):
        ref = self._prefixed(node.func)
        if ref is not None and ref[1] == "sum":
            targets = self._sum_targets(node)
            return sp.Add(*[self.ctx.neuron_symbol(ref[0], f"_sum_{t}", True) for t in targets])
        if not isinstance(node.func, ast.Name):
            raise self.error(f"'{ast.unparse(node.func)}' is not a function name")
        name = node.func.id
        if node.keywords:
            raise self.error(f"keyword arguments are not supported in '{ast.unparse(node)}'")
        if name in self.ctx.special:
            return self.ctx.special[name](self, node.args)
        if name == "sum":
            return self._sum(node)
        if name in _GLOBAL_OPS and (len(node.args) == 1 or name in ("mean", "norm1", "norm2")):
            return self._global(name, node)
        if name in _DISTRIBUTIONS:
            return self._distribution(name, node)
        args = [self.convert(a) for a in node.args]
        if name == "ite":
            if len(args) != 3:
                raise self.error("ite() takes three arguments: ite(condition, if_true, if_false)")
            return sp.Piecewise((args[1], as_condition(args[0])), (args[2], True))
        if name in ("min", "max"):
            if len(args) != 2:
                raise self.error(f"{name}() takes one variable (global operation) or two values")
            return sp.Min(*args) if name == "min" else sp.Max(*args)
        if name in self.ctx.functions:
            return self._user_function(name, args)
        if name in MATH_FUNCTIONS:
            try:
                return MATH_FUNCTIONS[name](*args)
            except TypeError:
                raise self.error(f"wrong number of arguments for {name}()") from None
        raise self.error(
            f"unknown function '{name}()'; declare it with add_function() or functions=, "
            "or use one of the built-in math functions"
        )

    def _sum(self, node):
        return sp.Add(*[self.ctx.sum_symbol(n) for n in self._sum_targets(node)])

    def _sum_targets(self, node):
        names = []
        for arg in node.args:
            if not isinstance(arg, ast.Name):
                raise self.error("sum() takes target names, e.g. sum(exc)")
            names.append(arg.id)
        if not names:
            raise self.error("sum() needs a target name, e.g. sum(exc)")
        return names

    def _global(self, op, node):
        if not self.ctx.allow_globals:
            raise self.error(f"the global operation {op}() cannot be used here")
        ref = self._prefixed(node.args[0]) if len(node.args) == 1 else None
        if ref is not None:
            side, var = ref
            if self.ctx.prefixes[side].get(var) != "local":
                raise self.error(f"{op}({side}.{var}): '{var}' is not a per-neuron variable of the {side}synaptic neuron")
            key = f"_{op}_{var}"
            return self.ctx.neuron_symbol(side, key, False, GlobalOp(key, op, var))
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Name):
            raise self.error(f"{op}() takes the name of a variable, e.g. {op}(r)")
        var = node.args[0].id
        if var not in self.ctx.local_names:
            raise self.error(f"{op}({var}): '{var}' is not a local variable or parameter")
        return self.ctx.global_symbol(op, var)

    def _distribution(self, name, node):
        args = [self.convert(a) for a in node.args]
        expected = {"Uniform": 2, "Normal": 2, "LogNormal": 2, "Exponential": 1, "Gamma": 2,
                    "DiscreteUniform": 2, "Binomial": 2}[name]
        if len(args) != expected:
            raise self.error(f"{name}() takes exactly {expected} argument(s) inside an equation, got {len(args)}")
        ctx = self.ctx
        if name == "Uniform":
            a, b = args
            return a + (b - a) * ctx.random_symbol("uniform")
        if name == "DiscreteUniform":
            a, b = args
            return sp.floor(a + (b - a + 1) * ctx.random_symbol("uniform"))
        if name == "Normal":
            mu, sigma = args
            return mu + sigma * ctx.random_symbol("normal")
        if name == "LogNormal":
            mu, sigma = args
            return sp.exp(mu + sigma * ctx.random_symbol("normal"))
        if name == "Exponential":
            (lam,) = args
            return -sp.log(1 - ctx.random_symbol("uniform")) / lam
        values = []
        for a in args:
            if not a.is_number:
                raise self.error(f"{name}() in an equation needs numeric arguments")
            values.append(float(a))
        if name == "Gamma":  # shape k, scale theta
            return ctx.random_symbol("gamma", values)
        return ctx.random_symbol("binomial", (int(values[0]), values[1]))

    def _user_function(self, name, args):
        params, body = self.ctx.functions[name]
        if len(args) != len(params):
            raise self.error(f"{name}() takes {len(params)} arguments, got {len(args)}")
        key = name
        if key not in self.ctx._function_cache:
            dummies = {p: sp.Symbol(f"_arg_{name}_{p}", real=True) for p in params}
            known = {c: self.ctx.symbols[c] for c in self.ctx.constant_names}
            sub_ctx = ExpressionContext(
                self.ctx.obj_name, {**known, **dummies}, functions=self.ctx.functions,
                allow_globals=False, constant_names=self.ctx.constant_names,
            )
            expr = parse_expression(body, sub_ctx, line=f"{name}({', '.join(params)}) = {body}")
            self.ctx._function_cache[key] = (expr, [dummies[p] for p in params])
        expr, dummies = self.ctx._function_cache[key]
        return expr.xreplace(dict(zip(dummies, args)))
