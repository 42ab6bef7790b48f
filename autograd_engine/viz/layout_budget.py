"""Deciding what a drawing shows within a budget: collapsing, cutting, focusing.

Graphviz needs seconds for a few hundred tangled nodes and minutes beyond, while one
training step of a small MLP makes tens of thousands of Values. ``plan_drawing`` picks the
*units* to draw (single Values, or collapsed clusters) before any DOT is written, in time
linear in the graph:

1. ``focus`` keeps only the Values within ``depth`` hops of one node (both directions).
2. A plan fits when it has at most ``max_nodes`` units and its estimated layout cost
   (``layout_cost``: nodes, edges and the virtual nodes ``dot`` adds for long edges) is at
   most ``COST_PER_NODE * max_nodes``. ``max_nodes`` is capped at ``MAX_NODES`` (also for
   ``None``), so the layout cost is bounded before Graphviz starts.
3. Candidates: the graph as it is, and with clusters collapsed into summaries at each of
   the outermost ``COLLAPSE_LEVELS`` levels (``clusters.py``). For each, a breadth-first
   walk from the roots orders every unit by nearness (following at most ``WIDE_INPUTS``
   inputs of each first), and the longest prefix of that walk that fits is taken. The
   candidate drawing the most Values one by one wins (then the one showing the most).
   The walk never depends on the budget and a prefix's cost only grows with it, so a
   larger ``max_nodes`` never draws fewer Values and each budget is filled as far as the
   cost allows. A focused drawing never collapses: its walk is nearest-first from its
   node. Roots and the focus node always stay visible; the plan counts what was left out.

Everything is ordered by topological position, so plans are deterministic.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from autograd_engine.graph import topological_order
from autograd_engine.value import Value
from autograd_engine.viz import clusters
from autograd_engine.viz.clusters import Summary

Unit = Value | Summary
Edge = tuple[Unit, Unit, int | None]  # (source, target, operand index; None for summaries)

# Layout cost allowed per unit of ``max_nodes``: about one second of ``dot`` at the default.
COST_PER_NODE = 6
# When the budget cuts the graph, a Value leads the walk to this many of its inputs, a
# collapsed cluster (already a summary of many) to more.
WIDE_INPUTS = 8
SUMMARY_INPUTS = 32
# The most units any drawing has, whatever ``max_nodes`` says (``None`` included): at this
# size and layout cost ``dot`` needs some seconds on a shared machine; beyond, minutes.
MAX_NODES = 1000
# The deepest nesting of cluster boxes drawn.
MAX_NESTING = 6
# Collapse levels tried besides none: the outermost few (each costs one linear pass, so
# planning stays linear however deep the scopes nest).
COLLAPSE_LEVELS = 3


@dataclass
class Plan:
    """What to draw. ``units`` are in topological order; ``index`` names every Value."""

    roots: list[Value]
    index: dict[Value, int]
    units: list[Unit]
    cluster_of: dict[Unit, str | None]  # the (uncollapsed) cluster a unit sits in
    cluster_parent: dict[str, str | None]  # enclosing cluster of each drawn cluster
    edges: list[Edge]
    hidden_inputs: dict[Unit, int]  # distinct inputs of a unit that are not drawn
    total: int  # Values reachable from the roots
    considered: int  # Values inside the focus neighbourhood (== total without focus)
    omitted: int  # Values of ``considered`` neither drawn nor inside a drawn summary
    capped: bool = False  # the budget asked for was above ``MAX_NODES``

    @property
    def drawn_values(self) -> int:
        """Values drawn one by one (a summary is not counted here)."""
        return sum(1 for unit in self.units if isinstance(unit, Value))

    @property
    def summaries(self) -> list[Summary]:
        """The collapsed clusters that are drawn."""
        return [unit for unit in self.units if isinstance(unit, Summary)]


def plan_drawing(
    roots: Sequence[Value],
    *,
    max_nodes: int | None,
    focus: Value | None = None,
    depth: int = 2,
    edge_labels: bool = False,
    pinned: Collection[Value] = (),
) -> Plan:
    """Choose the units, clusters and edges of a drawing of ``roots``.

    ``pinned`` Values (besides the roots and the focus node) never go into a summary.
    ``max_nodes=None`` means ``MAX_NODES``: no layout may run for minutes.

    >>> from autograd_engine import Value, scope
    >>> x = Value(2.0, label="x")
    >>> with scope("block"):
    ...     y = (x * 3).relu()
    >>> plan = plan_drawing([y + 1], max_nodes=3)  # the three Values nearest the output
    >>> [u.label or u.op if isinstance(u, Value) else u.op for u in plan.units], plan.omitted
    (['relu', '', '+'], 3)
    >>> [plan_drawing([y + 1], max_nodes=n).drawn_values for n in (1, 2, 4, 8)]
    [1, 2, 4, 6]
    """
    budget = MAX_NODES if max_nodes is None else min(max_nodes, MAX_NODES)
    order = topological_order(roots)
    index = {node: i for i, node in enumerate(order)}
    nearness = [] if focus is None else _neighbourhood(order, index, focus, depth)
    universe = order if focus is None else sorted(nearness, key=index.__getitem__)
    inside = None if focus is None else set(universe)
    pinned = {*roots, *pinned, *([focus] if focus is not None else [])}
    home = clusters.cluster_homes(universe, inside)
    parent_of = clusters.cluster_tree(set(home.values()))
    levels = sorted(set(clusters.depths(parent_of).values()))[:COLLAPSE_LEVELS]
    if focus is not None:
        levels = []  # a focused drawing is about detail near one node: cut, never collapse
    keep = 1 if focus is not None else len(set(roots))  # the roots are always drawn
    best: tuple[tuple[int, int], list[Unit], dict[Value, Summary], dict[str, str]] | None = None
    for level in [None, *reversed(levels)]:  # finest first: it wins ties
        absorbed: dict[Value, Summary] = {}
        top_of: dict[str, str] = {}
        if level is not None:
            absorbed, _, top_of = clusters.collapse(universe, home, parent_of, pinned, index, level)
        walk: list[Unit] = [*nearness] if focus is not None else _walk(roots, absorbed, universe)
        units = _fitting_prefix(walk, keep, absorbed, inside, (budget, edge_labels), index)
        drawn = sum(1 for u in units if isinstance(u, Value))
        shown = drawn + sum(u.size for u in units if isinstance(u, Summary))
        if best is None or (drawn, shown) > best[0]:
            best = ((drawn, shown), units, absorbed, top_of)
    assert best is not None  # the loop ran at least once (level None)
    _, units, absorbed, top_of = best
    units.sort(key=lambda u: _position(u, index))
    edges, hidden = _edges(units, absorbed, inside)
    for node in pinned:  # a pinned node of a collapsed cluster sits beside its summary
        place = home.get(node)
        if place is not None and place in top_of:
            home[node] = parent_of[top_of[place]]  # type: ignore[assignment]
    cluster_of = {u: home.get(u) if isinstance(u, Value) else parent_of[u.path] for u in units}
    parent_of = _neuron_boxes(units, cluster_of, parent_of)
    # Graphviz lays out deeply nested clusters slowly (250 Values in 125 nested boxes took
    # 44 s): boxes deeper than ``MAX_NESTING`` are drawn as part of their ancestor there.
    flatten = clusters.tops(parent_of, MAX_NESTING - 1)
    cluster_of = {
        u: path if path is None else flatten.get(path, path) for u, path in cluster_of.items()
    }
    shown = sum(u.size if isinstance(u, Summary) else 1 for u in units)
    return Plan(
        roots=[r for r in roots if r in set(units)],
        index=index,
        units=units,
        cluster_of=cluster_of,
        cluster_parent=clusters.drawn_clusters(cluster_of.values(), parent_of),
        edges=edges,
        hidden_inputs=hidden,
        total=len(order),
        considered=len(universe),
        omitted=len(universe) - shown,
        capped=max_nodes is None or max_nodes > MAX_NODES,
    )


def _neuron_boxes(
    units: Sequence[Unit], cluster_of: dict[Unit, str | None], parent_of: dict[str, str | None]
) -> dict[str, str | None]:
    """Boxes for nodes whose parameters all sit under one deeper dotted path.

    A layer computes its neurons in one call, under the layer's scope; its weights are
    labelled ``layers.0.neurons.8.w[0]``..., so a node whose parameters all share the path
    ``layers.0.neurons.8`` is drawn in a box of that name, with them, inside the layer's.
    A neuron called on its own has the scope ``neurons.8``: its box takes the full path.
    Returns the cluster tree with the new boxes (``cluster_of`` is updated in place).
    """
    tree = dict(parent_of)
    renamed: dict[str, str] = {}
    for unit in units:
        if not isinstance(unit, Value) or not unit.op:
            continue
        params = [p for p in unit.parents if p.kind == "parameter" and p.label]
        paths = {p.label.rpartition(".")[0] for p in params}
        if len(params) < 2 or len(paths) != 1:
            continue
        path, here = paths.pop(), cluster_of.get(unit)
        if here and path.endswith("." + here) and here not in tree.values():
            renamed[here] = path  # a module called alone: its scope lacks its parents' path
            continue
        if not path or path == here or (here and not path.startswith(here + ".")):
            continue
        tree.setdefault(path, here)
        cluster_of[unit] = path
        for p in params:
            if p in cluster_of and cluster_of[p] == here:
                cluster_of[p] = path
    for short, full in renamed.items():
        tree.setdefault(full, tree.get(short))
        for unit, where in cluster_of.items():
            if where == short:
                cluster_of[unit] = full
    return tree


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


def _position(unit: Unit, index: dict[Value, int]) -> int:
    """Topological position of a unit: a summary sits where its first member does."""
    return index[unit] if isinstance(unit, Value) else unit.position


def _neighbourhood(
    order: list[Value], index: dict[Value, int], centre: Value, depth: int
) -> list[Value]:
    """Values within ``depth`` hops of ``centre``, following edges both ways, nearest first."""
    if centre not in index:
        raise ValueError(
            f"focus node {centre!r} is not part of the graph drawn from the given root(s)"
        )
    children: dict[Value, list[Value]] = {}
    for node in order:
        for parent in node.parents:
            children.setdefault(parent, []).append(node)
    distance = {centre: 0}
    queue = deque([centre])
    while queue:
        node = queue.popleft()
        if distance[node] == depth:
            continue
        for other in (*node.parents, *children.get(node, ())):
            if other not in distance:
                distance[other] = distance[node] + 1
                queue.append(other)
    return list(distance)


def _unit_inputs(
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


def _edges(
    units: Sequence[Unit], absorbed: dict[Value, Summary], inside: Collection[Value] | None
) -> tuple[list[Edge], dict[Unit, int]]:
    """Edges between ``units`` (a repeated operand stays two edges; edges of summaries are
    merged) and, per unit, how many distinct inputs are not drawn."""
    kept = set(units)
    edges: dict[Edge, None] = {}
    hidden: dict[Unit, set[Unit]] = {}
    for unit in units:
        for source, parent, operand in _unit_inputs(unit, absorbed):
            if source in kept and (inside is None or parent in inside):
                edges[source, unit, None if isinstance(source, Summary) else operand] = None
            else:
                hidden.setdefault(unit, set()).add(source)
    return list(edges), {unit: len(sources) for unit, sources in hidden.items()}


def _walk(
    roots: Sequence[Value], absorbed: dict[Value, Summary], universe: Sequence[Value]
) -> list[Unit]:
    """Every unit, in the order a breadth-first walk from the roots meets them.

    A Value leads the walk to at most ``WIDE_INPUTS`` of its inputs (the first, in operand
    order; ``SUMMARY_INPUTS`` for a summary): a sum over a hundred samples then shows a
    few of them in full depth instead of a hundred stubs one level deep. Units the walk
    never meets follow, nearest the output first. The order never depends on the budget,
    so a larger budget draws a longer prefix of the same walk: ``max_nodes`` is monotonic.
    """
    walk: dict[Unit, None] = dict.fromkeys(absorbed.get(r, r) for r in roots)
    queue = deque(walk)
    while queue:
        unit = queue.popleft()
        width = WIDE_INPUTS if isinstance(unit, Value) else SUMMARY_INPUTS
        for source in dict.fromkeys(source for source, _, _ in _unit_inputs(unit, absorbed)):
            if width == 0:
                break
            width -= 1
            if source not in walk:
                walk[source] = None
                queue.append(source)
    for node in reversed(universe):
        walk.setdefault(absorbed.get(node, node))
    return list(walk)


def _fitting_prefix(
    walk: list[Unit],
    keep: int,
    absorbed: dict[Value, Summary],
    inside: Collection[Value] | None,
    budget: tuple[int, bool],
    index: dict[Value, int],
) -> list[Unit]:
    """The longest prefix of ``walk`` (nearest first) that fits ``budget``, at least ``keep``.

    ``budget`` is ``(max_nodes, edge_labels)``; the layout cost may be at most
    ``COST_PER_NODE * max_nodes``. Each edge's cost is fixed by ranks estimated on the
    first ``MAX_NODES`` units of the walk (whatever the budget), so the cost of a prefix
    only grows with it and one pass finds the longest that fits.
    """
    max_nodes, edge_labels = budget
    limit = COST_PER_NODE * max_nodes
    window = walk[: max(MAX_NODES, keep)]
    position = {unit: i for i, unit in enumerate(window)}
    inputs = {unit: _input_list(unit, absorbed, inside) for unit in window}
    ranked = sorted(window, key=lambda u: _position(u, index))
    rank = _ranks(ranked, inputs, position)
    stretch = 2 if edge_labels else 1
    added = [0] * len(window)  # cost that becomes due when unit i joins the prefix
    for unit, i in position.items():
        added[i] += 1 + (2 if isinstance(unit, Value) and unit.op else 0)
        for source, _ in inputs[unit]:
            j = position.get(source)
            if j is None:
                continue
            virtual = max(0, abs(rank[unit] - rank[source]) - 2)
            added[max(i, j)] += 1 + stretch * (virtual + edge_labels)
    cost, count = 0, 0
    for i in range(min(len(window), max(max_nodes, keep))):
        cost += added[i]
        if cost > limit and i >= keep:
            break
        count = i + 1
    return window[:count]


def _ranks(
    units: list[Unit],
    inputs: dict[Unit, list[tuple[Unit, int | None]]],
    position: dict[Unit, int],
) -> dict[Unit, int]:
    """Ranks as ``dot`` assigns them: interior units by longest path from their inputs
    (op nodes between count one more), leaves pulled next to their first consumer."""
    rank: dict[Unit, int] = {}
    for unit in units:
        ranked = [rank[s] for s, _ in inputs[unit] if s in rank and s in position]
        rank[unit] = max(ranked) + 2 if ranked else 0
    nearest: dict[Unit, int] = {}
    for unit in units:
        for source, _ in inputs[unit]:
            if source in position and not inputs[source]:
                nearest[source] = min(nearest.get(source, rank[unit]), rank[unit])
    for leaf, first in nearest.items():
        rank[leaf] = first - 2
    return rank


def _input_list(
    unit: Unit, absorbed: dict[Value, Summary], inside: Collection[Value] | None
) -> list[tuple[Unit, int | None]]:
    """The edges into ``unit`` as ``(source, operand)``; a summary's are merged."""
    found: dict[tuple[Unit, int | None], None] = {}
    for source, parent, operand in _unit_inputs(unit, absorbed):
        if inside is None or parent in inside:
            merged = isinstance(unit, Summary) or isinstance(source, Summary)
            found[source, None if merged else operand] = None
    return list(found)
