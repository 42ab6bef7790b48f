"""Scope clusters: which box each Value is drawn in, and collapsing boxes into summaries.

A Value made inside ``scope(path)`` belongs to the cluster ``path``; clusters nest by
dotted prefix (``layers.0.neurons.3`` inside ``layers.0`` when both hold Values). A leaf
made outside every scope (an ``nn`` weight is made in ``__init__``, not in a call) joins
the deepest cluster that holds all of its clustered consumers, so a neuron's weights sit
in the neuron's box. A collapsed cluster is drawn as one ``Summary`` node.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from autograd_engine.value import Value


@dataclass(eq=False)
class Summary:
    """A collapsed cluster drawn as one node: its path, the ops inside, its size.

    >>> Summary("layers.0.neurons.3", 7, ("dot", "relu"), 17).text()
    'layers.0.neurons.3: dot, relu; 17 values'
    """

    path: str
    position: int  # topological position of its first member: its DOT name and sort key
    ops: tuple[str, ...]
    size: int
    members: list[Value] = field(default_factory=list, repr=False)

    def text(self) -> str:
        """The node's caption, listing at most five distinct ops."""
        ops = ", ".join(self.ops[:5]) + (", …" if len(self.ops) > 5 else "")
        return f"{self.path}: {ops or 'leaves'}; {self.size} values"


def cluster_homes(universe: list[Value], inside: set[Value] | None) -> dict[Value, str]:
    """The cluster path of each clustered Value of ``universe`` (topologically ordered).

    >>> from autograd_engine import Value, scope, topological_order
    >>> w = Value(2.0, label="w")
    >>> with scope("neuron"):
    ...     y = (w * 3).relu()
    >>> loss = y + w * w  # the penalty w * w, outside every scope, leaves w in the neuron
    >>> cluster_homes(topological_order(loss), None)[w]
    'neuron'
    """
    home = {node: node.scope for node in universe if node.scope}
    paths = set(home.values())
    common: dict[Value, str] = {}  # scope-less leaf -> common path of its consumers so far
    for node in universe:
        # Only clustered consumers decide: an L2 penalty, outside every scope, must not
        # pull each weight out of its neuron's box.
        where = node.scope
        if not where:
            continue
        for parent in node.parents:
            if parent.parents or parent.scope or (inside is not None and parent not in inside):
                continue
            seen = common.get(parent)
            if seen is None:
                common[parent] = where
            elif seen != where:
                common[parent] = _common_prefix(seen, where)
    for leaf, path in common.items():
        while path and path not in paths:
            path = path.rpartition(".")[0]
        if path:
            home[leaf] = path
    return home


def _common_prefix(a: str, b: str) -> str:
    """The longest shared run of whole dotted components: ``a.b.c``, ``a.b.d`` -> ``a.b``."""
    shared = []
    for x, y in zip(a.split("."), b.split("."), strict=False):
        if x != y:
            break
        shared.append(x)
    return ".".join(shared)


def cluster_tree(paths: set[str]) -> dict[str, str | None]:
    """Each cluster's nearest enclosing cluster (a proper dotted prefix that is a cluster).

    >>> cluster_tree({"layers.0", "layers.0.neurons.3", "loss"})["layers.0.neurons.3"]
    'layers.0'
    """
    parent_of: dict[str, str | None] = {}
    for path in paths:
        up = path.rpartition(".")[0]
        while up and up not in paths:
            up = up.rpartition(".")[0]
        parent_of[path] = up or None
    return parent_of


def depths(parent_of: dict[str, str | None]) -> dict[str, int]:
    """Nesting depth of each cluster: 0 for outermost boxes.

    Each cluster's depth is its parent's plus one, and a parent's path is shorter, so
    one pass in order of path length is linear however deep the nesting (issue 14.7:
    walking up from every cluster took minutes for a thousand nested scopes).

    >>> depths({"a": None, "a.b": "a", "a.b.c": "a.b"})
    {'a': 0, 'a.b': 1, 'a.b.c': 2}
    """
    result: dict[str, int] = {}
    for path in sorted(parent_of, key=len):
        up = parent_of[path]
        result[path] = 0 if up is None else result[up] + 1
    return result


def tops(parent_of: dict[str, str | None], level: int) -> dict[str, str]:
    """For each cluster at depth ``level`` or deeper, its enclosing cluster at ``level``.

    >>> tops({"a": None, "a.b": "a", "a.b.c": "a.b"}, 1)
    {'a.b': 'a.b', 'a.b.c': 'a.b'}
    """
    level_of = depths(parent_of)
    top_of: dict[str, str] = {}
    for path in sorted(parent_of, key=len):  # parents first, as in ``depths``
        if level_of[path] == level:
            top_of[path] = path
        elif level_of[path] > level:
            top_of[path] = top_of[parent_of[path]]  # type: ignore[index]
    return top_of


def collapse(
    universe: list[Value],
    home: dict[Value, str],
    parent_of: dict[str, str | None],
    pinned: set[Value],
    index: dict[Value, int],
    level: int,
) -> tuple[dict[Value, Summary], list[Summary], dict[str, str]]:
    """Collapse every cluster at nesting depth ``level`` (with all it encloses).

    Pinned Values (roots, the focus node) stay visible. Returns which Value went into
    which summary, the summaries in order of first member, and for each collapsed
    cluster the summary path it went into.
    """
    top_of = tops(parent_of, level)
    by_path: dict[str, Summary] = {}
    absorbed: dict[Value, Summary] = {}
    for node in universe:  # topological order: first members, ops in order of appearance
        place = home.get(node)
        if place is None or node in pinned or place not in top_of:
            continue
        top = top_of[place]
        summary = by_path.get(top)
        if summary is None:
            summary = by_path[top] = Summary(top, index[node], (), 0)
        summary.members.append(node)
        summary.size += 1
        if node.op and node.op not in summary.ops:
            summary.ops += (node.op,)
        absorbed[node] = summary
    return absorbed, list(by_path.values()), top_of


def drawn_clusters(
    paths: Iterable[str | None], parent_of: dict[str, str | None]
) -> dict[str, str | None]:
    """The clusters that hold something drawn, with all their enclosing clusters."""
    drawn: dict[str, str | None] = {}
    for path in paths:
        while path is not None and path not in drawn:
            drawn[path] = parent_of[path]
            path = parent_of[path]
    return drawn
