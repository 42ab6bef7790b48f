"""DOT as its parts, default attributes and body lines, and as one text.

The text is laid out the way the ``graphviz`` package writes a ``Digraph`` (default
attributes in ``graph``, ``node`` and ``edge`` statements, then a tab-indented body), so
``Graph.digraph`` built from the same pieces has exactly this source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from autograd_engine.viz.labels import attributes


@dataclass
class DotDocument:
    """DOT as its parts (default attributes and body lines) and as one text."""

    graph_attr: dict[str, str]
    node_attr: dict[str, str]
    edge_attr: dict[str, str]
    body: list[str] = field(default_factory=list)
    # What ``reading_order`` may change: the names that should read first to last, and
    # the bodies of the same graph declared in the other orders.
    reading_groups: list[list[str]] = field(default_factory=list)
    alternatives: Callable[[], Iterator[list[str]]] = lambda: iter(())

    @property
    def source(self) -> str:
        """The full DOT text.

        >>> print(DotDocument({"rankdir": "LR"}, {}, {}, ["\\ta -> b\\n"]).source, end="")
        digraph {
        \tgraph [rankdir=LR]
        \ta -> b
        }
        """
        return self.text(self.body)

    def text(self, body: list[str], extra: dict[str, str] | None = None) -> str:
        """The full DOT text with another ``body`` (another declaration of the graph)
        and ``extra`` graph attributes."""
        head = [
            f"\t{kind} [{attributes(attrs)}]\n"
            for kind, attrs in (
                ("graph", {**self.graph_attr, **(extra or {})}),
                ("node", self.node_attr),
                ("edge", self.edge_attr),
            )
            if attrs
        ]
        return "digraph {\n" + "".join(head) + "".join(body) + "}\n"
