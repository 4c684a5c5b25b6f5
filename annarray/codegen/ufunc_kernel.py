"""Kernel expressions (numexpr text) → a Python function of in-place ``xp`` ufunc calls.

On small arrays (a few thousand neurons or synapses) a chain of NumPy ufuncs writing into
preallocated scratch arrays (``out=``) costs about 1 µs per operation, several times less
than one numexpr call (whose fixed cost and per-element speed lose below ~10^5 elements).
This module compiles the kernel text once per *binding* — it knows then which arguments are
population-wide scalars (0-d arrays) and which one is the output — into straight-line
Python code:

* scalar sub-expressions (parameters, constants) are computed on the scalars, so that a
  ``dt / tau`` costs one scalar division and no array pass;
* sums and products are flattened; their scalar terms and factors are combined first, and
  terms ``c1 * x + c2 * x`` of the same array are merged (``g + (-dt/tau) * g`` becomes one
  multiplication ``g * (1 - dt/tau)``). This re-associates floating-point operations, so
  results may differ from the written order in the last bits;
* ``where(c, target, b)`` (the refractory and reset pattern) writes ``b`` into the target
  where ``c`` is false only.

Only names of the ``xp`` namespace that NumPy and CuPy share are emitted.
"""

import ast
import itertools
from dataclasses import dataclass

from annarray.errors import CompilationError

__all__ = ["UfuncProgram"]

_CALLS = {
    "exp": "exp", "log": "log", "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tan": "tan",
    "arcsin": "arcsin", "arccos": "arccos", "arctan": "arctan", "arctan2": "arctan2",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "arcsinh": "arcsinh",
    "arccosh": "arccosh", "arctanh": "arctanh", "abs": "absolute", "floor": "floor",
    "ceil": "ceil", "log10": "log10", "log1p": "log1p", "expm1": "expm1",
}
_COMPARE = {ast.Lt: "less", ast.LtE: "less_equal", ast.Gt: "greater", ast.GtE: "greater_equal",
            ast.Eq: "equal", ast.NotEq: "not_equal"}
_NEGATED = {ast.Lt: ast.GtE, ast.LtE: ast.Gt, ast.Gt: ast.LtE, ast.GtE: ast.Lt,
            ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
_PY_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


@dataclass
class _Value:
    """An operand in the generated code: ``text`` is a Python expression (a name or a
    literal); ``array`` whether it is an element-wise array (else a scalar); ``boolean``
    whether it holds truth values; ``temp`` whether it is a scratch array we may reuse."""

    text: str
    array: bool
    boolean: bool = False
    temp: bool = False


class _Emitter:
    """Straight-line code for one expression: ``lines``, scratch arrays ``temps`` (name →
    'float' | 'bool')."""

    def __init__(self, arrays, booleans, target):
        self.arrays = arrays  # argument names bound to element-wise arrays
        self.booleans = booleans  # argument names holding booleans
        self.target = target  # argument names that alias the output
        self.lines = []
        self.temps = {}
        self._free = {"float": [], "bool": []}
        self._scalars = itertools.count()

    # -- scratch management ------------------------------------------------------------
    def temp(self, kind="float"):
        if self._free[kind]:
            return self._free[kind].pop()
        name = f"_t{len(self.temps)}"
        self.temps[name] = kind
        return name

    def release(self, *values):
        for v in values:
            if v.temp:
                self._free["bool" if v.boolean else "float"].append(v.text)

    def scalar(self, text):
        name = f"_s{next(self._scalars)}"
        self.lines.append(f"{name} = {text}")
        return _Value(name, False)

    def call(self, ufunc, args, boolean=False):
        """``xp.ufunc(*args, out=...)`` into a scratch array; releases the argument scratch
        arrays first (an element-wise ufunc may write into its own input)."""
        self.release(*{a.text: a for a in args}.values())
        dest = self.temp("bool" if boolean else "float")
        joined = ", ".join(a.text for a in args)
        self.lines.append(f"_xp.{ufunc}({joined}, out={dest})")
        return _Value(dest, True, boolean, temp=True)

    # -- expressions ---------------------------------------------------------------------
    def value(self, node):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                return _Value(repr(node.value), False, boolean=True)
            return _Value(repr(float(node.value)), False)
        if isinstance(node, ast.Name):
            if node.id in ("True", "False"):
                return _Value(node.id, False, boolean=True)
            return _Value(node.id, node.id in self.arrays, node.id in self.booleans)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            return self.sum(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            return self.product(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.Call):
            return self.function(node)
        raise CompilationError(f"kernel expression: cannot translate '{ast.unparse(node)}'")

    def sum(self, node):
        """A flattened sum: scalar terms combined first; terms that are the same array
        product up to scalar factors merged (``g + c*g`` → ``g * (1 + c)``)."""
        terms = []  # (sign, node)
        _flatten(node, (ast.Add, ast.Sub), terms, 1)
        scalars, grouped = [], {}
        for sign, sub in terms:
            factors = []
            _flatten(sub, (ast.Mult, ast.Div), factors, 1)
            arrays = [(p, f) for p, f in factors if not self._is_scalar(f)]
            if not arrays:
                scalars.append((sign, sub))
                continue
            coef = [(p, f) for p, f in factors if self._is_scalar(f)]
            key = tuple(sorted((p, ast.dump(f)) for p, f in arrays))
            grouped.setdefault(key, [arrays, []])[1].append((sign, coef))
        const = self._scalar_sum(scalars)
        positive, negative = [], []
        for arrays, coefs in grouped.values():
            coef = self._coef_sum(coefs)
            if coef.text == "1.0":
                positive.append(self._product(arrays))
            elif coef.text == "-1.0":
                negative.append(self._product(arrays))
            else:
                positive.append(self._product(arrays, coef))
        if not positive and not negative:
            return const
        if positive:
            acc = positive[0]
        elif const is not None:
            acc, const = self.call("subtract", [const, negative.pop(0)]), None
        else:
            acc = self.call("negative", [negative.pop(0)])
        for term in positive[1:]:
            acc = self.call("add", [acc, term])
        for term in negative:
            acc = self.call("subtract", [acc, term])
        return acc if const is None else self.call("add", [acc, const])

    def _scalar_sum(self, terms):
        if not terms:
            return None
        if len(terms) == 1 and terms[0][0] > 0:
            return self.value(terms[0][1])
        parts = []
        for sign, sub in terms:
            v = self.value(sub)
            parts.append(("-" if sign < 0 else "+") + f"({v.text})")
        return self.scalar(" ".join(parts))

    def _coef_sum(self, coefs):
        """The summed scalar coefficient of merged terms: ``coefs`` is a list of (sign,
        scalar factors as (power, node)); folded at compile time when all are numbers."""
        values = []
        for sign, factors in coefs:
            lits = [_literal(f) for _, f in factors]
            if all(v is not None for v in lits):
                value = float(sign)
                for (p, _), v in zip(factors, lits, strict=False):
                    value = value * v if p > 0 else value / v
                values.append(("lit", value))
            else:
                values.append(("expr", sign, self._scalar_product(factors)))
        if all(v[0] == "lit" for v in values):
            return _Value(repr(sum(v[1] for v in values)), False)
        parts = [repr(v[1]) if v[0] == "lit" else ("-" if v[1] < 0 else "+") + f"({v[2].text})" for v in values]
        return self.scalar(" + ".join(f"({t})" for t in parts))

    def _scalar_product(self, factors):
        num = [self.value(f).text for p, f in factors if p > 0]
        den = [self.value(f).text for p, f in factors if p < 0]
        text = " * ".join(f"({t})" for t in num) or "1.0"
        if den:
            text = f"{text} / (" + " * ".join(f"({t})" for t in den) + ")"
        return self.scalar(text)

    def product(self, node):
        """A flattened product: scalar factors combined into one coefficient."""
        factors = []  # (+1 numerator / -1 denominator, node)
        _flatten(node, (ast.Mult, ast.Div), factors, 1)
        arrays = [(p, f) for p, f in factors if not self._is_scalar(f)]
        scalars = [(p, f) for p, f in factors if self._is_scalar(f)]
        if not arrays:
            return self._scalar_product(scalars)
        coef = self._coef_sum([(1, scalars)]) if scalars else None
        return self._product(arrays, coef)

    def _product(self, arrays, coef=None):
        """The product of array factors ``arrays`` ((power ±1, node)) times scalar ``coef``."""
        acc = None
        for p, f in arrays:
            v = self.value(f)
            if acc is None:
                acc = v if p > 0 else self.call("true_divide", [coef or _Value("1.0", False), v])
                if p < 0:
                    coef = None
            else:
                acc = self.call("multiply" if p > 0 else "true_divide", [acc, v])
        if coef is not None and coef.text != "1.0":
            acc = self.call("negative", [acc]) if coef.text == "-1.0" else self.call("multiply", [acc, coef])
        return acc

    def binary(self, node):
        left, right = self.value(node.left), self.value(node.right)
        if isinstance(node.op, ast.Pow) and not right.array:
            exponent = _literal(node.right)
            if exponent == 2.0:
                return self.call("multiply", [left, left]) if left.array else self.scalar(f"({left.text}) ** 2")
            if exponent == 3.0 and left.array:
                square = self.call("multiply", [left, left]) if not left.temp else None
                if square is not None:
                    return self.call("multiply", [square, left])
        ops = {ast.Pow: ("power", "**"), ast.Mod: ("remainder", "%"), ast.BitAnd: ("logical_and", "and"),
               ast.BitOr: ("logical_or", "or")}
        kind = type(node.op)
        if kind not in ops:
            raise CompilationError(f"kernel expression: operator in '{ast.unparse(node)}'")
        ufunc, py = ops[kind]
        boolean = kind in (ast.BitAnd, ast.BitOr)
        if not left.array and not right.array and py is not None:
            return self.scalar(f"({left.text}) {py} ({right.text})")
        return self.call(ufunc, [left, right], boolean=boolean)

    def unary(self, node):
        v = self.value(node.operand)
        if isinstance(node.op, ast.USub):
            return self.call("negative", [v]) if v.array else self.scalar(f"-({v.text})")
        if isinstance(node.op, ast.UAdd):
            return v
        if isinstance(node.op, (ast.Invert, ast.Not)):
            return self.call("logical_not", [v], boolean=True) if v.array else self.scalar(f"not ({v.text})")
        raise CompilationError(f"kernel expression: operator in '{ast.unparse(node)}'")

    def compare(self, node, negate=False):
        if len(node.ops) != 1:
            raise CompilationError(f"kernel expression: chained comparison '{ast.unparse(node)}'")
        op = _NEGATED[type(node.ops[0])] if negate else type(node.ops[0])
        left, right = self.value(node.left), self.value(node.comparators[0])
        if not left.array and not right.array:
            v = self.scalar(f"({left.text}) {_PY_COMPARE[op]} ({right.text})")
            v.boolean = True
            return v
        return self.call(_COMPARE[op], [left, right], boolean=True)

    def function(self, node):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name == "where":
            return self.where(*node.args)
        if name not in _CALLS:
            raise CompilationError(f"kernel expression: unknown function '{name}'")
        args = [self.value(a) for a in node.args]
        if not any(a.array for a in args):
            return self.scalar(f"_xp.{_CALLS[name]}(" + ", ".join(a.text for a in args) + ")")
        return self.call(_CALLS[name], args)

    def where(self, cond, a, b):
        c = self.value(cond)
        va, vb = self.value(a), self.value(b)
        if not c.array:
            return self.scalar(f"({va.text}) if ({c.text}) else ({vb.text})") if not (va.array or vb.array) else \
                self._select_scalar_cond(c, va, vb)
        dest = self.temp("float")
        self.lines.append(f"_xp.copyto({dest}, {vb.text})")
        self.lines.append(f"_xp.copyto({dest}, {va.text}, where={c.text})")
        self.release(c, va, vb)
        return _Value(dest, True, temp=True)

    def _select_scalar_cond(self, c, va, vb):
        dest = self.temp("float")
        self.lines.append(f"_xp.copyto({dest}, ({va.text}) if ({c.text}) else ({vb.text}))")
        self.release(va, vb)
        return _Value(dest, True, temp=True)

    def _is_scalar(self, node):
        return all(not (isinstance(n, ast.Name) and n.id in self.arrays) for n in ast.walk(node)) and \
            not any(isinstance(n, ast.Call) and getattr(n.func, "id", "") == "where" for n in ast.walk(node))

    # -- the whole statement -------------------------------------------------------------
    def assign(self, tree):
        """Code computing ``tree`` into ``out``."""
        if isinstance(tree, ast.Call) and getattr(tree.func, "id", None) == "where" and len(tree.args) == 3:
            cond, a, b = tree.args
            if _is_target(a, self.target) and isinstance(cond, ast.Compare):
                return self._masked(self.compare(cond, negate=True), b)
            if _is_target(b, self.target):
                return self._masked(self.value(cond), a)
        result = self.value(tree)
        last = self.lines[-1] if self.lines else ""
        if result.temp and last.startswith("_xp.") and last.endswith(f", out={result.text})"):
            # the last operation wrote the scratch array: let it write the output instead
            self.lines[-1] = last[: last.rfind("out=")] + "out=out, casting='unsafe')"
            if not any(result.text in line for line in self.lines):
                self.temps.pop(result.text, None)
        else:
            self.lines.append(f"_xp.copyto(out, {result.text}, casting='unsafe')")

    def _masked(self, mask, node):
        """``out[mask] = node`` (where ``mask`` is an array) without touching the rest."""
        v = self.value(node)
        if not mask.array:
            self.lines.append(f"if {mask.text}: _xp.copyto(out, {v.text}, casting='unsafe')")
            return
        self.lines.append(f"_xp.copyto(out, {v.text}, where={mask.text}, casting='unsafe')")


def _flatten(node, ops, out, sign):
    """Terms (or factors) of a chain of ``ops`` as ``(sign, node)``; ``-x`` in a sum is a
    term of sign -1."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ops):
        _flatten(node.left, ops, out, sign)
        second = sign if isinstance(node.op, (ast.Add, ast.Mult)) else -sign
        _flatten(node.right, ops, out, second)
    elif ops[0] is ast.Add and isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        _flatten(node.operand, ops, out, -sign)
    else:
        out.append((sign, node))


def _reads_scalar(lines, name):
    """Whether ``name`` appears in a scalar statement (``_sK = ...``) of ``lines``."""
    import re

    pattern = re.compile(rf"\b{re.escape(name)}\b")
    return any(line.startswith("_s") and pattern.search(line) for line in lines)


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _literal(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and _literal(node.operand) is not None:
        return -_literal(node.operand)
    return None


def _is_target(node, target):
    return isinstance(node, ast.Name) and node.id in target


class UfuncProgram:
    """The kernel ``source`` compiled for one pattern of arguments.

    :param source: numexpr expression text (the CPU kernel language).
    :param arg_names: argument names, in call order.
    :param arrays: the names bound to element-wise arrays (the others are 0-d scalars).
    :param booleans: the names holding booleans.
    :param target: the names that are the output array itself.

    ``bind(xp, args, out)`` returns a no-argument function evaluating the expression into
    ``out`` (shape ``(n,)``) with scratch arrays allocated once; ``run(xp, args, out)``
    evaluates it once with fresh scratch arrays (for kernels on varying subsets).
    """

    def __init__(self, source, arg_names, arrays, booleans, target):
        self.source = source
        self.arg_names = tuple(arg_names)
        emitter = _Emitter(set(arrays), set(booleans), set(target))
        try:
            emitter.assign(ast.parse(source, mode="eval").body)
        except SyntaxError as err:
            raise CompilationError(f"kernel expression '{source}' cannot be compiled to ufuncs ({err})") from None
        self.temps = dict(emitter.temps)
        self.lines = list(emitter.lines)
        params = ", ".join(list(self.arg_names) + ["out"] + list(self.temps))
        # population-wide values (0-d arrays, changed in place by users) are read once per
        # call as Python numbers: scalar arithmetic on 0-d arrays costs a ufunc call each
        scalars = [f"{n} = {n}.item()" for n in self.arg_names if n not in arrays and _reads_scalar(self.lines, n)]
        body = "\n".join("    " + line for line in scalars + self.lines) or "    pass"
        self.text = f"def _kernel({params}):\n{body}\n"
        self._code = compile(self.text, f"<ufunc kernel: {source[:60]}>", "exec")
        self._functions = {}

    def _function(self, xp):
        func = self._functions.get(id(xp))
        if func is None:
            ns = {"_xp": xp}
            exec(self._code, ns)
            func = self._functions[id(xp)] = ns["_kernel"]
        return func

    def _scratch(self, xp, args, out):
        floats = [a.dtype for a in list(args) + [out] if a.dtype.kind == "f"]
        float_dtype = floats[0] if floats and all(d == floats[0] for d in floats) else xp.float64
        return [xp.empty(out.shape, dtype=bool if kind == "bool" else float_dtype) for kind in self.temps.values()]

    def bind(self, xp, args, out):
        func, scratch = self._function(xp), self._scratch(xp, args, out)
        return lambda: func(*args, out, *scratch)

    def run(self, xp, args, out):
        self._function(xp)(*args, out, *self._scratch(xp, args, out))
