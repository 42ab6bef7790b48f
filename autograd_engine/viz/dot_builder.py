"""DOT text for a planned drawing: one record per Value, one small node per op, clusters.

Node names come from topological position (``v7`` is the 8th Value of the graph, ``v7op``
the op that made it, ``s7`` a collapsed cluster whose first member is ``v7``), never from
``id()``, so the same expression always gives byte-identical text. The text is laid out
the way the ``graphviz`` package writes a ``Digraph`` (default attributes in ``graph``,
``node`` and ``edge`` statements, then a tab-indented body), so ``Graph.digraph`` built
from the same pieces has exactly this source.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from autograd_engine.backprop import local_derivatives
from autograd_engine.value import Value
from autograd_engine.viz import labels, shape
from autograd_engine.viz.clusters import Summary
from autograd_engine.viz.expand import EXPAND_LIMIT, Expansion, expand
from autograd_engine.viz.labels import attributes
from autograd_engine.viz.layout_budget import MAX_NODES, Plan, Unit

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


@dataclass
class DotDocument:
    """DOT as its parts (default attributes and body lines) and as one text."""

    graph_attr: dict[str, str]
    node_attr: dict[str, str]
    edge_attr: dict[str, str]
    body: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        """The full DOT text."""
        head = [
            f"\t{kind} [{attributes(attrs)}]\n"
            for kind, attrs in (
                ("graph", self.graph_attr),
                ("node", self.node_attr),
                ("edge", self.edge_attr),
            )
            if attrs
        ]
        return "digraph {\n" + "".join(head) + "".join(self.body) + "}\n"


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
    doc = DotDocument(_graph_attr(plan, options), _NODE_ATTR.copy(), edge_attr)
    doc.body = writer.body()
    return doc


_NODE_ATTR = {"fontname": labels.FONT, "fontsize": "10", "height": "0.3", "style": "filled"}
_EDGE_ATTR = {"arrowsize": "0.6", "color": "#495057", "fontname": labels.FONT, "fontsize": "9"}


def _graph_attr(plan: Plan, options: DotOptions) -> dict[str, str]:
    attrs = {
        "fontname": labels.FONT,
        "fontsize": "11",
        "nodesep": "0.2",
        "rankdir": str(options.rankdir),  # chosen by now (see build_dot)
        "ranksep": "0.3",
    }
    if options.size is not None:
        attrs["size"] = options.size
    if plan.cluster_parent or plan.summaries:
        # Ranks for the whole graph at once, not box by box: faster, and an edge between a
        # record in a box and a summary on the same rank is not lost ("flat edge ... lost").
        attrs["newrank"] = "true"
    notes = [labels.escape_text(options.title)] if options.title else []
    if plan.considered < plan.total:
        notes.append(f"{plan.considered} of {plan.total} values near the focus node")
    if plan.summaries:
        notes.append(
            f"{plan.drawn_values} of {plan.considered} values drawn one by one, nearest the "
            "output; the rest in the rounded boxes, one per module"
            + (
                f" (drawings stop at {MAX_NODES} nodes, which Graphviz lays out in seconds; "
                "draw a part with focus=)"
                if plan.capped
                else " (raise max_nodes for more, or draw a part with focus=)"
            )
        )
    if plan.omitted and plan.capped:
        notes.append(
            f"{plan.omitted} of {plan.considered} values not drawn (farthest from the "
            f"output): drawings stop at {MAX_NODES} nodes, which Graphviz lays out in "
            "seconds; draw a part with focus="
        )
    elif plan.omitted:
        notes.append(
            f"{plan.omitted} of {plan.considered} values not drawn (farthest from the "
            "output); draw a part with focus= or raise max_nodes"
        )
    if notes:
        attrs.update(label=r"\l".join(notes) + r"\l", labelloc="t", labeljust="l")
    return attrs


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
        self._local: dict[Value, tuple[float, ...] | None] = {}
        self.expanded = self._expansions(options.expand)

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
        if isinstance(unit, Summary):
            return f"s{unit.position}"
        return f"v{self.plan.index[unit]}"

    def grad(self, node: Value) -> float:
        return node.grad if self.grads is None else self.grads.get(node, node.grad)

    def body(self) -> list[str]:
        members: dict[str | None, list[Unit]] = {}
        for unit in self.plan.units:
            members.setdefault(self.plan.cluster_of[unit], []).append(unit)
        children: dict[str | None, list[str]] = {}
        keys = self._cluster_keys(members)
        for path in sorted(self.plan.cluster_parent, key=keys.__getitem__):
            children.setdefault(self.plan.cluster_parent[path], []).append(path)
        # Graphviz lays a left-to-right graph out top to bottom and turns it, which puts
        # the first node of a rank at the bottom: declared in reverse, w[0], x0 and
        # neuron 0 come out on top, in reading order.
        flip = self.options.rankdir in ("LR", "RL")
        if flip:
            children = {path: paths[::-1] for path, paths in children.items()}
        lines: list[str] = []
        number = 0
        # Clusters first, each with its nodes and nested clusters: an explicit stack keeps
        # the nesting without recursion.
        stack: list[tuple[str, int] | str] = [(p, 1) for p in reversed(children.get(None, []))]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                lines.append(item)
                continue
            path, level = item
            indent = "\t" * level
            lines.append(f"{indent}subgraph cluster_{number} {{\n")
            number += 1
            lines.append(f"{indent}\t{attributes(_cluster_attr(path))}\n")
            lines.extend(indent + "\t" + line for line in self._node_lines(members, path, flip))
            stack.append(f"{indent}}}\n")
            stack.extend((p, level + 1) for p in reversed(children.get(path, [])))
        lines.extend("\t" + line for line in self._node_lines(members, None, flip))
        if self.options.legend:
            roles = [r for r in labels.ROLE_COLOURS if r in self.roles_used]
            legend = labels.legend_label(roles, bool(self.plan.summaries))
            lines.append(f"\tlegend [label={legend} shape=plaintext style=solid]\n")
        lines.extend(self.edges())
        return lines

    def _node_lines(
        self, members: dict[str | None, list[Unit]], path: str | None, flip: bool
    ) -> list[str]:
        units = members.get(path, [])
        return [line for unit in (units[::-1] if flip else units) for line in self.nodes(unit)]

    def nodes(self, unit: Unit) -> list[str]:
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
            lines.extend(self._chain_nodes(name, chain))
        if unit.op:
            op = labels.escape_text(unit.op if chain is None else chain.activation or "+")
            op_attrs = {"fillcolor": labels.OP_COLOUR, "label": op, "shape": "ellipse"}
            op_attrs.update(fontsize="9", height="0.25", margin="0.03,0.01", width="0.3")
            if hidden:  # some inputs are left out of the picture: say how many
                # "+1 not drawn" under a "+" read as "++1": spell the count out instead.
                more = f"{hidden} input{'s' if hidden > 1 else ''} not drawn"
                op_attrs.update(label=rf"{op}\n({more})", style="filled,dashed")
            if unit in self.highlight:
                op_attrs.update(color=labels.HIGHLIGHT_COLOUR, penwidth="2")
            lines.append(f"{name}op [{attributes(op_attrs)}]\n")
        return lines

    def _short_label(self, unit: Value) -> str:
        """A label without its cluster's path, which the box around it already shows
        (``w[1]`` inside ``layers.0.neurons.3``)."""
        path = self.plan.cluster_of.get(unit)
        label = unit.label
        if path and label.startswith(path + ".") and len(label) > len(path) + 1:
            return label[len(path) + 1 :]
        return label

    def _chain_nodes(self, name: str, chain: Expansion) -> list[str]:
        """Records and op nodes of the products and the sum of an expanded neuron."""
        # Declared in order: among the reversed records around them (see ``body``), this
        # is what puts the first product on top left to right (checked on rendered SVG).
        parts = [(f"{name}p{i}", part) for i, part in enumerate(chain.products)]
        if chain.total is not None:
            parts.append((f"{name}s", chain.total))
        lines = []
        for part_name, part in parts:
            fake = Value(part.data, label=part.label)
            record = labels.value_record(
                fake, part.grad, show_grad=self.options.show_grad, horizontal=self.horizontal
            )
            attrs = {"fillcolor": labels.ROLE_COLOURS["interior"], "label": record}
            attrs.update(shape="record", style="filled,dashed")
            lines.append(f"{part_name} [{attributes(attrs)}]\n")
            op_attrs = {"fillcolor": labels.OP_COLOUR, "label": part.op, "shape": "ellipse"}
            op_attrs.update(fontsize="9", height="0.25", margin="0.03,0.01", width="0.3")
            lines.append(f"{part_name}op [{attributes(op_attrs)}]\n")
        return lines

    def _chain_head(self, target: Value, chain: Expansion, operand: int | None) -> str:
        """Where an input edge of an expanded neuron ends: a product's op, or the sum's."""
        name = self.name(target)
        into_sum = f"{name}sop" if chain.total is not None else f"{name}op"
        if operand is None or operand == chain.n:
            return into_sum
        return f"{name}p{operand if operand < chain.n else operand - chain.n - 1}op"

    def _chain_edges(self, target: Value, chain: Expansion) -> list[str]:
        """Edges inside an expanded neuron, labelled like any edge when asked."""
        name = self.name(target)
        labelled = self._labelled(target)
        show = self.options.show_grad
        upstream = self._sum_grad(target, chain)
        into_sum = f"{name}sop" if chain.total is not None else f"{name}op"
        lines = []
        for i in range(chain.n):
            lines.append(f"\t{name}p{i}op -> {name}p{i}\n")
            attrs = {"label": labels.edge_text(1.0, upstream, show_grad=show)} if labelled else {}
            suffix = f" [{attributes(attrs)}]" if attrs else ""
            lines.append(f"\t{name}p{i} -> {into_sum}{suffix}\n")
        if chain.total is not None:
            lines.append(f"\t{name}sop -> {name}s\n")
            text = labels.edge_text(chain.slope, self.grad(target), show_grad=show)
            suffix = f" [{attributes({'label': text})}]" if labelled else ""
            lines.append(f"\t{name}s -> {name}op{suffix}\n")
        return lines

    def _sum_grad(self, target: Value, chain: Expansion) -> float:
        """The gradient an expanded neuron's sum holds (a linear neuron is its sum)."""
        return chain.total.grad if chain.total is not None else self.grad(target)

    def _chain_local(self, target: Value, chain: Expansion, operand: int | None) -> float:
        """The local derivative on an input edge of an expanded neuron."""
        parents = target.parents
        if operand is None or operand == chain.n:
            return 1.0
        if operand < chain.n:
            return parents[chain.n + 1 + operand].data  # d(w·x)/dw = x
        return parents[operand - chain.n - 1].data  # d(w·x)/dx = w

    def edges(self) -> list[str]:
        lines = []
        for source, target, operand in self.plan.edges:
            head = self.name(target) + ("op" if isinstance(target, Value) else "")
            chain = self.expanded.get(target) if isinstance(target, Value) else None
            attrs = {}
            if chain is not None and isinstance(target, Value):
                head = self._chain_head(target, chain, operand)
                if self._labelled(target):
                    into_sum = operand is None or operand == chain.n
                    upstream = self._sum_grad(target, chain) if into_sum else chain.products[0].grad
                    local = self._chain_local(target, chain, operand)
                    attrs["label"] = labels.edge_text(
                        local, upstream, show_grad=self.options.show_grad
                    )
            elif operand is not None and isinstance(target, Value) and self._labelled(target):
                derivatives = self.local(target)
                value = None if derivatives is None else derivatives[operand]
                attrs["label"] = labels.edge_text(
                    value, self.grad(target), show_grad=self.options.show_grad
                )
            suffix = f" [{attributes(attrs)}]" if attrs else ""
            lines.append(f"\t{self.name(source)} -> {head}{suffix}\n")
        for unit in self.plan.units:
            if isinstance(unit, Value) and unit.op:
                if unit in self.expanded:
                    lines.extend(self._chain_edges(unit, self.expanded[unit]))
                lines.append(f"\t{self.name(unit)}op -> {self.name(unit)}\n")
        return lines

    def _labelled(self, target: Unit) -> bool:
        wanted = self.options.edge_labels
        if isinstance(wanted, bool):
            return wanted
        return target in wanted

    def _cluster_keys(self, members: dict[str | None, list[Unit]]) -> dict[str, tuple[int, str]]:
        """Sort key per cluster: the position of the first unit drawn in it or below it."""
        first: dict[str, int] = {}
        starts = []
        for path, units in members.items():
            unit = units[0]
            starts.append(
                (unit.position if isinstance(unit, Summary) else self.plan.index[unit], path)
            )
        # Earliest first: once a cluster has a position, so do all that enclose it, and the
        # walk up stops there (linear however deep the clusters nest).
        for position, path in sorted(starts, key=lambda s: s[0]):
            up = path
            while up is not None and up not in first:
                first[up] = position
                up = self.plan.cluster_parent[up]
        return {path: (first.get(path, 0), path) for path in self.plan.cluster_parent}

    def local(self, node: Value) -> tuple[float, ...] | None:
        """Local derivatives of ``node``'s inputs, or None where they are undefined."""
        if node not in self._local:
            try:
                self._local[node] = local_derivatives(node)
            except (ArithmeticError, ValueError):
                self._local[node] = None  # e.g. sqrt at 0: the picture says "undefined"
        return self._local[node]


def _cluster_attr(path: str) -> dict[str, str]:
    return {
        "color": labels.CLUSTER_COLOUR,
        "fontcolor": labels.CLUSTER_COLOUR,
        "label": labels.escape_text(path),
        "style": "dashed,rounded",
    }
