"""What the text and colours of a drawing look like: number format, escaping, node roles.

Everything here is pure string work on public ``Value`` attributes (``label``, ``kind``,
``op``, ``parents``), so the DOT builder and the step-through frames share one look.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from autograd_engine.value import Value

# Roles and their fill colours: light tints that keep black text readable and stay
# distinguishable for the common colour-vision deficiencies (blue / orange / green / grey).
ROLE_COLOURS: dict[str, str] = {
    "output": "#b2f2bb",
    "parameter": "#ffd8a8",
    "input": "#a5d8ff",
    "constant": "#e9ecef",
    "interior": "#ffffff",
}
ROLE_NAMES: dict[str, str] = {
    "output": "output",
    "parameter": "parameter (nn weight)",
    "input": "input / other leaf",
    "constant": "constant (number in the expression)",
    "interior": "intermediate value",
}
OP_COLOUR = "#f1f3f5"
SUMMARY_COLOUR = "#e5dbff"
HIGHLIGHT_COLOUR = "#e03131"
CLUSTER_COLOUR = "#868e96"
FONT = "Helvetica,Arial,sans-serif"

_RECORD_SPECIAL = re.compile(r"([\\{}|<>])")
_BARE_ID = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*|-?(\.[0-9]+|[0-9]+(\.[0-9]*)?))$")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


def format_number(x: float) -> str:
    """Fixed-width-ish text for a number: 4 decimals in the readable range, else exponent.

    ``-0.0`` prints as ``0.0000`` (a sign on zero only distracts in a picture).

    >>> format_number(2.0), format_number(-0.0), format_number(1e-7), format_number(3e9)
    ('2.0000', '0.0000', '1.000e-07', '3.000e+09')
    >>> format_number(float("nan")), format_number(float("-inf"))
    ('nan', '-inf')
    """
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0.0000"
    if 1e-3 <= abs(x) < 1e6:
        return f"{x:.4f}"
    return f"{x:.3e}"


def escape_record(text: str) -> str:
    r"""Escape user text for one field of a record label: ``{ } | < >``, backslash, newline.

    Double quotes are left to ``quote``, which escapes them for the DOT string around.

    >>> print(escape_record("w[1] {a|b} <c> \\"))
    w[1] \{a\|b\} \<c\> \\
    """
    return _RECORD_SPECIAL.sub(r"\\\1", text).replace("\n", r"\n")


def escape_text(text: str) -> str:
    r"""Escape user text for a plain label, where Graphviz reads ``\n``, ``\l``, ``\N``...

    >>> print(escape_text("a\\b\nc"))
    a\\b\nc
    """
    return text.replace("\\", "\\\\").replace("\n", r"\n")


def quote(text: str) -> str:
    r"""A DOT attribute value: bare when it is a plain ID or number, else double-quoted.

    Backslashes are kept as they are, so record escapes and ``\n`` line breaks pass through.

    >>> quote("LR"), quote("0.25"), quote("a b"), quote('say "hi"')
    ('LR', '0.25', '"a b"', '"say \\"hi\\""')
    """
    if _BARE_ID.match(text) and text.lower() not in _KEYWORDS:
        return text
    return '"' + text.replace('"', r"\"").replace("\n", r"\n") + '"'


def attributes(attrs: Mapping[str, str]) -> str:
    """``key=value`` pairs in key order, as the ``graphviz`` package writes them.

    >>> attributes({"shape": "record", "fillcolor": "#fff"})
    'fillcolor="#fff" shape=record'
    """
    return " ".join(f"{key}={quote(attrs[key])}" for key in sorted(attrs))


def role(node: Value, outputs: frozenset[Value] | set[Value]) -> str:
    """The role a drawing colours a node by: output, parameter, constant, input or interior.

    >>> from autograd_engine import Value
    >>> x = Value(1.0, label="x")
    >>> y = x * 2
    >>> role(y, {y}), role(x, {y}), role(y.parents[1], {y})
    ('output', 'input', 'constant')
    """
    if node in outputs:
        return "output"
    if node.kind == "parameter":
        return "parameter"
    if node.kind == "constant":
        return "constant"
    return "input" if not node.parents else "interior"


def value_record(
    node: Value, grad: float, *, show_grad: bool, horizontal: bool, label: str | None = None
) -> str:
    r"""The record label ``label | data ... | grad ...`` of one Value (no label cell if unlabelled).

    ``label`` replaces ``node.label`` (a drawing shortens labels inside their cluster).

    ``horizontal`` wraps the fields in braces, which Graphviz needs to lay a record out
    left to right when the graph itself runs left to right.

    >>> from autograd_engine import Value
    >>> print(value_record(Value(3.0, label="x|y"), 6.0, show_grad=True, horizontal=True))
    { x\|y | data 3.0000 | grad 6.0000 }
    """
    # An unlabelled node gets no empty label cell: it would read as a missing value.
    text = node.label if label is None else label
    fields = [escape_record(text)] if text else []
    fields.append(f"data {format_number(node.data)}")
    if show_grad:
        fields.append(f"grad {format_number(grad)}")
    body = " | ".join(fields)
    return f"{{ {body} }}" if horizontal else body


def edge_text(local: float | None, upstream: float, *, show_grad: bool) -> str:
    r"""Edge label: the local derivative and the contribution ``upstream * local`` it carries.

    The result gets a line of its own: on one line a label was as wide as two records, and
    the labels of the edges into one node nearly touched (the README's neuron).

    >>> print(edge_text(3.0, 2.0, show_grad=True))
    local 3.0000\ngrad += 2.0000 × 3.0000\n= 6.0000
    >>> print(edge_text(None, 1.0, show_grad=True))
    local undefined
    """
    if local is None:
        return "local undefined"
    text = f"local {format_number(local)}"
    if show_grad:
        contribution = format_number(upstream * local)
        text += rf"\ngrad += {format_number(upstream)} × {format_number(local)}\n= {contribution}"
    return text


def legend_label(roles: list[str], with_summary: bool) -> str:
    """An HTML-like table naming each colour used, for ``draw_graph(..., legend=True)``.

    >>> legend_label(["output"], False).count("<TR>")
    2
    """
    rows = ['<TR><TD COLSPAN="2"><B>legend</B></TD></TR>']
    entries = [(ROLE_COLOURS[r], ROLE_NAMES[r]) for r in roles]
    if with_summary:
        entries.append((SUMMARY_COLOUR, "collapsed cluster"))
    for colour, name in entries:
        swatch = f'<TD BGCOLOR="{colour}" WIDTH="18"> </TD>'
        rows.append(f'<TR>{swatch}<TD ALIGN="LEFT">{name}</TD></TR>')
    table = "".join(rows)
    return f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">{table}</TABLE>>'
