"""The shape of a drawing: which way it flows so that it fits a notebook column.

Left to right is how micrograd draws a graph, and it reads well while the graph is short.
A long chain drawn left to right is a thin strip (the README expression was 13:1): drawn
top to bottom, the same chain becomes a column of readable rows. ``rankdir`` estimates
both pictures' widths from the plan before any layout (ranks by longest path, a record's
width from its text) and keeps left to right unless it would have to shrink much more.
"""

from __future__ import annotations

from autograd_engine.value import Value
from autograd_engine.viz.layout_budget import Plan, Unit

COLUMN = 10.0  # inches: the default ``size``, a 960-pixel column
LEGIBLE = 0.75  # left to right is kept while it needs shrinking to no less than this
CHAR = 0.075  # inches per character at the record font (10 pt Helvetica)
OP_WIDTH = 0.45  # an op ellipse and the gaps around it, left to right
ROW = 0.42  # a record's height
EDGE_LABEL = 1.6  # width an edge label adds between two ranks (its two lines of text)


def rankdir(plan: Plan, edge_labels: bool, extra_ranks: int = 0) -> str:
    """``"LR"`` unless the left-to-right picture would be far wider than the column.

    ``extra_ranks`` are ranks the DOT adds beyond the plan's (an expanded neuron's
    products and sum), counted at the average record width.

    >>> from autograd_engine import Value
    >>> from autograd_engine.viz.layout_budget import plan_drawing
    >>> x = Value(1.0, label="x")
    >>> rankdir(plan_drawing([x * 2], max_nodes=None), False)
    'LR'
    >>> y = x
    >>> for _ in range(20):
    ...     y = y * 2
    >>> rankdir(plan_drawing([y], max_nodes=None), False)
    'TB'
    """
    ranks = _ranks(plan)
    if not ranks:
        return "LR"
    widest: dict[int, float] = {}
    across: dict[int, float] = {}
    for unit, rank in ranks.items():
        widest[rank] = max(widest.get(rank, 0.0), _record_width(unit, across=True))
        across[rank] = across.get(rank, 0.0) + _record_width(unit, across=False) + 0.2
    gap = OP_WIDTH + (EDGE_LABEL if edge_labels else 0.0)
    average = sum(widest.values()) / len(widest)
    wide_lr = sum(widest.values()) + extra_ranks * average + gap * (len(widest) + extra_ranks - 1)
    wide_tb = max(across.values()) * (2.0 if edge_labels else 1.0)
    shrink_lr = min(1.0, COLUMN / wide_lr)
    shrink_tb = min(1.0, COLUMN / wide_tb)
    return "LR" if shrink_lr >= LEGIBLE or shrink_lr >= shrink_tb else "TB"


def _record_width(unit: Unit, *, across: bool) -> float:
    """A record's width: fields side by side (left to right) or stacked (top to bottom)."""
    if not isinstance(unit, Value):
        return CHAR * min(60, len(unit.text()))
    label = len(unit.label) if unit.label else 0
    if across:
        return CHAR * (label + 26) + 0.3  # "data 0.0000", "grad 0.0000" and separators
    return CHAR * max(label, 13) + 0.2


def _ranks(plan: Plan) -> dict[Unit, int]:
    """Rank of each unit by longest path from its inputs (the way ``dot`` ranks)."""
    inputs: dict[Unit, list[Unit]] = {}
    for source, target, _ in plan.edges:
        inputs.setdefault(target, []).append(source)
    rank: dict[Unit, int] = {}
    for unit in plan.units:  # topological order
        ranked = [rank[s] for s in inputs.get(unit, ()) if s in rank]
        rank[unit] = max(ranked) + 1 if ranked else 0
    return rank
