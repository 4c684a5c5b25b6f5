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


def split_flags(line):
    """Splits ``text : flags`` at the last colon that is not inside brackets."""
    depth = 0
    for i in range(len(line) - 1, -1, -1):
        c = line[i]
        if c in ")]":
            depth += 1
        elif c in "([":
            depth -= 1
        elif c == ":" and depth == 0:
            return line[:i].strip(), line[i + 1 :].strip()
    return line.strip(), ""


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
    return Statement(line, left, op, right, flags)


_IF_RE = re.compile(r"^(if|elif)\s+(.+):$")


def split_statements(text, obj_name=None, allow_bare=False):
    """Splits a model string into a list of :class:`Statement` and :class:`IfBlock` items."""
    if text is None:
        return []
    if not isinstance(text, str):
        raise ParserError(f"expected a string of equations, got {type(text).__name__}", obj_name)
    lines = list(_logical_lines(text))
    items, _ = _parse_block(lines, 0, None, obj_name, allow_bare)
    return items


def _parse_block(lines, i, indent, obj_name, allow_bare):
    items = []
    while i < len(lines):
        ind, line = lines[i]
        if indent is not None and ind < indent:
            break
        if indent is None:
            indent = ind
        if ind > indent:
            raise ParserError("unexpected indentation", obj_name, line)
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
    "event-driven", "unless_post",
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
