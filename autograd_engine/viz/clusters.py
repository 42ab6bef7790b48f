"""Scope clusters: which box each Value is drawn in, and collapsing boxes into summaries.

A Value made inside ``scope(path)`` belongs to the cluster ``path``; clusters nest by
dotted prefix (``layers.0.neurons.3`` inside ``layers.0`` when both hold Values). A leaf
made outside every scope (an ``nn`` weight is made in ``__init__``, not in a call) joins
the deepest cluster that holds all of its clustered consumers, so a neuron's weights sit
in the neuron's box. What a budget leaves out of a cluster is drawn as one ``Summary``
node (``overview.py``).
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

    path: str  # "" for Values outside every cluster
    position: int  # topological position of its first member: its DOT name and sort key
    ops: tuple[str, ...]
    size: int
    members: list[Value] = field(default_factory=list, repr=False)
    more: bool = False  # part of the cluster is drawn one by one: these are the rest

    def text(self) -> str:
        """The node's caption, listing at most five distinct ops."""
        ops = ", ".join(self.ops[:5]) + (", …" if len(self.ops) > 5 else "")
        name = self.path or "outside modules"
        return f"{name}: {ops or 'leaves'}; {self.size}{' more' if self.more else ''} values"


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
