"""The graph-level DOT attributes of a drawing: spacing, direction, size and its caption.

The caption says what the budget did (values near a focus, values drawn one by one, the
rest summarised or left out) and how to see more, so a cut picture never looks whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from autograd_engine.viz import labels
from autograd_engine.viz.layout_budget import MAX_NODES, Plan

if TYPE_CHECKING:  # only for the annotation: dot_builder imports this module
    from autograd_engine.viz.dot_builder import DotOptions


def graph_attributes(plan: Plan, options: DotOptions) -> dict[str, str]:
    """The ``graph [...]`` attributes of ``plan`` drawn with ``options``.

    >>> from autograd_engine import Value
    >>> from autograd_engine.viz.dot_builder import DotOptions
    >>> from autograd_engine.viz.layout_budget import plan_drawing
    >>> x = Value(3.0, label="x")
    >>> attrs = graph_attributes(plan_drawing([x * x], max_nodes=None), DotOptions(title="x²"))
    >>> attrs["rankdir"], attrs["label"]
    ('LR', 'x²\\\\l')
    """
    attrs = {
        "fontname": labels.FONT,
        "fontsize": "11",
        # An edge's label sits just beside its own edge, so the labels of two edges into
        # one node are nodesep apart at most: at 0.2 in they nearly touched.
        "nodesep": "0.5" if options.edge_labels else "0.2",
        "rankdir": str(options.rankdir),  # chosen by now (see build_dot)
        "ranksep": "0.3",
    }
    if options.size is not None:
        attrs["size"] = options.size
    if plan.cluster_parent or plan.summaries:
        # Ranks for the whole graph at once, not box by box: faster, and an edge between a
        # record in a box and a summary on the same rank is not lost ("flat edge ... lost").
        attrs["newrank"] = "true"
    notes = [labels.escape_text(options.title)] if options.title else []
    if plan.considered < plan.total:
        notes.append(f"{plan.considered} of {plan.total} values near the focus node")
    if plan.summaries:
        notes.append(
            f"{plan.drawn_values} of {plan.considered} values drawn one by one, nearest the "
            "output; the rest in the rounded boxes, one per module"
            + (
                f" (drawings stop at {MAX_NODES} nodes, which Graphviz lays out in seconds; "
                "draw a part with focus=)"
                if plan.capped
                else " (raise max_nodes for more, or draw a part with focus=)"
            )
        )
    if plan.omitted and plan.capped:
        notes.append(
            f"{plan.omitted} of {plan.considered} values not drawn (farthest from the "
            f"output): drawings stop at {MAX_NODES} nodes, which Graphviz lays out in "
            "seconds; draw a part with focus="
        )
    elif plan.omitted:
        notes.append(
            f"{plan.omitted} of {plan.considered} values not drawn (farthest from the "
            "output); draw a part with focus= or raise max_nodes"
        )
    if notes:
        attrs.update(label=r"\l".join(notes) + r"\l", labelloc="t", labeljust="l")
    return attrs
