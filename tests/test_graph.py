"""Graph walks: iterative, complete, deterministic."""

from __future__ import annotations

import autograd_engine as ag
from autograd_engine import Value, edges, reachable, topological_order


def build() -> tuple[Value, Value, Value]:
    a = Value(1.0, label="a")
    b = Value(2.0, label="b")
    c = (a * b + a).tanh()
    return a, b, c


def test_topological_order_puts_parents_first() -> None:
    *_, c = build()
    order = topological_order(c)
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for parent in node.parents:
            assert position[parent] < position[node]
    assert order[-1] is c
    assert topological_order(c, reverse=True) == order[::-1]


def test_reachable_lists_each_node_once() -> None:
    a, b, c = build()
    nodes = reachable(c)
    assert len(nodes) == len(set(nodes)) == 5
    assert a in nodes and b in nodes


def test_several_roots() -> None:
    a = Value(1.0)
    first, second = a * 2, a + 3
    assert set(reachable([first, second])) == {a, first, second, *first.parents, *second.parents}


def test_order_is_the_same_for_the_same_expression() -> None:
    def shape() -> list[tuple[str, str]]:
        *_, c = build()
        return [(n.op, n.label) for n in topological_order(c)]

    assert shape() == shape()


def test_edges_keep_operand_order_and_repeats() -> None:
    x = Value(3.0, label="x")
    y = Value(4.0, label="y")
    z = ag.dot([x, y], [x, x])
    assert [(p.label, i) for p, _, i in edges(z)] == [("x", 0), ("y", 1), ("x", 2), ("x", 3)]


def test_walks_do_not_recurse_on_deep_graphs() -> None:
    y = Value(1.0)
    for _ in range(50_000):
        y = y + 1.0
    assert len(topological_order(y)) == 100_001  # 50k sums, 50k constants, one leaf
