"""DOT as its parts, default attributes and body lines, and as one text.

The text is laid out the way the ``graphviz`` package writes a ``Digraph`` (default
attributes in ``graph``, ``node`` and ``edge`` statements, then a tab-indented body), so
``Graph.digraph`` built from the same pieces has exactly this source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from autograd_engine.viz.declarations import Declaration
from autograd_engine.viz.labels import attributes
from autograd_engine.viz.twins import Relabel


class Declarer(Protocol):
    """Writes the body of one drawing in each of its declarations (``dot_builder``)."""

    def orders(self) -> list[Declaration]:
        """Every declaration, the default's first."""
        ...

    def body(self, order: Declaration | None = None, relabel: Relabel | None = None) -> list[str]:
        """The body in ``order``, each twin's place showing the twin ``relabel`` says."""
        ...

    def relabel(self, place: Mapping[str, float]) -> Relabel | None:
        """Twins in index order, given how early each DOT name's place reads."""
        ...


@dataclass
class DotDocument:
    """DOT as its parts (default attributes and body lines) and as one text."""

    graph_attr: dict[str, str]
    node_attr: dict[str, str]
    edge_attr: dict[str, str]
    body: list[str] = field(default_factory=list)
    # What ``reading_order`` may change: the names that should read first to last, and
    # what writes the same graph declared in other orders (none: only ``body``).
    reading_groups: list[list[str]] = field(default_factory=list)
    declarer: Declarer | None = None
    cost: int = 0  # an estimate of Graphviz's work to lay it out (``nearness.layout_cost``)

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
