"""Edge labels: each edge shows d(out)/d(input) and the contribution out.grad * local.

The picture must answer "why is this gradient 6?": the contributions printed on a node's
outgoing edges add up to the gradient printed in the node.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from autograd_engine import Value, draw_graph, local_derivatives, topological_order
from autograd_engine.viz.labels import format_number

EDGE = re.compile(
    r'^\t(v\d+) -> (v\d+)op \[label="local (\S+)\\ngrad \+= (\S+) × (\S+)\\n= (\S+)"\]$',
    re.MULTILINE,
)


def labelled_edges(root: Value) -> list[tuple[Value, Value, str, str, str, str]]:
    """(input, output, local, upstream, local again, contribution) per drawn edge."""
    order = topological_order(root)
    source = draw_graph(root, edge_labels=True, max_nodes=None).source
    return [
        (order[int(a[1:])], order[int(b[1:])], local, upstream, again, contribution)
        for a, b, local, upstream, again, contribution in EDGE.findall(source)
    ]


def test_square_draws_two_contributions_that_sum_to_the_gradient() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    edges = labelled_edges(y)
    assert [(e[2], e[3], e[5]) for e in edges] == [("3.0000", "1.0000", "3.0000")] * 2
    assert x.grad == 6.0  # 3 + 3, the two edges


def test_diamond_contributions() -> None:
    a = Value(2.0, label="a")
    b = a + a  # 4
    c = b * b  # 16; dc/db = 2b = 8 as two edges of 4; dc/da = 8 + 8
    c.backward()
    edges = labelled_edges(c)
    into_b = [(e[2], e[3], e[5]) for e in edges if e[1] is b]
    into_c = [(e[2], e[3], e[5]) for e in edges if e[1] is c]
    assert into_c == [("4.0000", "1.0000", "4.0000")] * 2
    assert into_b == [("1.0000", "8.0000", "8.0000")] * 2
    assert (b.grad, a.grad) == (8.0, 16.0)


def test_labels_hold_the_engines_local_derivatives() -> None:
    x, w = Value(0.7, label="x"), Value(-1.3, label="w")
    y = (x * w).tanh() / (x + 2)
    y.backward()
    for parent, child, local, upstream, again, contribution in labelled_edges(y):
        operands = [i for i, p in enumerate(child.parents) if p is parent]
        expected = {format_number(local_derivatives(child)[i]) for i in operands}
        assert local == again and local in expected
        assert upstream == format_number(child.grad)
        products = {format_number(child.grad * local_derivatives(child)[i]) for i in operands}
        assert contribution in products


def test_without_grads_edges_show_only_the_local_derivative() -> None:
    x = Value(3.0, label="x")
    source = draw_graph(x * x, edge_labels=True, show_grad=False).source
    assert source.count('[label="local 3.0000"]') == 2


BUILD = {
    "+": lambda a, b: a + b,
    "*": lambda a, b: a * b,
    "-": lambda a, b: a - b,
    "tanh": lambda a, b: a.tanh(),
    "square": lambda a, b: a**2,
}


@st.composite
def dags(draw: st.DrawFn) -> Value:
    """Small random graphs with shared nodes (fan-out, diamonds, repeated operands)."""
    leaves = draw(st.integers(1, 3))
    nodes = [Value(draw(st.floats(-2.0, 2.0)), label=f"x{i}") for i in range(leaves)]
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(sorted(BUILD)))
        a = nodes[draw(st.integers(0, len(nodes) - 1))]
        b = nodes[draw(st.integers(0, len(nodes) - 1))]
        nodes.append(BUILD[op](a, b))
    return nodes[-1]


@given(root=dags())
def test_contributions_on_out_edges_add_up_to_each_gradient(root: Value) -> None:
    root.backward()
    received: dict[Value, list[float]] = defaultdict(list)
    for parent, _, _, _, _, contribution in labelled_edges(root):
        received[parent].append(float(contribution))
    assert received or not root.parents
    for node, contributions in received.items():
        # Printed numbers carry 4 decimals, or 4 significant digits in exponent form.
        scale = sum(abs(c) for c in contributions)
        tolerance = len(contributions) * 1e-4 + 1e-3 * scale
        assert abs(math.fsum(contributions) - node.grad) <= tolerance
