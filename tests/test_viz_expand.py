"""Expanded neurons: a fused ``affine`` node drawn as products, a sum and its activation,
with every intermediate's data and grad equal to what the unfused chain computes.

No rendering: the DOT text carries every number.
"""

from __future__ import annotations

import random
import re

import pytest

import autograd_engine as ag
from autograd_engine import Value, affine, draw_graph
from autograd_engine.viz.expand import expand


def lecture_neuron(activation: str = "tanh") -> tuple[Value, list[Value]]:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = affine((w1, w2, b), (x1, x2), activation)
    o.label = "o"
    o.backward()
    return o, [x1, x2, w1, w2, b]


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
def test_intermediates_match_the_unfused_chain(activation: str) -> None:
    rng = random.Random(7)
    for _ in range(20):
        n = rng.randint(1, 6)
        ws = [Value(rng.uniform(-2, 2)) for _ in range(n)]
        xs = [Value(rng.uniform(-2, 2)) for _ in range(n)]
        b = Value(rng.uniform(-1, 1))
        fused = affine((*ws, b), xs, activation)
        fused.backward()
        # The same neuron from primitives, summed left to right from the bias.
        products = [w * x for w, x in zip(ws, xs, strict=True)]
        total = b
        for p in products:
            total = total + p
        out = total if activation == "linear" else getattr(total, activation)()
        out.backward()
        chain = expand(fused, fused.grad)
        assert [p.data for p in chain.products] == [p.data for p in products]
        assert [p.grad for p in chain.products] == pytest.approx([p.grad for p in products])
        if activation == "linear":
            assert chain.total is None and chain.activation == ""
        else:
            assert chain.total.data == total.data
            assert chain.total.grad == pytest.approx(total.grad)
            assert chain.activation == activation


def test_other_nodes_are_not_expanded() -> None:
    x = Value(1.0)
    assert expand(x * 2, 1.0) is None and expand(x, 1.0) is None
    assert expand(ag.sum([x, x]), 1.0) is None


def test_the_lecture_neuron_is_drawn_as_the_lecture_draws_it() -> None:
    o, _ = lecture_neuron()
    source = draw_graph(o, edge_labels=True).source
    assert "x1·w1 | data -6.0000 | grad 0.5000" in source
    assert "x2·w2 | data 0.0000 | grad 0.5000" in source
    assert "b + Σ w·x | data 0.8814 | grad 0.5000" in source
    assert re.search(r"label=tanh", source)
    # w1's edge carries x1 as its local derivative and the product's gradient upstream
    assert 'v2 -> v5p0op [label="local 2.0000\\ngrad += 0.5000 × 2.0000\\n= 1.0000"]' in source
    assert "v5s -> v5op" in source and "affine" not in source


def test_big_drawings_stay_collapsed_unless_forced() -> None:
    rng = random.Random(0)
    xs = [Value(rng.uniform(-1, 1)) for _ in range(16)]
    layer = [affine([Value(rng.uniform(-1, 1)) for _ in range(17)], xs, "relu") for _ in range(16)]
    out = ag.sum(layer)
    out.backward()
    assert "·" not in draw_graph(out).source  # 16 neurons of 16 inputs: too many records
    assert len(re.findall(r"v\d+p\d+ \[", draw_graph(out, expand_neurons=True).source)) == 256
    o, _ = lecture_neuron()
    assert "affine_tanh" in draw_graph(o, expand_neurons=False).source
    with pytest.raises(TypeError, match="expand_neurons must be True or False"):
        draw_graph(o, expand_neurons="yes")


def test_left_to_right_the_first_product_is_drawn_on_top() -> None:
    pytest.importorskip("pygraphviz", reason="the draw extra is not installed")
    o, _ = lecture_neuron()
    svg = draw_graph(o, rankdir="LR").svg()
    top = {  # SVG y of each node's outline: smaller is higher on the page
        m.group(1): float(m.group(2))
        for m in re.finditer(
            r"<title>(v5p\d)</title>\s*<(?:polygon|path)[^>]*points=\"[-\d.]+,([-\d.]+)", svg
        )
    }
    assert top["v5p0"] < top["v5p1"], top
