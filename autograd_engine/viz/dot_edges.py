"""DOT edge statements for a planned drawing, and the same edges with twins swapped.

An edge of the plan runs into the op node of the Value it feeds (``v7op``), or into the
product of an expanded neuron that reads it (``dot_chain``); a computed Value adds its own
edges (op to record, products to sum). Every declaration of a drawing lists them in one
order; with twins trading places (``twins``) each line is that of the edge between the
twins its two ends now show.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection
from functools import cached_property

from autograd_engine.backprop import local_derivatives
from autograd_engine.value import Value
from autograd_engine.viz import dot_chain, labels
from autograd_engine.viz.clusters import Summary
from autograd_engine.viz.expand import Expansion
from autograd_engine.viz.labels import attributes
from autograd_engine.viz.layout_budget import Plan, Unit
from autograd_engine.viz.twins import Relabel


class EdgeLines:
    """The edge statements of one drawing, each written once."""

    def __init__(
        self,
        plan: Plan,
        expanded: dict[Value, Expansion],
        name: Callable[[Unit], str],
        grad: Callable[[Value], float],
        *,
        show_grad: bool,
        edge_labels: bool | Collection[Value],
    ) -> None:
        self.plan, self.expanded, self.name, self.grad = plan, expanded, name, grad
        self.show_grad, self.edge_labels = show_grad, edge_labels
        self._local: dict[Value, tuple[float, ...] | None] = {}
        self._members: dict[Summary, set[Value]] = {}  # empty: a summary of leaves alone

    def line(self, source: Unit, target: Unit, operand: int | None) -> str:
        """The line of one edge of the plan: into the op of ``target``, or into the
        product of an expanded neuron that reads it, labelled where asked."""
        show = self.show_grad
        head = self.head(target, operand)
        attrs = {}
        chain = self.expanded.get(target) if isinstance(target, Value) else None
        if chain is not None and isinstance(target, Value):
            if self.labelled(target):
                grad = self.grad(target)
                text = dot_chain.input_edge_label(target, chain, grad, operand, show_grad=show)
                attrs["label"] = text
        elif operand is not None and isinstance(target, Value) and self.labelled(target):
            derivatives = self.local(target)
            value = None if derivatives is None else derivatives[operand]
            attrs["label"] = labels.edge_text(value, self.grad(target), show_grad=show)
        if isinstance(source, Summary) and self.brings_only_leaves(source, target):
            attrs["constraint"] = "false"
        suffix = f" [{attributes(attrs)}]" if attrs else ""
        return f"\t{self.name(source)} -> {head}{suffix}\n"

    def head(self, target: Unit, operand: int | None) -> str:
        """The DOT node an edge into ``target`` ends at."""
        chain = self.expanded.get(target) if isinstance(target, Value) else None
        if chain is not None:
            return dot_chain.chain_head(self.name(target), chain, operand)
        return self.name(target) + ("op" if isinstance(target, Value) else "")

    def own(self, unit: Unit) -> list[str]:
        """The edges inside a computed Value's drawing: op to record, and an expanded
        neuron's products to its sum."""
        if not (isinstance(unit, Value) and unit.op):
            return []
        name = self.name(unit)
        lines = []
        if unit in self.expanded:
            chain, grad = self.expanded[unit], self.grad(unit)
            show, labelled = self.show_grad, self.labelled(unit)
            lines += dot_chain.chain_edges(name, chain, grad, labelled=labelled, show_grad=show)
        lines.append(f"\t{name}op -> {name}\n")
        return lines

    @cached_property
    def lines(self) -> list[str]:
        """Every edge statement, in the order every declaration lists them."""
        return self.plan_lines + [line for unit in self.plan.units for line in self.own(unit)]

    @cached_property
    def plan_lines(self) -> list[str]:
        """One line per edge of the plan, in the plan's order."""
        return [self.line(*edge) for edge in self.plan.edges]

    @cached_property
    def ends(self) -> dict[Unit, list[tuple[str, Unit, str, bool]]]:
        """Each unit's edges: out or in, the other end, the port (the head's name past
        its unit's: ``op``, or an expanded neuron's product), and whether labelled."""
        ends: dict[Unit, list[tuple[str, Unit, str, bool]]] = {}
        for source, target, operand in self.plan.edges:
            port = self.head(target, operand)[len(self.name(target)) :]
            labelled = self.labelled(target)
            ends.setdefault(source, []).append(("out", target, port, labelled))
            ends.setdefault(target, []).append(("in", source, port, labelled))
        return ends

    def relabelled(self, relabel: Relabel) -> list[str]:
        """The edge lines with each place showing its twin: the line of the edge between
        places a and b becomes that of the edge between the twins they show (``relabel``
        is a symmetry, so that edge exists; every edge is written once)."""
        lines: dict[tuple[Unit, Unit], deque[str]] = {}
        for (source, target, _), line in zip(self.plan.edges, self.plan_lines, strict=True):
            lines.setdefault((source, target), deque()).append(line)
        shown = [(relabel.unit(s), relabel.unit(t)) for s, t, _ in self.plan.edges]
        written = [lines[pair].popleft() for pair in shown]
        units = self.plan.units
        return written + [line for unit in units for line in self.own(relabel.unit(unit))]

    def brings_only_leaves(self, summary: Summary, target: Unit) -> bool:
        """Whether what ``summary`` feeds into the Value ``target`` is only leaves (the
        weights of a neuron drawn without them) while the summary also holds computed
        Values (the layer's neurons drawn in part). Such an edge says where parameters
        go, not what is computed after what, so it does not rank the drawing
        (``constraint=false``): ranked, it put a layer's ops one rank past the summary,
        which sits after the layer before, so the edges from that layer spanned two ranks
        and Graphviz looped them round the layer's box (notebook 03's network at 40
        values: half the picture's height was such loops). A summary of leaves alone is
        ranked by these edges only, and keeps them, so that it stays beside its op."""
        if not isinstance(target, Value):
            return False
        if summary not in self._members:  # worked out once per summary
            computed = any(member.parents for member in summary.members)
            self._members[summary] = set(summary.members) if computed else set()
        members = self._members[summary]
        fed = [parent for parent in target.parents if parent in members]
        return bool(fed) and not any(parent.parents for parent in fed)

    def labelled(self, target: Unit) -> bool:
        """Whether the edges into ``target`` carry labels."""
        wanted = self.edge_labels
        if isinstance(wanted, bool):
            return wanted
        return target in wanted

    def local(self, node: Value) -> tuple[float, ...] | None:
        """Local derivatives of ``node``'s inputs, or None where they are undefined."""
        if node not in self._local:
            try:
                self._local[node] = local_derivatives(node)
            except (ArithmeticError, ValueError):
                self._local[node] = None  # e.g. sqrt at 0: the picture says "undefined"
        return self._local[node]
