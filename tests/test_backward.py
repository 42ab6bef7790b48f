"""``Value.backward``: the regressions every engine of this family got wrong at some point."""

from __future__ import annotations

import gc
import math
import random

import pytest

import autograd_engine as ag
from autograd_engine import Value


def test_x_times_x() -> None:
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0


def test_a_plus_a() -> None:
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0


def test_diamond() -> None:
    a = Value(3.0)
    b = a + a
    c = b * b
    c.backward()
    assert (c.grad, b.grad, a.grad) == (1.0, 12.0, 24.0)  # dc/da = 2b * 2 = 8a


def test_fan_out() -> None:
    x = Value(2.0)
    y = x.exp() + x.sin() + x * 3
    y.backward()
    assert x.grad == pytest.approx(math.exp(2.0) + math.cos(2.0) + 3, rel=1e-15)


def test_second_backward_accumulates_on_leaves_only() -> None:
    x = Value(2.0)
    h = x * x
    y = h * 3
    y.backward()
    first = (x.grad, h.grad, y.grad)
    y.backward()
    assert (h.grad, y.grad) == first[1:]  # interior: recomputed, not doubled
    assert x.grad == 2 * first[0]  # leaf: accumulated, as in PyTorch


def test_zeroing_a_leaf_then_backward_again_gives_the_same_gradient() -> None:
    x = Value(2.0)
    y = (x * x).tanh()
    y.backward()
    once = x.grad
    x.grad = 0.0
    y.backward()
    assert x.grad == once


def test_shared_subexpression_in_two_outputs() -> None:
    x = Value(2.0)
    shared = x * x
    first, second = shared * 3, shared + 1
    first.backward()
    assert shared.grad == 3.0
    x.grad = 0.0
    second.backward()
    assert shared.grad == 1.0 and x.grad == 4.0


def test_backward_seed() -> None:
    x = Value(2.0)
    (x * 5).backward(grad=0.5)
    assert x.grad == 2.5


def test_backward_on_a_leaf() -> None:
    x = Value(2.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_every_node_holds_the_derivative_of_the_root() -> None:
    x = Value(0.5)
    a = x * 2
    b = a.tanh()
    c = b * b
    c.backward()
    assert c.grad == 1.0
    assert b.grad == 2 * b.data
    assert a.grad == pytest.approx(2 * b.data * (1 - b.data**2), rel=1e-15)


def test_a_chain_one_million_nodes_deep() -> None:
    x = Value(1.0)
    factor = Value(1.0001)
    y = x
    for _ in range(1_000_000):
        y = y * factor
    y.backward()
    assert y.data == pytest.approx(1.0001**1_000_000, rel=1e-9)
    assert x.grad == pytest.approx(1.0001**1_000_000, rel=1e-9)
    del y  # freeing a million-deep chain must not overflow the C stack either


def test_graphs_are_freed_without_the_cyclic_collector() -> None:
    def live_values() -> int:
        return sum(1 for o in gc.get_objects() if type(o) is Value)

    gc.collect()
    gc.disable()
    try:
        before = live_values()
        x = Value(0.3)
        y = ag.sum([ag.dot([x, x], [x.tanh(), x.exp()]), x**2, 2**x, -x]).relu()
        y.backward()
        dy = ag.grad(y, x, create_graph=True)
        assert live_values() > before
        del x, y, dy
        assert live_values() == before
    finally:
        gc.enable()


def test_ops_inside_backward_do_not_leak_into_the_graph() -> None:
    x = Value(1.5)
    y = x.sin() * x
    nodes_before = len(ag.reachable(y))
    y.backward()
    assert len(ag.reachable(y)) == nodes_before


def test_skipping_zero_gradient_fused_nodes_changes_no_bit() -> None:
    # A hinge loss on a relu network: most dot nodes get an exactly-zero gradient (dead
    # units, samples past the margin), which backward() skips. grad() never skips.
    rng = random.Random(7)
    weights = [[Value(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(6)]
    out_w = [Value(rng.uniform(-1, 1)) for _ in range(6)]
    terms = []
    for _ in range(30):
        x = [Value(rng.uniform(-2, 2)), Value(rng.uniform(-2, 2)), 1.0]
        hidden = [ag.dot(w, x).relu() for w in weights]
        score = ag.dot(out_w, hidden)
        terms.append((1 - rng.choice([-1, 1]) * score).relu())
    loss = ag.sum(terms) * (1 / 30)
    leaves = [leaf for leaf in ag.reachable(loss) if leaf.is_leaf]
    expected = ag.grad(loss, leaves)
    loss.backward()
    assert [leaf.grad.hex() for leaf in leaves] == [g.hex() for g in expected]
    dots = [n for n in ag.reachable(loss) if n.op == "dot"]
    assert sum(n.grad == 0.0 for n in dots) > len(dots) // 4  # the skip was exercised
