"""DOT text for a planned drawing: one record per Value, one small node per op, clusters.

Node names come from topological position (``v7`` is the 8th Value of the graph, ``v7op``
the op that made it, ``s7`` a collapsed cluster whose first member is ``v7``), never from
``id()``, so the same expression always gives byte-identical text (laid out as
``dot_document`` says).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property

from autograd_engine.value import Value
from autograd_engine.viz import dot_chain, dot_clusters, labels, shape, twins
from autograd_engine.viz.clusters import Summary
from autograd_engine.viz.declarations import (
    Declaration,
    alternatives,
    box_numbers,
    default_order,
)
from autograd_engine.viz.dot_caption import graph_attributes
from autograd_engine.viz.dot_document import DotDocument
from autograd_engine.viz.dot_edges import EdgeLines
from autograd_engine.viz.expand import EXPAND_LIMIT, Expansion, expand
from autograd_engine.viz.labels import attributes
from autograd_engine.viz.layout_budget import Plan, Unit, layout_cost
from autograd_engine.viz.twins import Relabel

RANKDIRS = ("LR", "RL", "TB", "BT")


@dataclass(frozen=True)
class DotOptions:
    """How to draw: the knobs of ``draw_graph`` that do not change *what* is drawn.

    ``edge_labels`` is True/False or the set of nodes whose input edges get labels (the
    step-through frames label only the node being processed). ``grads`` overrides
    ``.grad`` per node (frames show gradients as they were at their step).
    """

    rankdir: str | None = "LR"  # None: chosen from the plan's shape (``shape.py``)
    show_grad: bool = True
    edge_labels: bool | Collection[Value] = False
    legend: bool = False
    highlight: Collection[Value] = ()
    grads: Mapping[Value, float] | None = None
    title: str | None = None
    size: str | None = None  # Graphviz's size attribute, inches
    expand: bool | None = None  # fused neurons as their chain; None: when small (``expand``)
    part_grads: Mapping[Value, tuple[float, float]] | None = None  # (sum, products) held
    names: Mapping[Value, str] | None = None  # printed on unlabelled Values (``reading_names``)


def build_dot(plan: Plan, options: DotOptions) -> DotDocument:
    """Write the DOT document for ``plan``.

    >>> from autograd_engine import Value
    >>> from autograd_engine.viz.layout_budget import plan_drawing
    >>> x = Value(3.0, label="x")
    >>> doc = build_dot(plan_drawing([x * x], max_nodes=None), DotOptions())
    >>> print("".join(line for line in doc.body if "->" in line), end="")
    \tv0 -> v1op
    \tv0 -> v1op
    \tv1op -> v1
    """
    writer = _Writer(plan, options)
    if options.rankdir is None:
        chains = writer.expanded.values()
        extra = max((1 + (c.total is not None) for c in chains), default=0)
        direction = shape.rankdir(plan, options.edge_labels is True, extra_ranks=extra)
        options = writer.options = replace(options, rankdir=direction)
    if options.rankdir not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {RANKDIRS}, got {options.rankdir!r}")
    edge_attr = _EDGE_ATTR.copy()
    if options.edge_labels:
        # A label is drawn beside its edge, and near a shared op node several labels sit
        # close together: a line from each label to its own edge says which is whose.
        edge_attr["decorate"] = "true"
    doc = DotDocument(graph_attributes(plan, options), _NODE_ATTR.copy(), edge_attr)
    doc.body = writer.body()
    doc.reading_groups = writer.reading_groups()
    doc.declarer = writer
    labelled = options.edge_labels is True  # a few labelled edges barely change the work
    records = sum(chain.added() for chain in writer.expanded.values())
    doc.cost = layout_cost(plan.units, plan.edges, labelled) + records
    return doc


_NODE_ATTR = {"fontname": labels.FONT, "fontsize": "10", "height": "0.3", "style": "filled"}
_EDGE_ATTR = {"arrowsize": "0.6", "color": "#495057", "fontname": labels.FONT, "fontsize": "9"}


def unit_name(plan: Plan, unit: Unit) -> str:
    """The DOT name of a drawn unit: ``v7`` for the 8th Value, ``s7`` for a summary.

    >>> from autograd_engine import Value
    >>> from autograd_engine.viz.layout_budget import plan_drawing
    >>> x = Value(3.0)
    >>> plan = plan_drawing([x * x], max_nodes=None)
    >>> [unit_name(plan, unit) for unit in plan.units]
    ['v0', 'v1']
    """
    if isinstance(unit, Summary):
        return f"s{unit.position}"
    return f"v{plan.index[unit]}"


class _Writer:
    """Walks a plan once and writes node, cluster and edge statements."""

    def __init__(self, plan: Plan, options: DotOptions) -> None:
        self.plan = plan
        self.options = options
        self.outputs = frozenset(plan.roots)
        self.highlight = frozenset(options.highlight)
        # Braces turn a record's fields across the flow: side by side left to right, stacked
        # top to bottom (a narrow column of label, data, grad fits more nodes in a row).
        self.horizontal = True
        self.grads = options.grads
        self.roles_used: dict[str, None] = {}
        self._nodes: dict[Unit, list[str]] = {}
        self.expanded = self._expansions(options.expand)
        show, labelled = options.show_grad, options.edge_labels
        self.edges = EdgeLines(
            plan, self.expanded, self.name, self.grad, show_grad=show, edge_labels=labelled
        )

    def _expansions(self, wanted: bool | None) -> dict[Value, Expansion]:
        """The fused neurons drawn as their chain: all (True), none (False), or all when
        the drawing stays small enough to read (None, up to ``EXPAND_LIMIT`` records)."""
        if wanted is False:
            return {}
        found = {}
        held = self.options.part_grads or {}
        for unit in self.plan.units:
            if isinstance(unit, Value):
                chain = expand(unit, self.grad(unit), held.get(unit))
                if chain is not None:
                    found[unit] = chain
        added = sum(chain.added() for chain in found.values())
        if wanted is None and len(self.plan.units) + added > EXPAND_LIMIT:
            return {}
        return found

    def name(self, unit: Unit) -> str:
        return unit_name(self.plan, unit)

    def grad(self, node: Value) -> float:
        return node.grad if self.grads is None else self.grads.get(node, node.grad)

    def default_order(self) -> Declaration:
        """The declaration order of ``.source`` (``declarations.default_order``)."""
        return default_order(self.options.rankdir or "LR")

    def orders(self) -> list[Declaration]:
        """Every declaration of the drawing, ``default_order``'s first."""
        default = self.default_order()
        return [default, *alternatives(default)]

    def body(self, order: Declaration | None = None, relabel: Relabel | None = None) -> list[str]:
        """The body lines, with boxes and Values declared in ``order`` (default: as
        ``default_order``) and each twin's place showing the twin ``relabel`` says
        (``twins``). Whatever the order, box ``cluster_N`` keeps its number."""
        members, children, numbers = self.members, self.children, self.box_numbers
        order = order or self.default_order()
        relabel = relabel or Relabel()
        if order.reverse_boxes:
            children = {path: paths[::-1] for path, paths in children.items()}

        def flip(path: str | None) -> bool:
            innermost = path is not None and path not in children
            return order.reverse_inner_values if innermost else order.reverse_outer_values

        lines: list[str] = []
        # Clusters first, each with its nodes and nested clusters: an explicit stack keeps
        # the nesting without recursion.
        stack: list[tuple[str, int] | str] = [(p, 1) for p in reversed(children.get(None, []))]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                lines.append(item)
                continue
            place, level = item
            path = relabel.box(place)  # the box drawn in this place
            indent = "\t" * level
            number = numbers[path]
            lines.append(f"{indent}subgraph cluster_{number} {{\n")
            own = members.get(place, [])
            titled = bool(own)  # a box with Values (or a summary) of its own: see dot_clusters
            lines.append(
                f"{indent}\t{dot_clusters.cluster_attributes(path, titled_by_node=titled)}\n"
            )
            node_lines = self._node_lines(own, flip(place), relabel)
            lines.extend(indent + "\t" + line for line in node_lines)
            if titled:
                anchor = self.name(relabel.unit(own[-1]))  # the box's last Value: its output
                lines.extend(
                    indent + "\t" + line for line in dot_clusters.title_lines(number, path, anchor)
                )
            stack.append(f"{indent}}}\n")
            stack.extend((p, level + 1) for p in reversed(children.get(place, [])))
        outside = self._node_lines(members.get(None, []), flip(None), relabel)
        lines.extend("\t" + line for line in outside)
        if self.options.legend:
            roles = [r for r in labels.ROLE_COLOURS if r in self.roles_used]
            legend = labels.legend_label(roles, bool(self.plan.summaries))
            lines.append(f"\tlegend [label={legend} shape=plaintext style=solid]\n")
        lines.extend(self.edges.relabelled(relabel) if relabel.units else self.edges.lines)
        return lines

    def relabel(self, place: Mapping[str, float]) -> Relabel | None:
        """Twins drawn in index order, given how early each DOT name's place reads in a
        layout (``twins.relabel``)."""
        found = twins.relabel(self, self.twin_classes, place)
        if found is None:
            return None
        # A relabel that is not a symmetry of the graph would draw another graph: the
        # edges between the places' twins must be the edges between the places.
        edges = Counter((source, target) for source, target, _ in self.plan.edges)
        moved = Counter((found.unit(s), found.unit(t)) for s, t, _ in self.plan.edges)
        return found if moved == edges else None

    @cached_property
    def twin_classes(self) -> twins.Twins:
        """The drawing's twins (``twins.find``), the same for every layout."""
        return twins.find(self)

    def shape(self, unit: Unit, inside: Mapping[Unit, int]) -> Hashable:
        """All the layout sees of ``unit``: what it is, how many node and edge lines it
        writes, and each edge's other end (its number in ``inside``, else its name) and
        port; two units of one shape are twins (``twins``)."""
        if isinstance(unit, Summary):
            kind: tuple[object, ...] = ("summary",)
        else:
            kind = (unit.op, labels.role(unit, self.outputs), unit in self.expanded)
        ends = sorted(
            (way, f"#{inside[other]}" if other in inside else self.name(other), port, labelled)
            for way, other, port, labelled in self.edges.ends.get(unit, [])
        )
        hidden = self.plan.hidden_inputs.get(unit, 0) > 0
        return kind, hidden, len(self.nodes(unit)), len(self.edges.own(unit)), tuple(ends)

    def reading_groups(self) -> list[list[str]]:
        """What should read in index order, each list first to last: the boxes inside
        each box (neurons of a layer), and the leaves of each box of one role (inputs
        x[0] and x[1]; parameters w[0], w[1] and b). Between roles, and for computed
        Values, operand order reads better (x1 beside w[0]; ``s + b`` draws s first).
        Constants (a hinge's margin 1, one per sample) are not grouped: each sits beside
        the op it feeds, and so follows that op, whose order is operand order."""
        numbers = self.box_numbers
        groups = [[f"cluster_{numbers[p]}" for p in paths] for paths in self.children.values()]
        for units in self.members.values():
            leaves: dict[str, list[str]] = {}
            for unit in units:
                if isinstance(unit, Value) and not unit.op:
                    role = labels.role(unit, self.outputs)
                    if role != "constant":
                        leaves.setdefault(role, []).append(self.name(unit))
            groups.extend(leaves.values())
        return [group for group in groups if len(group) > 1]

    # Each declaration's body is written from these, so they are worked out once.
    @cached_property
    def members(self) -> dict[str | None, list[Unit]]:
        """The units drawn directly in each box (``None``: outside every box)."""
        members: dict[str | None, list[Unit]] = {}
        for unit in self.plan.units:
            members.setdefault(self.plan.cluster_of[unit], []).append(unit)
        return members

    @cached_property
    def children(self) -> dict[str | None, list[str]]:
        """The boxes directly inside each box, in index order."""
        children: dict[str | None, list[str]] = {}
        keys = dot_clusters.cluster_keys(self.plan, self.members)
        for path in sorted(self.plan.cluster_parent, key=keys.__getitem__):
            children.setdefault(self.plan.cluster_parent[path], []).append(path)
        return children

    @cached_property
    def box_numbers(self) -> dict[str, int]:
        """Each box's number, the same in every declaration."""
        return box_numbers(self.children, self.default_order().reverse_boxes)

    def _node_lines(self, places: list[Unit], flip: bool, relabel: Relabel) -> list[str]:
        """The node lines of the units in ``places``, each showing its twin per ``relabel``."""
        shown = [relabel.unit(unit) for unit in (places[::-1] if flip else places)]
        return [line for unit in shown for line in self.nodes(unit)]

    def nodes(self, unit: Unit) -> list[str]:
        """The node statements of ``unit``, written once (every declaration has them)."""
        if unit not in self._nodes:
            self._nodes[unit] = self._write_nodes(unit)
        return self._nodes[unit]

    def _write_nodes(self, unit: Unit) -> list[str]:
        hidden = self.plan.hidden_inputs.get(unit, 0)
        if isinstance(unit, Summary):
            text = labels.escape_text(unit.text())
            text += rf"\n+{hidden} inputs not drawn" if hidden else ""
            attrs = {"label": text, "shape": "box", "style": "filled,rounded"}
            attrs["fillcolor"] = labels.SUMMARY_COLOUR
            return [f"{self.name(unit)} [{attributes(attrs)}]\n"]
        name = self.name(unit)
        role = labels.role(unit, self.outputs)
        self.roles_used[role] = None
        record = labels.value_record(
            unit,
            self.grad(unit),
            show_grad=self.options.show_grad,
            horizontal=self.horizontal,
            label=self._short_label(unit),
        )
        attrs = {"fillcolor": labels.ROLE_COLOURS[role], "label": record, "shape": "record"}
        if role == "output":
            attrs["penwidth"] = "2"
        if unit in self.highlight:
            attrs.update(color=labels.HIGHLIGHT_COLOUR, penwidth="3")
        lines = [f"{name} [{attributes(attrs)}]\n"]
        chain = self.expanded.get(unit)
        if chain is not None:
            show = self.options.show_grad
            lines.extend(
                dot_chain.chain_nodes(name, chain, show_grad=show, horizontal=self.horizontal)
            )
        if unit.op:
            op = labels.escape_text(unit.op if chain is None else chain.activation or "+")
            op_attrs = dot_chain.op_attributes(op)
            if hidden:  # some inputs are left out of the picture: say how many
                # "+1 not drawn" under a "+" read as "++1": spell the count out instead.
                more = f"{hidden} input{'s' if hidden > 1 else ''} not drawn"
                op_attrs.update(label=rf"{op}\n({more})", style="filled,dashed")
            if unit in self.highlight:
                op_attrs.update(color=labels.HIGHLIGHT_COLOUR, penwidth="2")
            lines.append(f"{name}op [{attributes(op_attrs)}]\n")
        return lines

    def _short_label(self, unit: Value) -> str:
        """A label (or the name a text calls it by) without its cluster's path, which the
        box around it already shows (``w[1]`` inside ``layers.0.neurons.3``)."""
        path = self.plan.cluster_of.get(unit)
        label = unit.label or (self.options.names or {}).get(unit, "")
        if path and label.startswith(path + ".") and len(label) > len(path) + 1:
            return label[len(path) + 1 :]
        return label
