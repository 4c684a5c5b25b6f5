"""Kernel expressions (numexpr text) → scalar Python expressions for a compiled loop body.

The CPU JIT (:mod:`annarray.codegen.jit_population`) fuses a population's kernels into one
loop over the neurons, compiled by numba. Inside the loop every operand is one number, so the
numexpr text of each kernel is rewritten as a scalar expression:

* names are replaced by the loop's local variables (``rename``);
* ``where(c, a, b)`` becomes ``(a if c else b)``;
* ``~`` (numexpr's logical negation) becomes ``not``; ``&`` and ``|`` stay, applied to
  truth values (no short-circuit branch, so that conditions vectorise);
* math functions become NumPy's scalar functions (``np.exp``…), which numba compiles.

The operations are kept in the written order (no re-association), so the loop computes the
same IEEE operations as the expression text.
"""

import ast

from annarray.errors import CompilationError

__all__ = ["scalar_expression"]

_FUNCS = {
    "exp", "log", "sqrt", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh",
    "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "abs", "floor", "ceil", "log10", "log1p",
    "expm1",
}


class _ToScalar(ast.NodeTransformer):
    def __init__(self, rename):
        self.rename = rename

    def visit_Name(self, node):
        if node.id in ("True", "False"):
            return ast.Constant(node.id == "True")
        if node.id not in self.rename:
            raise CompilationError(f"kernel expression: unknown name '{node.id}'")
        return ast.Name(self.rename[node.id], ast.Load())

    def visit_Call(self, node):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        args = [self.visit(a) for a in node.args]
        if name == "where" and len(args) == 3:
            return ast.IfExp(args[0], args[1], args[2])
        if name in _FUNCS:
            return ast.Call(ast.Attribute(ast.Name("np", ast.Load()), name, ast.Load()), args, [])
        raise CompilationError(f"kernel expression: cannot translate the call '{ast.unparse(node)}'")

    def visit_BinOp(self, node):
        return ast.BinOp(self.visit(node.left), node.op, self.visit(node.right))

    def visit_UnaryOp(self, node):
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.Invert):
            return ast.UnaryOp(ast.Not(), operand)
        return ast.UnaryOp(node.op, operand)


class _Hoister:
    """Moves the sub-expressions that read only population-wide values out of the loop.

    ``hoist(text)`` stores ``text`` in a variable computed once per call and returns its
    name. Chains of products and of sums are flattened so that their scalar factors (terms)
    combine first: ``0.1 * x / tau`` becomes ``c * x`` with ``c = 0.1 / tau`` computed
    once, as the NumPy path does; this re-associates floating-point operations (results may
    differ in the last bits from the written order).
    """

    def __init__(self, is_scalar_name, hoist):
        self.is_scalar_name = is_scalar_name
        self.hoist = hoist

    def scalar(self, node):
        """Whether ``node`` reads no per-neuron value."""
        if isinstance(node, ast.Name):
            return self.is_scalar_name(node.id)
        if isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Attribute):
            return True  # np.exp … as the callee of a call
        return all(self.scalar(c) for c in ast.iter_child_nodes(node) if not isinstance(c, (ast.operator, ast.unaryop,
                                                                                          ast.boolop, ast.cmpop)))

    def lift(self, node):
        """``node`` as a hoisted variable when it is a scalar computation."""
        literal = isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant)  # -1.0
        if isinstance(node, (ast.Name, ast.Constant)) or literal or not self.scalar(node):
            return node
        return ast.Name(self.hoist(ast.unparse(node)), ast.Load())

    def visit(self, node):
        if self.scalar(node):
            return node  # hoisted by the caller, as a whole
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            return self._chain(node, (ast.Mult, ast.Div), ast.Mult(), ast.Div(), 1.0)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            return self._chain(node, (ast.Add, ast.Sub), ast.Add(), ast.Sub(), 0.0)
        for name, value in ast.iter_fields(node):
            if isinstance(value, ast.expr):
                setattr(node, name, self.lift(self.visit(value)))
            elif isinstance(value, list):
                setattr(node, name, [self.lift(self.visit(v)) if isinstance(v, ast.expr) else v for v in value])
        return node

    def _chain(self, node, ops, direct, inverse, unit):
        items = []
        _flatten(node, ops, items, False)
        scalars = [(inv, f) for inv, f in items if self.scalar(f)]
        others = [(inv, self.lift(self.visit(f))) for inv, f in items if not self.scalar(f)]
        if not scalars:
            return _rebuild(others, direct, inverse, unit)
        coef = self.lift(_rebuild(scalars, direct, inverse, unit))
        return _rebuild([(False, coef)] + others, direct, inverse, unit)


def _flatten(node, ops, out, inverted):
    """Operands of a chain of ``ops`` (``+``/``-`` or ``*``/``/``) with their inversion."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ops):
        _flatten(node.left, ops, out, inverted)
        second = isinstance(node.op, (ast.Sub, ast.Div))
        _flatten(node.right, ops, out, inverted != second)
        return
    out.append((inverted, node))


def _rebuild(items, direct, inverse, unit):
    result = None
    for inv, f in items:
        if result is None:
            result = ast.BinOp(ast.Constant(unit), inverse, f) if inv else f
        else:
            result = ast.BinOp(result, inverse if inv else direct, f)
    return result


def scalar_expression(source, rename, is_scalar_name=None, hoist=None):
    """Python text of the numexpr expression ``source`` on scalars.

    :param rename: every name of the expression → the variable holding its value.
    :param is_scalar_name: with ``hoist``: whether a renamed variable holds a population-wide
        value; the sub-expressions of such values are then computed once (see :class:`_Hoister`).
    :param hoist: ``text → name`` of a variable computed once before the loop.
    """
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as err:
        raise CompilationError(f"kernel expression '{source}' is not valid: {err.msg}") from None
    body = _ToScalar(rename).visit(tree.body)
    if hoist is not None:
        hoister = _Hoister(is_scalar_name, hoist)
        body = hoister.lift(hoister.visit(body))
    return ast.unparse(ast.fix_missing_locations(body))
