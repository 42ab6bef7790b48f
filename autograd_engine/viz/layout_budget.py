"""Deciding what a drawing shows within a budget: the detail, the overview, the focus.

Graphviz needs seconds for a few hundred tangled nodes and minutes beyond, while one
training step of a small MLP makes tens of thousands of Values. ``plan_drawing`` picks the
*units* to draw (single Values, or summaries of many) before any DOT is written, in time
linear in the graph:

1. ``focus`` keeps only the Values within ``depth`` hops of one node (both directions),
   nearest first.
2. The Values drawn one by one are the longest prefix of the nearness walk whose layout
   cost fits ``max_nodes`` (``nearness.py``); ``max_nodes`` is capped at ``MAX_NODES``
   (also for ``None``), so the layout cost is bounded before Graphviz starts, and a larger
   budget never draws fewer Values.
3. Without a focus, what is left over is drawn as one summary per outermost cluster
   (``overview.py``): a small budget gives an overview of the layers with counts, a
   larger one more of the detail. A focused drawing is about one node: it is cut, never
   summarised. Roots and the focus node always stay visible; the plan counts what was
   left out.

Everything is ordered by topological position, so plans are deterministic.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from autograd_engine.graph import topological_order
from autograd_engine.value import Value
from autograd_engine.viz import clusters, overview
from autograd_engine.viz.clusters import Summary
from autograd_engine.viz.nearness import (
    COST_PER_NODE,
    MAX_NODES,
    Edge,
    Unit,
    fitting_prefix,
    layout_cost,
    nearness_walk,
    unit_inputs,
)

__all__ = ["COST_PER_NODE", "MAX_NODES", "Plan", "Unit", "layout_cost", "plan_drawing"]

# The deepest nesting of cluster boxes drawn.
MAX_NESTING = 6


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

    ``pinned`` Values (besides the roots and the focus node) are always drawn.
    ``max_nodes=None`` means ``MAX_NODES``: no layout may run for minutes.

    >>> from autograd_engine import Value, scope
    >>> x = Value(2.0, label="x")
    >>> with scope("block"):
    ...     y = (x * 3).relu()
    >>> plan = plan_drawing([y + 1], max_nodes=3)  # the three Values nearest the output
    >>> [u.label or u.op if isinstance(u, Value) else u.text() for u in plan.units]
    ['block: *; 3 more values', 'relu', '', '+']
    >>> plan.omitted  # the rest of the block is in its summary
    0
    >>> [plan_drawing([y + 1], max_nodes=n).drawn_values for n in (1, 2, 4, 8)]
    [1, 2, 4, 6]
    """
    budget = MAX_NODES if max_nodes is None else min(max_nodes, MAX_NODES)
    order = topological_order(roots)
    index = {node: i for i, node in enumerate(order)}
    nearness = [] if focus is None else _neighbourhood(order, index, focus, depth)
    universe = order if focus is None else sorted(nearness, key=index.__getitem__)
    inside = None if focus is None else set(universe)
    home = clusters.cluster_homes(universe, inside)
    parent_of = clusters.cluster_tree(set(home.values()))
    keep = 1 if focus is not None else len(set(roots))  # the roots are always drawn
    walk = nearness if focus is not None else nearness_walk(roots, universe)
    keys = None if focus is not None else overview.summary_keys(home, parent_of)
    drawn = fitting_prefix(walk, keep, inside, (budget, edge_labels), index, keys)
    kept = {*drawn, *(node for node in pinned if node in (index if inside is None else inside))}
    absorbed = {} if focus is not None else overview.summarise(walk, kept, home, parent_of, index)
    units: list[Unit] = [*kept, *dict.fromkeys(absorbed.values())]
    units.sort(key=lambda u: _position(u, index))
    edges, hidden = _edges(units, absorbed, inside)
    cluster_of = {
        u: home.get(u) if isinstance(u, Value) else overview.place(u, parent_of) for u in units
    }
    parent_of = _neuron_boxes(units, cluster_of, parent_of)
    # Graphviz lays out deeply nested clusters slowly (250 Values in 125 nested boxes took
    # 44 s): boxes deeper than ``MAX_NESTING`` are drawn as part of their ancestor there.
    flatten = clusters.tops(parent_of, MAX_NESTING - 1)
    cluster_of = {
        u: path if path is None else flatten.get(path, path) for u, path in cluster_of.items()
    }
    shown = sum(u.size if isinstance(u, Summary) else 1 for u in units)
    return Plan(
        roots=[r for r in roots if r in kept],
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


def _edges(
    units: Sequence[Unit], absorbed: dict[Value, Summary], inside: Collection[Value] | None
) -> tuple[list[Edge], dict[Unit, int]]:
    """Edges between ``units`` (a repeated operand stays two edges; edges of summaries are
    merged) and, per unit, how many distinct inputs are not drawn."""
    kept = set(units)
    edges: dict[Edge, None] = {}
    hidden: dict[Unit, set[Unit]] = {}
    for unit in units:
        for source, parent, operand in unit_inputs(unit, absorbed):
            if source in kept and (inside is None or parent in inside):
                edges[source, unit, None if isinstance(source, Summary) else operand] = None
            else:
                hidden.setdefault(unit, set()).add(source)
    return list(edges), {unit: len(sources) for unit, sources in hidden.items()}
