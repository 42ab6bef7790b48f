"""Step-through backward: frames explain each step and end in backward()'s gradients."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_engine as ag
from autograd_engine import Frame, Value, backward_steps, topological_order

# Each op grows values at most threefold, so ten of them stay far from overflow.
BUILD = {
    "+": lambda a, b: a + b,
    "*": lambda a, b: a * b.tanh(),
    "/": lambda a, b: a / (b * b + 1),
    "tanh": lambda a, b: a.tanh(),
    "exp": lambda a, b: a.tanh().exp(),
    "dot": lambda a, b: ag.dot([a, b.tanh(), a], [b.tanh(), b.tanh(), 2.0]),
}


def build(recipe: list[tuple[str, int, int]], leaves: list[float]) -> Value:
    """The same graph, freshly built, from a recipe: ops on earlier nodes."""
    nodes = [Value(x, label=f"x{i}") for i, x in enumerate(leaves)]
    for op, i, j in recipe:
        nodes.append(BUILD[op](nodes[i % len(nodes)], nodes[j % len(nodes)]))
    return nodes[-1]


recipes = st.lists(
    st.tuples(st.sampled_from(sorted(BUILD)), st.integers(0, 50), st.integers(0, 50)),
    min_size=1,
    max_size=10,
)
leaf_values = st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=3)


@given(recipe=recipes, leaves=leaf_values)
def test_frames_end_in_exactly_the_gradients_of_backward(recipe, leaves) -> None:
    expected = build(recipe, leaves)
    expected.backward()
    stepped = build(recipe, leaves)
    frames = list(backward_steps(stepped))
    grads = [n.grad for n in topological_order(stepped)]
    assert grads == [n.grad for n in topological_order(expected)]  # bit for bit
    assert len(frames) == sum(1 for n in topological_order(stepped) if n.parents)
    assert [f.step for f in frames] == list(range(1, len(frames) + 1))


def test_square_frame_holds_the_chain_rule_arithmetic() -> None:
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    (frame,) = backward_steps(y)
    assert isinstance(frame, Frame)
    assert (frame.node, frame.upstream, frame.local) == (y, 1.0, (3.0, 3.0))
    assert frame.contributions == (3.0, 3.0)
    assert frame.parent_grads == (6.0, 6.0)
    assert str(frame) == (
        "1/1 y = * of (x, x), grad 1.0000: x.grad += 1.0000 × 3.0000 = 3.0000 → 3.0000; "
        "x.grad += 1.0000 × 3.0000 = 3.0000 → 6.0000"
    )


def test_diamond_frames() -> None:
    a = Value(2.0, label="a")
    b = a + a
    b.label = "b"
    c = b * b
    c.label = "c"
    first, second = backward_steps(c)
    assert (first.node, first.local, first.parent_grads) == (c, (4.0, 4.0), (8.0, 8.0))
    assert (second.node, second.upstream, second.parent_grads) == (b, 8.0, (16.0, 16.0))
    assert "a.grad += 8.0000 × 1.0000 = 8.0000 → 16.0000" in second.explanation


def test_a_frame_drawn_later_shows_the_gradients_of_its_step() -> None:
    a = Value(2.0, label="a")
    b = a + a
    b.label = "b"
    c = b * b
    frames = list(backward_steps(c))
    assert a.grad == 16.0
    assert frames[0].grads()[a] == 0.0 and frames[1].grads()[a] == 16.0
    source = frames[0].source
    assert 'label="{ a | data 2.0000 | grad 0.0000 }"' in source
    assert 'label="{ b | data 4.0000 | grad 8.0000 }"' in source
    assert 'color="#e03131"' in source  # the node being processed is outlined
    assert source.count("local 4.0000") == 2 and "local 1.0000" not in source
    assert frames[0].explanation.replace("×", "") in source.replace("×", "")
    assert 'label="{ a | data 2.0000 | grad 16.0000 }"' in frames[1].source


def test_leaves_accumulate_like_backward() -> None:
    x = Value(3.0)
    y = x * x
    list(backward_steps(y))
    list(backward_steps(y))
    assert x.grad == 12.0
    z = Value(1.0)
    assert list(backward_steps(z, grad=2.0)) == [] and z.grad == 2.0


def test_wide_nodes_are_explained_in_one_line() -> None:
    ws = [Value(float(i), label=f"w{i}") for i in range(10)]
    (frame,) = backward_steps(ag.dot(ws, [1.0] * 10))
    assert "\n" not in frame.explanation and "and 16 more inputs" in frame.explanation
    assert frame.contributions == (1.0,) * 10 + tuple(float(i) for i in range(10))


def test_errors_are_those_of_backward() -> None:
    with pytest.raises(ZeroDivisionError) as stepped:
        list(backward_steps(Value(0.0).sqrt()))
    with pytest.raises(ZeroDivisionError) as direct:
        Value(0.0).sqrt().backward()
    assert str(stepped.value) == str(direct.value)


def test_frames_of_a_network_step_draw_within_the_budget() -> None:
    rng = random.Random(0)
    ws = [Value(rng.uniform(-1, 1)) for _ in range(8)]
    loss = ag.sum((ag.dot(ws, [rng.uniform(-1, 1) for _ in ws]).tanh() - 1) ** 2 for _ in range(60))
    frames = backward_steps(loss)
    next(frames)
    frame = next(frames)  # a squared error term, deep inside a graph of ~800 nodes
    graph = frame.draw(max_nodes=30)  # too big to draw whole: drawn around the node
    assert graph.drawn_values <= 30 and frame.node in graph._plan.units
    assert graph._plan.considered < graph.total_values
    assert frame.draw(depth=1).drawn_values == 3  # the node, its input and its consumer
    assert frame.draw(max_nodes=None).drawn_values == graph.total_values


def test_a_frame_renders_as_svg() -> None:
    pytest.importorskip("pygraphviz", reason="the draw extra is not installed")
    x = Value(3.0, label="x")
    frame = next(backward_steps((x * x).tanh() + 0))
    svg = frame._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "x" in svg


# Expanded neurons: a fused neuron stepped as activation, sum and products.

ACTIVATIONS = ["tanh", "relu", "sigmoid", "linear"]


def neuron_pair(activation: str, ws: list[float], xs: list[float], b: float):
    """The same neuron fused (one ``affine`` node) and built from primitives."""

    def leaves():
        return (
            [Value(w, label=f"w[{i}]") for i, w in enumerate(ws)],
            [Value(x, label=f"x[{i}]") for i, x in enumerate(xs)],
            Value(b, label="b"),
        )

    fw, fx, fb = leaves()
    fused = ag.affine((*fw, fb), fx, activation)
    uw, ux, ub = leaves()
    products = [w * x for w, x in zip(uw, ux, strict=True)]
    total = ag.sum([ub, *products])  # one n-ary sum from the bias, as the fused node adds
    unfused = total if activation == "linear" else getattr(total, activation)()
    return (fused, [*fw, fb, *fx]), (unfused, [*uw, ub, *ux], total, products)


@given(
    activation=st.sampled_from(ACTIVATIONS),
    ws=st.lists(st.floats(-2.0, 2.0), min_size=1, max_size=4),
    data=st.data(),
)
def test_an_expanded_neuron_steps_as_its_unfused_build(activation, ws, data) -> None:
    xs = data.draw(st.lists(st.floats(-2.0, 2.0), min_size=len(ws), max_size=len(ws)))
    b = data.draw(st.floats(-1.0, 1.0))
    (fused, fused_leaves), (unfused, leaves, total, products) = neuron_pair(activation, ws, xs, b)
    expanded = list(backward_steps(fused, expand_neurons=True))
    reference = {frame.node: frame for frame in backward_steps(unfused)}
    # What each expanded step stands for in the unfused graph, in the order they come.
    chain = [*([unfused] if activation != "linear" else []), total, *products]
    assert len(expanded) == len(chain) == len(reference)
    for frame, node in zip(expanded, chain, strict=True):
        ref = reference[node]
        assert (frame.upstream, frame.local) == (ref.upstream, ref.local), frame.part
        assert frame.contributions == ref.contributions
        assert frame.parent_grads == ref.parent_grads
        assert frame.step == expanded.index(frame) + 1 and frame.total == len(chain)
    assert [leaf.grad for leaf in fused_leaves] == [leaf.grad for leaf in leaves]


def test_expanded_steps_explain_and_draw_the_lecture_neuron() -> None:
    (fused, (w1, _, b, x1, _)), _ = neuron_pair("tanh", [-3.0, 1.0], [2.0, 0.0], 6.8813735870195432)
    frames = list(backward_steps(fused))  # small: expanded by default
    assert [f.part for f in frames] == ["tanh", "b + Σ w·x", "x[0]·w[0]", "x[1]·w[1]"]
    assert frames[0].inputs == ("b + Σ w·x",) and frames[1].inputs == (b, "x[0]·w[0]", "x[1]·w[1]")
    assert frames[2].inputs == (w1, x1)
    assert frames[0].explanation == (
        "1/4 t1 = tanh of (b + Σ w·x), grad 1.0000: "
        "b + Σ w·x.grad += 1.0000 × 0.5000 = 0.5000 → 0.5000"
    )
    assert "x[0]·w[0].grad += 0.5000 × 1.0000 = 0.5000 → 0.5000" in frames[1].explanation
    # Drawn at the first step, the sum holds its gradient and the products not yet theirs.
    first = frames[0].source
    assert "b + Σ w·x | data 0.8814 | grad 0.5000" in first
    assert "x[0]·w[0] | data -6.0000 | grad 0.0000" in first
    assert "x[0]·w[0] | data -6.0000 | grad 0.5000" in frames[1].source
    assert "{ w[0] | data -3.0000 | grad 0.0000 }" in frames[1].source
    assert "{ w[0] | data -3.0000 | grad 1.0000 }" in frames[2].source
    assert [f.part for f in backward_steps(fused, expand_neurons=False)] == [""]


def test_big_graphs_step_whole_neurons_unless_forced() -> None:
    rng = random.Random(0)
    xs = [Value(rng.uniform(-1, 1)) for _ in range(4)]
    layer = [
        ag.affine([Value(rng.uniform(-1, 1)) for _ in range(5)], xs, "relu") for _ in range(12)
    ]
    out = ag.sum(layer)
    assert len(list(backward_steps(out))) == 13  # 12 neurons of 4 inputs: too big to expand
    for x in xs:
        x.grad = 0.0  # leaves accumulate, as in backward()
    forced = list(backward_steps(out, expand_neurons=True))
    assert len(forced) == 1 + 12 * (1 + 1 + 4) and forced[-1].total == len(forced)
    stepped = [x.grad for x in xs]
    for x in xs:
        x.grad = 0.0
    out.backward()
    assert stepped == [x.grad for x in xs]  # the sweep's own bits
    with pytest.raises(TypeError, match="expand_neurons must be True, False or None"):
        backward_steps(out, expand_neurons="yes")
