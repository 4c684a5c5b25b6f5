"""Splitting model text into statements (no SymPy here).

A model string (``parameters=``, ``equations=``, ``spike=``, ``reset=``…) holds one
statement per line: ``left op right : flags``. Comments start with ``#``; a line ending
with ``\\`` continues on the next; ``;`` separates statements on one line; Python-style
``if cond:`` / ``elif cond:`` / ``else:`` blocks are kept as nested :class:`IfBlock` items.
"""

import re
from dataclasses import dataclass, field

from annarray.errors import ParserError

__all__ = ["Statement", "IfBlock", "split_statements", "split_flags", "parse_flags"]

_ASSIGN_RE = re.compile(r"(\+=|-=|\*=|/=|(?<![<>=!])=(?!=))")
_ODE_RE = re.compile(r"\bd\s*([A-Za-z_]\w*)\s*/\s*dt\b")


@dataclass
class Statement:
    """One ``left op right : flags`` line.

    :param text: the line as written (for error messages).
    :param left: left-hand side text; ``None`` for a bare condition (``spike=`` text).
    :param op: one of ``=``, ``+=``, ``-=``, ``*=``, ``/=`` (``None`` for a bare expression).
    :param right: right-hand side text.
    :param flags: the text after the colon ('' if none).
    """

    text: str
    left: str | None
    op: str | None
    right: str
    flags: str = ""

    @property
    def target(self):
        """Name of the variable this statement defines (``v`` for ``tau*dv/dt + v = I``)."""
        if self.left is None:
            return None
        m = _ODE_RE.search(self.left)
        if m:
            return m.group(1)
        return self.left.strip()

    @property
    def is_ode(self):
        return self.left is not None and _ODE_RE.search(self.left) is not None


@dataclass
class IfBlock:
    """``if cond: … elif …: … else: …`` — branches are (condition text or None, statements)."""

    text: str
    branches: list = field(default_factory=list)


def _logical_lines(text):
    """Yields (indent, stripped line) pairs after removing comments and joining continuations."""
    pending = ""
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        for part in line.strip().split(";"):
            if part.strip():
                yield indent, part.strip()
    if pending.strip():
        yield 0, pending.strip()


def _looks_like_flags(text):
    words = [part.split("=", 1)[0].strip() for part in _split_commas(text)]
    return any(w in _FLAG_WORDS or w in _FLAG_KEYS or w in ("any", "all") for w in words)


def split_flags(line):
    """Splits ``text : flags`` at the last colon outside brackets, when what follows it
    names at least one flag (otherwise the colon belongs to an ``if … : … else: …``)."""
    depth = 0
    for i in range(len(line) - 1, -1, -1):
        c = line[i]
        if c in ")]":
            depth += 1
        elif c in "([":
            depth -= 1
        elif c == ":" and depth == 0:
            if _looks_like_flags(line[i + 1 :]):
                return line[:i].strip(), line[i + 1 :].strip()
            break
    return line.strip(), ""


_RHS_IF_RE = re.compile(r"^[^=<>!]*(\+|-|\*|/)?=\s*if\b")


def conditional_to_ite(text):
    """``if c: a else: b`` (nested, on one line) → ``ite(c, a, b)``; other text unchanged."""
    text = text.strip()
    if not re.match(r"^if\b", text):
        return text
    depth, nesting, colon, orelse = 0, 0, None, None
    tokens = list(re.finditer(r"\(|\)|\bif\b|\belse\b|:", text))
    for m in tokens:
        tok = m.group(0)
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        elif depth:
            continue
        elif tok == "if":
            nesting += 1
        elif tok == ":" and colon is None and nesting == 1:
            colon = m.start()
        elif tok == "else":
            nesting -= 1
            if nesting == 0:
                orelse = m
                break
    if colon is None or orelse is None:
        raise ParserError(f"a conditional value is written 'if condition: a else: b', got '{text}'")
    rest = text[orelse.end():].strip()
    if not rest.startswith(":"):
        raise ParserError(f"'else' must be followed by ':' in '{text}'")
    cond = text[2:colon].strip()
    then = _branch_value(text[colon + 1 : orelse.start()])
    other = _branch_value(rest[1:])
    return f"ite({cond}, {then}, {other})"


def _branch_value(text):
    text = text.strip()
    if text.startswith("(") and text.endswith(")") and re.match(r"^\(\s*if\b", text):
        return conditional_to_ite(text[1:-1])
    return conditional_to_ite(text)


def parse_statement(line, obj_name=None, allow_bare=False):
    """Parses one line into a :class:`Statement`."""
    body, flags = split_flags(line)
    m = _ASSIGN_RE.search(body)
    if m is None:
        if allow_bare:
            return Statement(line, None, None, body, flags)
        raise ParserError(
            "expected 'name = expression' (or an ODE 'dx/dt = ...'); "
            "no assignment operator found",
            obj_name,
            line,
        )
    left, op, right = body[: m.start()].strip(), m.group(1), body[m.end() :].strip()
    if not left or not right:
        raise ParserError("one side of the equation is empty", obj_name, line)
    if re.match(r"^if\b", right):
        try:
            right = conditional_to_ite(right)
        except ParserError as err:
            raise ParserError(str(err), obj_name, line) from None
    return Statement(line, left, op, right, flags)


_IF_RE = re.compile(r"^(if|elif)\s+(.+):$")


def split_statements(text, obj_name=None, allow_bare=False):
    """Splits a model string into a list of :class:`Statement` and :class:`IfBlock` items."""
    if text is None:
        return []
    if not isinstance(text, str):
        raise ParserError(f"expected a string of equations, got {type(text).__name__}", obj_name)
    lines = _join_conditional_values(list(_logical_lines(text)))
    if not allow_bare:
        lines = _join_continuations(lines)
    items, i = [], 0
    while i < len(lines):  # a line indented less than the first starts a new top-level run
        block, i = _parse_block(lines, i, None, obj_name, allow_bare)
        items += block
    return items


def _join_continuations(lines):
    """A line with no assignment operator continues the previous statement (as in the
    reference, where a long right-hand side may be broken over several lines)."""
    joined = []
    for indent, line in lines:
        is_control = re.match(r"^(if|elif|else)\b", line) is not None
        if joined and not is_control and _ASSIGN_RE.search(split_flags(line)[0]) is None:
            joined[-1] = (joined[-1][0], joined[-1][1] + " " + line)
        else:
            joined.append((indent, line))
    return joined


def _join_conditional_values(lines):
    """Joins the indented lines of a multi-line ``x = if c: … else: …`` value into one line."""
    joined = []
    i = 0
    while i < len(lines):
        indent, line = lines[i]
        i += 1
        if _RHS_IF_RE.match(line):
            while i < len(lines) and lines[i][0] > indent:
                line += " " + lines[i][1]
                i += 1
        joined.append((indent, line))
    return joined


def _parse_block(lines, i, indent, obj_name, allow_bare):
    items = []
    while i < len(lines):
        ind, line = lines[i]
        if indent is not None and ind < indent:
            break
        if indent is None:
            indent = ind
        m = _IF_RE.match(line)
        if m and m.group(1) == "if":
            block = IfBlock(line)
            i = _parse_if(lines, i, ind, block, obj_name, allow_bare)
            items.append(block)
            continue
        if m or line.startswith("else"):
            raise ParserError("'elif'/'else' without a matching 'if'", obj_name, line)
        items.append(parse_statement(line, obj_name, allow_bare))
        i += 1
    return items, i


def _parse_if(lines, i, ind, block, obj_name, allow_bare):
    while i < len(lines):
        this_ind, line = lines[i]
        if this_ind != ind:
            break
        m = _IF_RE.match(line)
        if m and (m.group(1) == "if") == (not block.branches):
            cond = m.group(2)
        elif re.match(r"^else\s*:$", line) and block.branches:
            cond = None
        else:
            break
        if i + 1 >= len(lines) or lines[i + 1][0] <= ind:
            raise ParserError("an 'if'/'else' branch needs an indented body", obj_name, line)
        body, i = _parse_block(lines, i + 1, lines[i + 1][0], obj_name, allow_bare)
        block.branches.append((cond, body))
        if cond is None:
            break
    return i


_FLAG_WORDS = {
    "population", "postsynaptic", "projection", "int", "bool", "float", "double",
    "explicit", "implicit", "semiimplicit", "exponential", "midpoint", "rk4",
    "event-driven", "unless_post", "unless_refractory", "runge-kutta4", "exact",
}
_FLAG_KEYS = {"init", "min", "max"}
METHODS = ("explicit", "implicit", "semiimplicit", "exponential", "midpoint", "rk4", "event-driven")


def parse_flags(flags, obj_name=None, line=None):
    """Parses ``init=0.0, min=0.0, population`` into ``{'init': '0.0', 'min': '0.0', 'population': True}``."""
    result = {}
    if not flags:
        return result
    for part in _split_commas(flags):
        part = part.strip()
        if not part:
            continue
        if "=" in part:
            key, value = (p.strip() for p in part.split("=", 1))
            if key not in _FLAG_KEYS:
                raise ParserError(
                    f"unknown flag '{key}='; valid keyed flags are init=, min=, max=",
                    obj_name, line,
                )
            result[key] = value
        elif part in _FLAG_WORDS:
            result[part] = True
        else:
            raise ParserError(
                f"unknown flag '{part}'; valid flags are {', '.join(sorted(_FLAG_WORDS))} "
                "and init=, min=, max=",
                obj_name, line,
            )
    return result


def _split_commas(text):
    parts, depth, cur = [], 0, ""
    for c in text:
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        if c == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += c
    parts.append(cur)
    return parts
