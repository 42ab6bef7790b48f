"""Expanded neurons: a fused neuron drawn as the chain the lecture draws.

``affine`` makes a neuron one node, ``act(b + w1*x1 + ... + wn*xn)``, which is fast but
hides the products, the sum and the activation a student expects to see. Drawing can
show that chain again without building it: every intermediate's data and gradient follows
from the fused node and its operands, read through public attributes (``op``, ``parents``,
``data``, ``grad``) and the op table's traits (``layout == "neuron"``, and ``activation``:
the fused activation's own entry, whose rule gives the slope that reaches the sum), so no
op is known here by name.

The sum runs left to right from the bias, as the fused node computes it; the gradient
reaching each product and the sum is ``grad * d act / d sum``, exactly what the chain of
``*``, ``+`` and the activation would hold after ``backward()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd_engine.opspec import OPS
from autograd_engine.value import Value

# Fused neurons are drawn (and stepped) expanded by default while the drawing has at most
# this many records: enough for a small network's prediction, not for a layer of 16-input
# neurons.
EXPAND_LIMIT = 60
SUM_LABEL = "b + Σ w·x"


@dataclass(frozen=True)
class Part:
    """One drawn intermediate: a product ``w·x`` or the pre-activation sum."""

    label: str
    op: str
    data: float
    grad: float


@dataclass(frozen=True)
class Expansion:
    """A fused neuron of ``n`` inputs as products, a sum (unless linear) and the node.

    ``activation`` is the op drawn for the node itself ("" for a linear neuron, whose node
    is the sum); ``slope`` is d(node)/d(sum).
    """

    n: int
    products: tuple[Part, ...]
    total: Part | None
    activation: str
    slope: float

    def added(self) -> int:
        """How many records the expansion adds to the drawing."""
        return self.n + (self.total is not None)


def expand(
    node: Value, grad: float, received: tuple[float, float] | None = None
) -> Expansion | None:
    """The chain behind a fused neuron, or None for any other node.

    ``received`` overrides the gradients the sum and the products hold (a step-through
    frame in the middle of the neuron's backward step); by default both hold
    ``grad * d act / d sum``, as after ``backward()``.

    >>> from autograd_engine import Value, affine
    >>> x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    >>> w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.88, label="b")
    >>> o = affine((w1, w2, b), (x1, x2), "tanh")
    >>> o.backward()
    >>> chain = expand(o, o.grad)
    >>> [(p.label, p.data) for p in chain.products], chain.activation
    ([('x1·w1', -6.0), ('x2·w2', 0.0)], 'tanh')
    >>> round(chain.total.data, 2), round(chain.total.grad, 4), round(w1.grad, 4)
    (0.88, 0.501, 1.0019)
    """
    spec = OPS.get(node.op) if isinstance(node.op, str) else None
    parents = node.parents
    if spec is None or spec.layout != "neuron" or len(parents) % 2 == 0 or not parents:
        return None
    act = spec.activation  # the fused activation's own table entry; None when linear
    n = len(parents) // 2
    weights, bias, inputs = parents[:n], parents[n], parents[n + 1 :]
    total = bias.data
    products = []
    for i, (w, x) in enumerate(zip(weights, inputs, strict=True)):
        total += w.data * x.data  # left to right from the bias, as the fused node sums
        products.append((f"{_short(x, f'x[{i}]')}·{_short(w, f'w[{i}]')}", w.data * x.data))
    linear = act is None
    # The activation's own rule at this output: d(out)/d(sum), as the sweep computes it.
    slope = 1.0 if act is None else float(act.rule(1.0, node.data, node.data)[0])
    upstream = grad * slope
    at_sum, at_products = (upstream, upstream) if received is None else received
    parts = tuple(Part(label, "*", data, at_products) for label, data in products)
    if linear:
        return Expansion(n, parts, None, "", 1.0)
    activation = act.name if act is not None else "act"
    return Expansion(n, parts, Part(SUM_LABEL, "+", total, at_sum), activation, slope)


def _short(node: Value, fallback: str) -> str:
    """A label's last dotted part (``layers.0.neurons.3.w[1]`` -> ``w[1]``)."""
    return node.label.rpartition(".")[2] if node.label else fallback
