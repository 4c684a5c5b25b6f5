"""LaTeX of model names and equations, for :func:`annarray.report`.

The equations are parsed with SymPy by the same parser as ``compile()`` (so the report
shows what is simulated: ODEs solved for ``dx/dt``, ``if`` blocks as cases), with two
differences that keep them readable: random distributions stay calls (``\\mathcal{N}(0,
1)``) instead of per-step draws, and user functions stay calls instead of being expanded.

Names follow the manual's rules: a one-letter name is a mathematical variable (``v``), a
Greek letter's name its letter (``tau`` → ``\\tau``), ``base_sub`` a subscript
(``tau_exc`` → ``\\tau_{\\text{exc}}``) and anything else upright text.
"""

import re
from dataclasses import dataclass, field

import sympy as sp
from sympy.printing.latex import LatexPrinter

from annarray.errors import AnnarrayError
from annarray.parser.equations import parse_assignments, parse_condition, parse_equations
from annarray.parser.expressions import ExpressionContext, model_symbols, parse_expression
from annarray.parser.statements import IfBlock, split_statements

__all__ = ["latex_name", "tex_escape", "RenderedEquation", "RenderedModel", "render_neuron",
           "render_synapse", "render_function"]

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
    "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi",
    "Omega", "varepsilon", "vartheta", "varphi", "varrho", "varsigma",
}
_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}
_DISTRIBUTIONS = {
    "Uniform": r"\mathcal{U}", "Normal": r"\mathcal{N}", "LogNormal": r"\log\mathcal{N}",
    "Exponential": r"\operatorname{Exp}", "Gamma": r"\Gamma", "DiscreteUniform": r"\mathcal{U}_{\mathbb{Z}}",
    "Binomial": r"\mathcal{B}",
}
_OPERATORS = {"+=": r"\mathrel{+}=", "-=": r"\mathrel{-}=", "*=": r"\mathrel{*}=", "/=": r"\mathrel{/}="}


def tex_escape(text):
    """``text`` with LaTeX's special characters escaped (for names in text mode)."""
    return "".join(_TEX_SPECIAL.get(c, c) for c in str(text))


def _text(name):
    return r"\text{" + tex_escape(name) + "}"


def _base(name):
    if name in _GREEK:
        return "\\" + name
    if len(name) == 1:
        return name
    return _text(name)


def latex_name(name):
    """LaTeX (math mode) of an attribute name: ``v``, ``\\tau``, ``\\tau_{\\text{exc}}``."""
    parts = name.split("_")
    if len(parts) == 2 and all(parts):
        base, sub = parts
        sub = sub if len(sub) == 1 or sub.isdigit() else _text(sub)
        return f"{_base(base)}_{{{sub}}}"
    if len(parts) == 1:
        return _base(name)
    return _text(name)


def _placeholder_latex(name, refs):
    """LaTeX of the parser's internal symbols (``_sum_exc``, ``_pre_r``…), or None."""
    if name in refs:
        ref = refs[name]
        side = r"^{\text{" + ref.side + "}}"
        if ref.key == "_t_last":
            return r"t_{\text{" + ref.side + "}}"
        if ref.key.startswith("_sum_"):
            return r"\operatorname{sum}" + side + r"(\text{" + tex_escape(ref.key[5:]) + "})"
        if ref.op is not None:
            return rf"\operatorname{{{ref.op.op}}}({latex_name(ref.op.variable)}{side})"
        return "{" + latex_name(ref.key) + "}" + side
    m = re.fullmatch(r"_sum_(\w+)", name)
    if m:
        return r"\operatorname{sum}(\text{" + tex_escape(m.group(1)) + "})"
    m = re.fullmatch(r"_(min|max|mean|norm1|norm2)_(\w+)", name)
    if m:
        return rf"\operatorname{{{m.group(1)}}}({latex_name(m.group(2))})"
    return {"_t_last": r"t_{\text{last}}", "dt": r"\Delta t", "g_target": r"g_{\text{target}}"}.get(name)


class _Printer(LatexPrinter):
    """SymPy's LaTeX printer with our names for symbols, distributions and functions."""

    def __init__(self, names):
        super().__init__({"mul_symbol": "dot"})
        self._names = names

    def _print_Symbol(self, expr, style="plain"):
        name = self._names.get(expr.name)
        return name if name is not None else latex_name(expr.name)

    def _print_Function(self, expr, exp=None):
        fname = type(expr).__name__
        if fname in _DISTRIBUTIONS or fname in ("CFmod",) or getattr(expr, "_report_call", False):
            head = _DISTRIBUTIONS.get(fname) or (r"\operatorname{mod}" if fname == "CFmod"
                                                 else r"\operatorname{" + tex_escape(fname) + "}")
            args = ", ".join(self._print(a) for a in expr.args)
            text = rf"{head}\left({args}\right)"
            return text if exp is None else rf"{text}^{{{exp}}}"
        return super()._print_Function(expr, exp)


def _call_handler(name):
    """Parser hook keeping ``name(args)`` as an undefined SymPy function."""
    func = sp.Function(name)
    func._report_call = True

    def handler(converter, args):
        return func(*[converter.convert(a) for a in args])

    return handler


@dataclass
class RenderedEquation:
    """One equation in LaTeX: ``left`` ``relation`` ``right`` (e.g. ``\\frac{dv}{dt}``, ``=``)."""

    target: str
    left: str
    relation: str
    right: str
    kind: str = "assignment"

    @property
    def latex(self):
        return f"{self.left} {self.relation} {self.right}"


@dataclass
class RenderedModel:
    """The LaTeX of a neuron or synapse type's equations (empty lists where absent).

    ``error`` holds the parser's message when the model text could not be parsed (the
    report then shows the text as written).
    """

    equations: list = field(default_factory=list)
    spike: str = None
    reset: list = field(default_factory=list)
    psp: str = None
    pre_spike: list = field(default_factory=list)
    post_spike: list = field(default_factory=list)
    functions: list = field(default_factory=list)
    error: str = None


def _context(obj_name, attributes, constants, functions, prefixes=None):
    symbols = model_symbols(obj_name, attributes, constants)
    special = {name: _call_handler(name) for name in list(_DISTRIBUTIONS) + list(functions)}
    return ExpressionContext(
        obj_name, symbols,
        bool_names={n for n, a in attributes.items() if a.ctype == "bool"},
        functions={}, local_names={n for n, a in attributes.items() if a.locality == "local"},
        constant_names=set(constants) - set(attributes), special=special, prefixes=prefixes or {},
    )


class _Renderer:
    """Parses model strings in one context and prints them with one name table."""

    def __init__(self, ctx):
        self.ctx = ctx

    def latex(self, expr):
        names = {}
        for name in self.ctx.symbols:
            special = _placeholder_latex(name, self.ctx.neuron_refs)
            if special is not None:
                names[name] = special
        return _Printer(names).doprint(expr)

    def equations(self, text, attributes, assignments_only=False):
        parsed = parse_assignments(text, self.ctx) if assignments_only else \
            parse_equations(text, self.ctx, attributes)
        return [self._equation(eq) for eq in parsed]

    def _equation(self, eq):
        target = self.latex(self.ctx.symbols.get(eq.target, sp.Symbol(eq.target)))
        if eq.kind == "ode":
            return RenderedEquation(eq.target, rf"\frac{{d{target}}}{{dt}}", "=", self.latex(eq.rhs), "ode")
        op, right = _compound(eq.text, eq.target)
        if op is not None:
            value = parse_expression(right, self.ctx, eq.text)
            return RenderedEquation(eq.target, target, _OPERATORS[op], self.latex(value))
        return RenderedEquation(eq.target, target, "=", self.latex(eq.rhs))


def _compound(text, target):
    """``(op, right)`` of a compound assignment line ``x += …`` defining ``target``."""
    try:
        items = split_statements(text)
    except AnnarrayError:
        return None, None
    if len(items) != 1 or isinstance(items[0], IfBlock):
        return None, None
    stmt = items[0]
    if stmt.op in _OPERATORS and stmt.target == target:
        return stmt.op, stmt.right
    return None, None


def render_neuron(neuron, constants, functions):
    """:class:`RenderedModel` of a :class:`~annarray.core.neuron.Neuron`.

    :param constants: names of the global Constants.
    :param functions: name → (arguments, body) of the global and local functions.
    """
    attributes = neuron.attributes
    try:
        ctx = _context(neuron.name, attributes, constants, functions)
        if neuron.spike:
            ctx.symbols["t_last"] = ctx.symbols["t_last_spike"] = sp.Symbol("_t_last", real=True)
        renderer = _Renderer(ctx)
        model = RenderedModel(equations=renderer.equations(neuron.equations, attributes))
        if neuron.spike:
            model.spike = renderer.latex(parse_condition(neuron.spike, ctx))
            model.reset = renderer.equations(neuron.reset, attributes, True) if neuron.reset else []
    except AnnarrayError as err:
        return RenderedModel(error=str(err))
    return model


def render_synapse(synapse, pre_neuron, post_neuron, constants, functions):
    """:class:`RenderedModel` of a :class:`~annarray.core.synapse.Synapse` between two neuron
    types (``pre.x``/``post.x`` need them; None where unknown)."""
    prefixes = {side: {n: a.locality for n, a in neuron.attributes.items()} if neuron is not None else {}
                for side, neuron in (("pre", pre_neuron), ("post", post_neuron))}
    attributes = synapse.attributes
    spiking = synapse.type == "spike" or (pre_neuron is not None and pre_neuron.type == "spike"
                                           and synapse.psp is None)
    try:
        ctx = _context(synapse.name, attributes, constants, functions, prefixes)
        ctx.symbols["g_target"] = sp.Symbol("g_target", real=True)
        renderer = _Renderer(ctx)
        model = RenderedModel(equations=renderer.equations(synapse.equations, attributes))
        if spiking:
            model.pre_spike = renderer.equations(synapse.pre_spike or "g_target += w", attributes, True)
            if synapse.post_spike:
                model.post_spike = renderer.equations(synapse.post_spike, attributes, True)
        else:
            model.psp = renderer.latex(parse_expression(synapse.psp or "w * pre.r", ctx))
    except AnnarrayError as err:
        return RenderedModel(error=str(err))
    return model


def render_function(name, arguments, body, constants, functions):
    """LaTeX of a function definition ``f(x, y) = body``."""
    from annarray.parser.declarations import Attribute

    attributes = {a: Attribute(a, "parameter", "local", "double", 0.0) for a in arguments}
    others = {k: v for k, v in functions.items() if k != name}
    ctx = _context(name, attributes, constants, others)
    renderer = _Renderer(ctx)
    try:
        value = renderer.latex(parse_expression(body, ctx))
    except AnnarrayError as err:
        return r"\text{" + tex_escape(f"{name}({', '.join(arguments)}) = {body}") + "}", str(err)
    call = r"\operatorname{" + tex_escape(name) + r"}\left(" + ", ".join(latex_name(a) for a in arguments) + r"\right)"
    return f"{call} = {value}", None
