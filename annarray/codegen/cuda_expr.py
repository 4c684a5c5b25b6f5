"""Kernel expressions (numexpr text) → C expressions for the CUDA kernels.

The GPU backend generates its kernels from the same description as the CPU's: the numexpr
text of each :class:`~annarray.codegen.code.KernelSpec`. Inside a CUDA kernel every operand is
one number of one element, so the text is rewritten as a C expression:

* names become the kernel's local variables (``rename``);
* numbers become literals of the state type (``1.5`` or ``1.5f``), so that single precision
  kernels compute in single precision and integer literals never divide as integers;
* the operands of ``/``, ``%``, ``**`` and of math functions go through ``ann_num`` (shared
  header), which turns integers into ``double`` (as numexpr does) and booleans into
  ``ann_real`` and leaves floating-point values as they are, so that ``/`` is true division
  and a double value (the time ``t``) is not rounded to float in single precision;
* ``a % b`` is the floored modulo of numexpr (``a - b * floor(a / b)``, not C's ``fmod``),
  ``a ** k`` a product for k = 2, 3 and ``pow`` otherwise;
* ``where(c, a, b)`` becomes ``(c ? a : b)``, ``~`` logical negation, ``&``/``|`` the logical
  operators (their operands are truth values);
* math functions become CUDA's (``arcsin`` → ``asin``, ``abs`` → ``fabs``…).

Every sub-expression is parenthesised, so C's precedence never regroups the written order.
"""

import ast

from annarray.errors import CompilationError

__all__ = ["c_expression", "c_literal"]

_FUNCS = {
    "exp": "exp", "log": "log", "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tan": "tan",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arctan2": "atan2", "sinh": "sinh",
    "cosh": "cosh", "tanh": "tanh", "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh",
    "abs": "fabs", "floor": "floor", "ceil": "ceil", "log10": "log10", "log1p": "log1p",
    "expm1": "expm1",
}

_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}


def c_literal(value, real="double"):
    """``value`` as a C literal of type ``real`` ('double' or 'float'); booleans as true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(float(value))
    if text in ("inf", "-inf", "nan"):
        raise CompilationError(f"kernel expression: the constant {text} has no literal; use a parameter")
    if "e" not in text and "." not in text:
        text += ".0"
    return text + ("f" if real == "float" else "")


class _Printer:
    def __init__(self, rename, real):
        self.rename = rename
        self.real = real

    def print(self, node):
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise CompilationError(f"kernel expression: cannot translate '{ast.unparse(node)}' to C")
        return method(node)

    def _Constant(self, node):
        if isinstance(node.value, (bool, int, float)):
            return c_literal(node.value, self.real)
        raise CompilationError(f"kernel expression: unexpected constant {node.value!r}")

    def _Name(self, node):
        if node.id in ("True", "False"):
            return "true" if node.id == "True" else "false"
        if node.id not in self.rename:
            raise CompilationError(f"kernel expression: unknown name '{node.id}'")
        return self.rename[node.id]

    def _BinOp(self, node):
        a, b = self.print(node.left), self.print(node.right)
        op = type(node.op)
        if op in _ARITH:
            return f"({a} {_ARITH[op]} {b})"
        if op is ast.Div:
            return f"(ann_num({a}) / ann_num({b}))"
        if op is ast.Mod:
            return f"(ann_num({a}) - ann_num({b}) * floor(ann_num({a}) / ann_num({b})))"
        if op is ast.Pow:
            exponent = node.right
            if isinstance(exponent, ast.Constant) and exponent.value in (2, 3, 2.0, 3.0):
                return "(" + " * ".join([f"ann_num({a})"] * int(exponent.value)) + ")"
            return f"pow(ann_num({a}), ann_num({b}))"
        if op is ast.BitAnd:
            return f"({a} && {b})"
        if op is ast.BitOr:
            return f"({a} || {b})"
        raise CompilationError(f"kernel expression: operator of '{ast.unparse(node)}' has no C translation")

    def _UnaryOp(self, node):
        operand = self.print(node.operand)
        if isinstance(node.op, (ast.Invert, ast.Not)):
            return f"(!{operand})"
        if isinstance(node.op, ast.USub):
            return f"(-{operand})"
        return operand

    def _Compare(self, node):
        if len(node.ops) != 1:
            raise CompilationError(f"kernel expression: chained comparison '{ast.unparse(node)}'")
        op = _COMPARE.get(type(node.ops[0]))
        if op is None:
            raise CompilationError(f"kernel expression: comparison of '{ast.unparse(node)}' has no C translation")
        return f"({self.print(node.left)} {op} {self.print(node.comparators[0])})"

    def _BoolOp(self, node):
        op = " && " if isinstance(node.op, ast.And) else " || "
        return "(" + op.join(self.print(v) for v in node.values) + ")"

    def _Call(self, node):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        args = [self.print(a) for a in node.args]
        if name == "where" and len(args) == 3:
            return f"({args[0]} ? {args[1]} : {args[2]})"
        if name in _FUNCS:
            return f"{_FUNCS[name]}(" + ", ".join(f"ann_num({a})" for a in args) + ")"
        raise CompilationError(f"kernel expression: cannot translate the call '{ast.unparse(node)}' to C")


def c_expression(source, rename, real="double"):
    """C text of the numexpr expression ``source`` on one element.

    :param rename: every name of the expression → the C variable holding its value.
    :param real: 'double' or 'float', the type of literals.
    """
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as err:
        raise CompilationError(f"kernel expression '{source}' is not valid: {err.msg}") from None
    return _Printer(rename, real).print(tree.body)
