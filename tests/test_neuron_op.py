"""``affine``, the fused neuron: the same bits as the chain of primitives it replaces.

The plain path is micrograd's neuron built from ``*`` and ``+`` nodes
(``act(sum((w * x for ...), b))``); the fused node must give its value and every
gradient to the last bit, alone and in a layer whose neurons share one input tuple.
"""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_engine as ag
from autograd_engine import OPS, Value, affine, grad, record
from autograd_engine.graph import interior_order

finite = st.floats(-3.0, 3.0, allow_nan=False)
activations = st.sampled_from(["linear", "relu", "tanh", "sigmoid"])


def bits(values: list[float]) -> list[bytes]:
    return [struct.pack("<d", v) for v in values]


def chain(params: list[Value], inputs: list[Value], activation: str) -> Value:
    """The neuron as micrograd builds it: the sum starts from the bias."""
    n = len(inputs)
    total = sum((w * x for w, x in zip(params[:n], inputs, strict=True)), params[n])
    return total if activation == "linear" else getattr(total, activation)()


def build_layer(data: dict, fused: bool) -> tuple[Value, list[Value]]:
    """Two layers (3 neurons on shared inputs, then one) and a loss; returns loss and leaves."""
    leaves = [Value(v) for v in data["x"]]
    hidden_params = [[Value(v) for v in row] for row in data["hidden"]]
    out_params = [Value(v) for v in data["out"]]
    act = data["activation"]
    inputs = [x * 1.0 for x in leaves]  # interior inputs, as a deeper layer has
    if fused:
        shared = tuple(inputs)
        hidden = [affine(tuple(p), shared, act) for p in hidden_params]
        y = affine(tuple(out_params), tuple(hidden), "linear")
    else:
        hidden = [chain(p, inputs, act) for p in hidden_params]
        y = chain(out_params, hidden, "linear")
    loss = (y - 0.5) ** 2
    everything = leaves + [p for row in hidden_params for p in row] + out_params
    return loss, everything


layer_data = st.fixed_dictionaries(
    {
        "x": st.lists(finite, min_size=2, max_size=2),
        "hidden": st.lists(st.lists(finite, min_size=3, max_size=3), min_size=3, max_size=3),
        "out": st.lists(finite, min_size=4, max_size=4),
        "activation": activations,
    }
)


@given(layer_data)
def test_a_fused_layer_gives_the_chains_bits(data) -> None:
    fused, fused_leaves = build_layer(data, fused=True)
    plain, plain_leaves = build_layer(data, fused=False)
    assert bits([fused.data]) == bits([plain.data])
    fused.backward()
    plain.backward()
    assert bits([v.grad for v in fused_leaves]) == bits([v.grad for v in plain_leaves])


@given(st.integers(0, 4), activations, st.data())
def test_fused_node_equals_its_table_entry_even_with_repeated_operands(n, activation, data) -> None:
    pool = [Value(data.draw(finite)) for _ in range(3)]
    pick = st.integers(0, 2)
    params = tuple(pool[data.draw(pick)] for _ in range(n + 1))  # a Value may repeat
    inputs = tuple(pool[data.draw(pick)] for _ in range(n))
    fast = affine(params, inputs, activation)
    name = "affine" if activation == "linear" else f"affine_{activation}"
    plain = OPS[name](*params, *inputs)
    assert fast._shared_inputs is inputs and plain._shared_inputs is None  # shared inputs, and flat
    assert fast.op == plain.op == name and fast.parents == plain.parents
    assert bits([fast.data]) == bits([plain.data])
    fast.backward()
    want = [v.grad for v in pool]
    for v in pool:
        v.grad = 0.0
    plain.backward()
    assert bits([v.grad for v in pool]) == bits(want)


def test_shared_tuples_are_stored_not_copied() -> None:
    params = (Value(1.0), Value(2.0), Value(0.5))
    inputs = (Value(3.0), Value(4.0))
    a, b = affine(params, inputs, "relu"), affine(params, inputs, "tanh")
    assert a._parents is params and a._shared_inputs is inputs and b._shared_inputs is inputs
    assert a.parents == (*params, *inputs)
    assert not a.is_leaf and a.data == 11.5


def test_backward_order_is_the_plain_walks_order() -> None:
    # Many nodes share each tuple: the walk reads each once and still finds every node.
    params = [tuple(Value(0.1 * (i + j)) for j in range(3)) for i in range(4)]
    layers = []
    for sample in range(3):
        xs = (Value(sample + 0.5) * 1.0, Value(-sample - 0.25) * 1.0)
        hidden = tuple(affine(p, xs, "relu") for p in params[:3])
        layers.append(affine((*params[3], Value(0.0))[:4], hidden[:3], "linear"))
    loss = ag.sum(layers)
    walked = interior_order(loss)
    plain = [n for n in ag.topological_order(loss, reverse=True) if n.parents]
    assert walked == plain


def test_a_non_finite_sum_builds_a_plain_node_that_adds_every_term() -> None:
    w, b = Value(math.inf), Value(0.0)
    x = Value(0.0)
    y = affine((w, b), (x,), "relu")  # inf * 0 is NaN: relu passes it on, nothing is skipped
    assert y._shared_inputs is None and y.op == "affine_relu" and math.isnan(y.data)
    y.backward()
    plain_w, plain_b, plain_x = Value(math.inf), Value(0.0), Value(0.0)
    z = chain([plain_w, plain_b], [plain_x], "relu")
    z.backward()
    assert bits([w.grad, b.grad, x.grad]) == bits([plain_w.grad, plain_b.grad, plain_x.grad])


def test_numbers_and_floats() -> None:
    assert affine([2.0, 1.0], [3.0], "relu") == 7.0  # floats in, a float out
    w = Value(2.0)
    y = affine([w, 1.0], [3.0], "linear")  # numbers become constants
    assert y.data == 7.0 and [p.kind for p in y.parents] == [None, "constant", "constant"]
    y.backward()
    assert w.grad == 3.0


def test_clear_errors() -> None:
    w = Value(1.0)
    with pytest.raises(ValueError, match=r"affine: 2 params for 2 inputs"):
        affine((w, w), (w, w))
    with pytest.raises(ValueError, match=r"unknown activation 'softplus'; choose from linear"):
        affine((w, w), (w,), "softplus")
    with pytest.raises(TypeError, match="str"):
        affine((w, "b"), (w,))


def test_no_grad_and_anomaly() -> None:
    w, b, x = Value(2.0), Value(1.0), Value(3.0)
    with ag.no_grad():
        y = affine((w, b), (x,), "relu")
    assert y.is_leaf and y._shared_inputs is None and y.data == 7.0
    with ag.detect_anomaly():
        affine((w, b), (x,), "tanh").backward()
    assert w.grad == pytest.approx(3.0 * (1 - math.tanh(7.0) ** 2))


@given(st.lists(finite, min_size=5, max_size=5), activations)
def test_second_derivatives_equal_the_chains(values, activation) -> None:
    w1, w2, b, x1, x2 = (Value(v) for v in values)
    fused = affine((w1, w2, b), (x1, x2), activation)
    plain = chain([w1, w2, b], [x1, x2], activation)
    if activation == "relu" and abs(plain.data) < 1e-9:
        return  # on the kink both are 0, with or without a tiny sum
    for wrt in (w1, x2, b):
        first = grad(fused, wrt, create_graph=True)
        first_plain = grad(plain, wrt, create_graph=True)
        assert first.data == pytest.approx(first_plain.data, rel=1e-12, abs=1e-12)
        second = grad(first, [w1, x1, x2])
        second_plain = grad(first_plain, [w1, x1, x2])
        assert second == pytest.approx(second_plain, rel=1e-9, abs=1e-12)


@given(layer_data, st.lists(finite, min_size=2, max_size=2))
def test_replay_of_fused_nodes_is_backward_bit_for_bit(data, new_x) -> None:
    loss, leaves = build_layer(data, fused=True)
    tape = record(loss)
    for leaf, value in zip(leaves, new_x, strict=False):
        leaf.data = value  # new inputs: relus may open or close
    for leaf in leaves:
        leaf.grad = 0.0
    tape.run()
    replayed = [leaf.grad for leaf in leaves]
    fresh, fresh_leaves = build_layer({**data, "x": new_x}, fused=True)
    fresh.backward()
    assert bits([tape.output.data]) == bits([fresh.data])
    assert bits(replayed) == bits([leaf.grad for leaf in fresh_leaves])


@given(st.integers(0, 3), st.integers(1, 4), activations, st.data())
def test_affine_layer_builds_the_nodes_affine_would(n, rows, activation, data) -> None:
    inputs = tuple(Value(data.draw(finite)) * 1.0 for _ in range(n))
    params = [tuple(Value(data.draw(finite)) for _ in range(n + 1)) for _ in range(rows)]
    layer = ag.affine_layer(params, inputs, activation)
    one_by_one = [affine(p, inputs, activation) for p in params]
    assert [y.op for y in layer] == [y.op for y in one_by_one]
    assert bits([y.data for y in layer]) == bits([y.data for y in one_by_one])
    assert all(
        y._parents is p and y._shared_inputs is inputs for y, p in zip(layer, params, strict=True)
    )
    assert [y._seq for y in layer] == sorted(y._seq for y in layer)  # creation order kept
    loss = ag.sum(layer)
    loss.backward()
    want = [v.grad for row in params for v in row]
    for row in params:
        for v in row:
            v.grad = 0.0
    ag.sum(one_by_one).backward()
    assert bits([v.grad for row in params for v in row]) == bits(want)


def test_affine_layer_falls_back_to_affine_on_anything_unusual() -> None:
    xs = (Value(1.0), Value(2.0))
    good = (Value(1.0), Value(1.0), Value(0.5))
    as_list = [Value(1.0), Value(1.0), Value(0.5)]
    huge = (Value(1e308), Value(1e308), Value(0.0))
    ys = ag.affine_layer([good, as_list, huge], xs, "tanh")
    assert [y.data for y in ys[:2]] == [math.tanh(3.5)] * 2
    assert (
        ys[0]._shared_inputs is xs and ys[2]._shared_inputs is None
    )  # an infinite sum: a plain node
    floats = ag.affine_layer([good], [1.0, 2.0], "linear")
    assert floats[0].data == 3.5 and floats[0].parents[3].kind == "constant"
    with pytest.raises(ValueError, match="3 params for 1 inputs"):
        ag.affine_layer([good], xs[:1])
    with pytest.raises(ValueError, match="unknown activation"):
        ag.affine_layer([good], xs, "swish")
    with ag.no_grad():
        (leaf,) = ag.affine_layer([good], xs, "relu")
    assert leaf.is_leaf and leaf.data == 3.5
    with ag.detect_anomaly(), pytest.raises(ag.AnomalyError, match="affine"):
        ag.affine_layer([(Value(math.nan), Value(0.0))], (Value(1.0),))


def test_relu_passes_negative_zero_and_nan_as_micrograd_and_pytorch_do() -> None:
    # A sum of exactly -0.0 (bias -0.0 plus 1.0 * -0.0) stays -0.0 through relu, fused or not,
    # alone, in a layer and in a replay; a NaN reaching a relu stays NaN.
    def leaves() -> tuple[tuple[Value, ...], tuple[Value, ...]]:
        return (Value(1.0), Value(-0.0)), (Value(-0.0),)

    params, xs = leaves()
    fused = affine(params, xs, "relu")
    (in_layer,) = ag.affine_layer([params], xs, "relu")
    plain = chain(list(params), list(xs), "relu")
    assert bits([fused.data, in_layer.data, plain.data]) == bits([-0.0] * 3)
    loss = fused * 2.0
    tape = record(loss)
    assert bits([tape.forward()]) == bits([loss.data]) == bits([-0.0])
    assert math.isnan(ag.relu(math.nan)) and math.isnan(Value(math.nan).relu().data)
    assert math.isnan(affine((Value(math.nan), Value(0.0)), (Value(1.0),), "relu").data)


def test_the_neuron_sum_terms_are_the_tables_product_and_sum_rules() -> None:
    # The neuron writes no derivative of its own: its terms are * and + traced on names.
    from autograd_engine.fused import BIAS_TERM, INPUT_TERM, WEIGHT_TERM, pre_activation_rule
    from autograd_engine.trace import Sym, text

    product = OPS["*"].rule(Sym("gp"), Sym("p"), Sym("w"), Sym("x"))
    assert [text(t) for t in product] == [WEIGHT_TERM, INPUT_TERM]
    assert text(OPS["+"].rule(Sym("gp"), Sym("s"), Sym("b"), Sym("p"))[0]) == BIAS_TERM
    gp, (w1, w2), b, (x1, x2) = 1.5, (2.0, -3.0), 0.5, (4.0, 0.25)
    per_pair = [OPS["*"].rule(gp, w * x, w, x) for w, x in ((w1, x1), (w2, x2))]
    want = [t[0] for t in per_pair] + [OPS["+"].rule(gp, 0.0, b, 0.0)[0]] + [t[1] for t in per_pair]
    assert pre_activation_rule(gp, 0.0, w1, w2, b, x1, x2) == want
