"""DOT for an expanded neuron: its products, its sum and the edges between them.

``expand.py`` computes the chain (each part's data and gradient, from the fused node);
this module names its parts after the neuron's node (``v5p0`` the first product, ``v5s``
the sum, each with an op node ``...op``) and writes their records and edges. The
neuron's own record and op node (its activation) are written by ``dot_builder``.
"""

from __future__ import annotations

from autograd_engine.fused import pre_activation_rule
from autograd_engine.ops import ADD
from autograd_engine.value import Value
from autograd_engine.viz import labels
from autograd_engine.viz.expand import Expansion
from autograd_engine.viz.labels import attributes

_OP_SHAPE = {"fontsize": "9", "height": "0.25", "margin": "0.03,0.01", "width": "0.3"}


def chain_nodes(name: str, chain: Expansion, *, show_grad: bool, horizontal: bool) -> list[str]:
    """Records and op nodes of the products and the sum of the neuron drawn as ``name``."""
    # Declared in order: among the reversed records around them (see ``dot_builder``),
    # this is what puts the first product on top left to right (checked on rendered SVG).
    parts = [(f"{name}p{i}", part) for i, part in enumerate(chain.products)]
    if chain.total is not None:
        parts.append((f"{name}s", chain.total))
    lines = []
    for part_name, part in parts:
        fake = Value(part.data, label=part.label)
        record = labels.value_record(fake, part.grad, show_grad=show_grad, horizontal=horizontal)
        attrs = {"fillcolor": labels.ROLE_COLOURS["interior"], "label": record}
        attrs.update(shape="record", style="filled,dashed")
        lines.append(f"{part_name} [{attributes(attrs)}]\n")
        lines.append(f"{part_name}op [{attributes(op_attributes(part.op))}]\n")
    return lines


def op_attributes(op: str) -> dict[str, str]:
    """The look of an op node (a small ellipse)."""
    return {"fillcolor": labels.OP_COLOUR, "label": op, "shape": "ellipse", **_OP_SHAPE}


def chain_head(name: str, chain: Expansion, operand: int | None) -> str:
    """Where an input edge of an expanded neuron ends: a product's op, or the sum's."""
    into_sum = f"{name}sop" if chain.total is not None else f"{name}op"
    if operand is None or operand == chain.n:
        return into_sum
    return f"{name}p{operand if operand < chain.n else operand - chain.n - 1}op"


def chain_edges(
    name: str, chain: Expansion, grad: float, *, labelled: bool, show_grad: bool
) -> list[str]:
    """Edges inside an expanded neuron (``grad`` is the neuron's), labelled when asked."""
    upstream = sum_grad(chain, grad)
    into_sum = f"{name}sop" if chain.total is not None else f"{name}op"
    lines = []
    for i in range(chain.n):
        lines.append(f"\t{name}p{i}op -> {name}p{i}\n")
        text = labels.edge_text(_into_sum(chain, i), upstream, show_grad=show_grad)
        suffix = f" [{attributes({'label': text})}]" if labelled else ""
        lines.append(f"\t{name}p{i} -> {into_sum}{suffix}\n")
    if chain.total is not None:
        lines.append(f"\t{name}sop -> {name}s\n")
        text = labels.edge_text(chain.slope, grad, show_grad=show_grad)
        suffix = f" [{attributes({'label': text})}]" if labelled else ""
        lines.append(f"\t{name}s -> {name}op{suffix}\n")
    return lines


def input_edge_label(
    target: Value, chain: Expansion, grad: float, operand: int | None, *, show_grad: bool
) -> str:
    """The label of an edge into an expanded neuron: its local derivative and the
    contribution it carries back (into a product, or into the sum for the bias)."""
    into_sum = operand is None or operand == chain.n
    upstream = sum_grad(chain, grad) if into_sum else chain.products[0].grad
    return labels.edge_text(_local(target, chain, operand), upstream, show_grad=show_grad)


def sum_grad(chain: Expansion, grad: float) -> float:
    """The gradient an expanded neuron's sum holds (a linear neuron is its sum)."""
    return chain.total.grad if chain.total is not None else grad


def _into_sum(chain: Expansion, i: int) -> float:
    """d(sum)/d(product i): ``+``'s rule at a gradient of 1, as the sum adds each product."""
    total = chain.total.data if chain.total is not None else 0.0
    return float(ADD.spec.rule(1.0, total, total, chain.products[i].data)[1])


def _local(target: Value, chain: Expansion, operand: int | None) -> float:
    """The local derivative on an input edge of an expanded neuron: the sum's own rule
    (``pre_activation_rule``, traced from ``*`` for a weight or an input, ``+`` for the
    bias) at a gradient of 1."""
    values = [parent.data for parent in target.parents]
    locals_ = pre_activation_rule(1.0, target.data, *values)
    return float(locals_[chain.n if operand is None else operand])
