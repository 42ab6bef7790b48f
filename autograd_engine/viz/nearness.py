"""The order a budget draws Values in, and the longest start of that order that fits.

A breadth-first walk from the roots (``nearness_walk``) orders every Value by nearness to
the output. A drawing takes the longest prefix of that walk whose estimated layout cost
(``layout_cost``: nodes, edges and the virtual nodes ``dot`` adds for long edges) is at
most ``COST_PER_NODE * max_nodes``. The walk never depends on the budget and a prefix's
cost only grows with it, so a larger ``max_nodes`` never draws fewer Values and each
budget is filled as far as the cost allows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterator, Mapping, Sequence

from autograd_engine.value import Value
from autograd_engine.viz.clusters import Summary

Unit = Value | Summary
Edge = tuple[Unit, Unit, int | None]  # (source, target, operand index; None for summaries)

# Layout cost allowed per unit of ``max_nodes``: about one second of ``dot`` at the default.
COST_PER_NODE = 6
# When the budget cuts the graph, a Value leads the walk to this many of its inputs.
WIDE_INPUTS = 8
# The most Values any drawing shows one by one, whatever ``max_nodes`` says (``None``
# included): at this size and layout cost ``dot`` needs some seconds on a shared machine;
# beyond, minutes.
MAX_NODES = 1000
# A prefix this short always fits its budget's cost: so few nodes lay out in a moment.
ALWAYS_FITS = 30


def layout_cost(units: Sequence[Unit], edges: Sequence[Edge], edge_labels: bool) -> int:
    """An estimate of Graphviz's work: nodes, edges and the virtual nodes of long edges.

    ``dot`` splits an edge spanning k ranks into k - 1 virtual nodes, and edge labels
    double the ranks; its time grows with that total (faster than linearly), not with the
    node count alone. Ranks are estimated as ``dot`` assigns them: interior nodes by
    longest path from their inputs, leaves pulled next to their nearest consumer.

    >>> from autograd_engine import Value
    >>> x = Value(1.0)
    >>> y = x * x
    >>> layout_cost([x, y], [(x, y, 0), (x, y, 1)], edge_labels=False)  # 3 nodes, 3 edges
    6
    """
    inputs: dict[Unit, list[Unit]] = {}
    for source, target, _ in edges:
        inputs.setdefault(target, []).append(source)
    rank: dict[Unit, int] = {}
    for unit in units:  # topological, except around summaries (back edges are skipped)
        ranked = [rank[s] for s in inputs.get(unit, ()) if s in rank]
        rank[unit] = max(ranked) + 2 if ranked else 0  # +2: the op node sits between
    nearest: dict[Unit, int] = {}
    for source, target, _ in edges:
        if source not in inputs:  # a leaf: ``dot`` ranks it just before its first use
            nearest[source] = min(nearest.get(source, rank[target]), rank[target])
    for leaf, first in nearest.items():
        rank[leaf] = first - 2
    stretch = 2 if edge_labels else 1
    virtual = sum(max(0, abs(rank[t] - rank[s]) - 2) for s, t, _ in edges if s in rank)
    ops = sum(1 for u in units if isinstance(u, Value) and u.op)
    return len(units) + 2 * ops + len(edges) + stretch * (virtual + len(edges) * edge_labels)


def unit_inputs(
    unit: Unit, absorbed: dict[Value, Summary]
) -> Iterator[tuple[Unit, Value, int | None]]:
    """``(source unit, parent Value, operand index or None)`` for each edge into ``unit``."""
    if isinstance(unit, Value):
        for i, parent in enumerate(unit.parents):
            yield absorbed.get(parent, parent), parent, i
        return
    for member in unit.members:
        for parent in member.parents:
            source = absorbed.get(parent, parent)
            if source is not unit:
                yield source, parent, None


def nearness_walk(roots: Sequence[Value], universe: Sequence[Value]) -> list[Value]:
    """Every Value, in the order a breadth-first walk from the roots meets them.

    A Value leads the walk to at most ``WIDE_INPUTS`` of its distinct inputs (computed
    ones first, then leaves, each in operand order): a sum over a hundred samples then
    shows a few of them in full depth instead of a hundred stubs one level deep. A
    second walk, in the first one's order, follows every input: the rest come nearest
    the output first and in operand order, so a budget that cuts a layer of sixteen
    neurons cuts the weights of its last ones, which are drawn last (Values met by
    neither, if any, follow). The order never depends on the budget, so a larger
    budget draws a longer prefix of the same walk: ``max_nodes`` is monotonic.

    >>> from autograd_engine import Value, topological_order
    >>> x = Value(1.0, label="x")
    >>> y = (x * 2).exp()
    >>> [v.label or v.op for v in nearness_walk([y], topological_order(y))]
    ['exp', '*', 'x', '']
    """
    walk: dict[Value, None] = dict.fromkeys(roots)
    for wide in (WIDE_INPUTS, None):  # a few inputs each, then all of them
        queue = deque(walk)
        while queue:
            node = queue.popleft()
            inputs = dict.fromkeys(node.parents)
            # Computed inputs first: a neuron lists its weights (leaves) before the layer
            # below, and the walk should reach that layer, not stop at eight weights.
            ahead = [p for p in inputs if p.parents] + [p for p in inputs if not p.parents]
            for parent in ahead[:wide]:
                if parent not in walk:
                    walk[parent] = None
                    queue.append(parent)
    for node in reversed(universe):
        walk.setdefault(node)
    return list(walk)


def fitting_prefix(
    walk: list[Value],
    keep: int,
    inside: Collection[Value] | None,
    budget: tuple[int, bool],
    index: dict[Value, int],
    summary_of: Mapping[Value, str] | None = None,
) -> list[Value]:
    """The longest prefix of ``walk`` (nearest first) that fits ``budget``, at least ``keep``.

    ``budget`` is ``(max_nodes, edge_labels)``; the layout cost may be at most
    ``COST_PER_NODE * max_nodes`` (the first ``ALWAYS_FITS`` Values always fit: so few
    lay out at once however they connect). Each edge's cost is fixed by ranks estimated
    on the first ``MAX_NODES`` units of the walk (whatever the budget), so the cost of a
    prefix only grows with it and one pass finds the longest that fits. ``summary_of``
    names the summary each Value left out would join (``overview.py``): a Value is then
    also charged for the edges between it and the summaries of its inputs and consumers.
    """
    max_nodes, edge_labels = budget
    limit = COST_PER_NODE * max_nodes
    window = walk[: max(MAX_NODES, keep)]
    position = {unit: i for i, unit in enumerate(window)}
    inputs = {unit: _input_list(unit, inside) for unit in window}
    ranked = sorted(window, key=index.__getitem__)
    rank = _ranks(ranked, inputs, position)
    stretch = 2 if edge_labels else 1
    added = [0] * len(window)  # cost that becomes due when unit i joins the prefix
    for unit, i in position.items():
        added[i] += 1 + (2 if unit.op else 0)
        for source, _ in inputs[unit]:
            j = position.get(source)
            if j is None:
                continue
            virtual = max(0, abs(rank[unit] - rank[source]) - 2)
            added[max(i, j)] += 1 + stretch * (virtual + edge_labels)
    if summary_of is not None:
        for i, count in enumerate(_summary_edges(walk, window, position, summary_of)):
            added[i] += count * (1 + 2 * stretch)  # two ranks of virtual nodes, as a guess
    cost, count = 0, 0
    for i in range(min(len(window), max(max_nodes, keep))):
        cost += added[i]
        if cost > limit and i >= max(keep, ALWAYS_FITS):
            break
        count = i + 1
    return window[:count]


def _summary_edges(
    walk: list[Value],
    window: list[Value],
    position: dict[Value, int],
    summary_of: Mapping[Value, str],
) -> list[int]:
    """Per Value of ``window``: how many summaries it may meet by an edge once drawn.

    An input or a consumer that comes later in the walk (or never) may be in a summary
    when the prefix stops at this Value; edges to one summary merge, so each summary
    counts once. An upper bound, fixed per Value, so prefix costs still only grow.
    """
    consumers: dict[Value, list[Value]] = {}
    for node in walk:
        for parent in node.parents:
            if parent in position:
                consumers.setdefault(parent, []).append(node)
    counts = []
    end = len(window)
    for i, node in enumerate(window):
        near = [*node.parents, *consumers.get(node, ())]
        counts.append(len({summary_of.get(o, "") for o in near if position.get(o, end) > i}))
    return counts


def _ranks(
    units: list[Value],
    inputs: dict[Value, list[tuple[Value, int | None]]],
    position: dict[Value, int],
) -> dict[Value, int]:
    """Ranks as ``dot`` assigns them: interior units by longest path from their inputs
    (op nodes between count one more), leaves pulled next to their first consumer."""
    rank: dict[Value, int] = {}
    for unit in units:
        ranked = [rank[s] for s, _ in inputs[unit] if s in rank and s in position]
        rank[unit] = max(ranked) + 2 if ranked else 0
    nearest: dict[Value, int] = {}
    for unit in units:
        for source, _ in inputs[unit]:
            if source in position and not inputs[source]:
                nearest[source] = min(nearest.get(source, rank[unit]), rank[unit])
    for leaf, first in nearest.items():
        rank[leaf] = first - 2
    return rank


def _input_list(unit: Value, inside: Collection[Value] | None) -> list[tuple[Value, int | None]]:
    """The edges into ``unit`` as ``(source, operand)`` (inside the focus, if any)."""
    return [(p, i) for i, p in enumerate(unit.parents) if inside is None or p in inside]
