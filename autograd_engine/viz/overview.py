"""The overview: what a budget leaves out, drawn as one summary node per module.

The nearness walk (``nearness.py``) decides which Values a budget draws one by one. The
Values left over are not dropped: each joins a summary of its outermost cluster
(``layers.0: affine_relu; 1584 more values``), and those outside every cluster one
summary of their own. A small budget so shows the output's neighbourhood with a box per
layer and its count; as the budget grows, the summaries give up Values to the drawing
nearest first, so the overview grows into the detail, and every Value is accounted for.

At most ``MAX_SUMMARIES`` summaries are drawn (the ones whose members the walk meets
first); what the others would hold is reported as not drawn.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from autograd_engine.value import Value
from autograd_engine.viz import clusters
from autograd_engine.viz.clusters import Summary

MAX_SUMMARIES = 12
OUTSIDE = ""  # the path of the summary of Values made outside every cluster


def summarise(
    walk: Sequence[Value],
    drawn: Collection[Value],
    home: dict[Value, str],
    parent_of: dict[str, str | None],
    index: dict[Value, int],
) -> dict[Value, Summary]:
    """Which summary each Value that is not drawn goes into (absent: not drawn at all).

    >>> from autograd_engine import Value, scope, topological_order
    >>> x = Value(1.0, label="x")
    >>> with scope("layer"):
    ...     h = (x * 2).relu()
    >>> y = h + 1
    >>> order = topological_order(y)
    >>> home = {v: v.scope for v in order if v.scope}
    >>> index = {v: i for i, v in enumerate(order)}
    >>> absorbed = summarise(order[::-1], {y}, home, clusters.cluster_tree({"layer"}), index)
    >>> sorted({s.text() for s in absorbed.values()})
    ['layer: *, relu; 3 values', 'outside modules: leaves; 2 values']
    """
    keys = summary_keys(home, parent_of)
    groups: dict[str, list[Value]] = {}
    for node in walk:  # nearest first: the groups met first are the ones kept
        if node in drawn:
            continue
        key = keys.get(node, OUTSIDE)
        if key not in groups and len(groups) == MAX_SUMMARIES:
            continue
        groups.setdefault(key, []).append(node)
    partly_drawn = {keys[node] for node in drawn if node in keys}
    absorbed: dict[Value, Summary] = {}
    for path, members in groups.items():
        members.sort(key=index.__getitem__)
        ops = tuple(dict.fromkeys(node.op for node in members if node.op))
        summary = Summary(path, index[members[0]], ops, len(members), members)
        summary.more = path in partly_drawn
        absorbed.update(dict.fromkeys(members, summary))
    return absorbed


def summary_keys(home: dict[Value, str], parent_of: dict[str, str | None]) -> dict[Value, str]:
    """The summary each clustered Value would join (the others join ``OUTSIDE``).

    Each outermost cluster is one summary, unless there are more than ``MAX_SUMMARIES``:
    then their paths are cut to the most leading components that keep at most that many
    (``layers.0.neurons.3`` and ``layers.0.neurons.4`` both go into ``layers.0``).

    >>> a, b = object(), object()
    >>> tree = {"layers.0.neurons.3": None, "layers.0.neurons.4": None}
    >>> sorted(set(summary_keys({a: "layers.0.neurons.3", b: "layers.0.neurons.4"}, tree).values()))
    ['layers.0.neurons.3', 'layers.0.neurons.4']
    """
    top_of = clusters.tops(parent_of, 0)
    tops = set(top_of.values())
    cut = {path: path for path in tops}
    if len(tops) > MAX_SUMMARIES:
        deepest = max(path.count(".") for path in tops) + 1
        best = 1
        for parts in range(1, deepest + 1):
            count = len({".".join(path.split(".")[:parts]) for path in tops})
            if count > MAX_SUMMARIES:
                break
            if count > len({".".join(p.split(".")[:best]) for p in tops}):
                best = parts
        cut = {path: ".".join(path.split(".")[:best]) for path in tops}
    return {node: cut[top_of[path]] for node, path in home.items()}


def place(summary: Summary, parent_of: dict[str, str | None]) -> str | None:
    """The box a summary is drawn in: its own while part of it is drawn, else the one
    around its cluster (none for the Values outside every cluster)."""
    if summary.path not in parent_of:  # outside every cluster, or a cut path
        return None
    return summary.path if summary.more else parent_of[summary.path]
