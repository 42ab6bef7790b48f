"""Every backward path against the reference sweep, bit for bit, on random graphs.

The reference sweep (``autograd_engine.backprop``) is the design card as code: outputs
first, each node's rule, the engine adds. Every other path is a specialisation of it and
must give its very bits (``float.hex``, sign of zero included): the fast sweep of
``backward()``, the checked sweep of ``detect_anomaly()``, ``grad()``,
``grad(create_graph=True)`` evaluated, graph replay and ``backward_steps``.

Graphs are drawn from every op of the table (fixed-arity ops, parametrised ones, the
n-ary ones by their declared layout), plus the operators' own fast paths and neurons
that share parameter and input tuples (``affine``, ``affine_layer``), over a small pool
of nodes so that operands repeat and nodes fan out.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import param

import autograd_engine as ag
from autograd_engine import AFFINE_ACTIVATIONS, OPS, Value, backward_steps, grad, record
from autograd_engine.backprop import IN_NODES, backprop
from autograd_engine.graph import interior_order, reachable

FINITE = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


def bits(values: list[float]) -> list[str]:
    return [float(v).hex() for v in values]


def _apply(draw: st.DrawFn, pool: list[Value]) -> Value | None:
    """One new node from the pool, or None when the op refuses these operands."""
    pick = st.sampled_from(pool)
    kind = draw(st.sampled_from(["table", "operator", "affine", "layer"]))
    if kind == "operator":
        a, b = draw(pick), draw(pick)
        op = draw(st.sampled_from(["+", "-", "*", "/", "**2", "*c", "c+", "neg"]))
        forms = {
            "+": lambda: a + b,
            "-": lambda: a - b,
            "*": lambda: a * b,
            "/": lambda: a / b,
            "**2": lambda: a**2,
            "*c": lambda: a * 1.5,
            "c+": lambda: 0.5 + a,
            "neg": lambda: -a,
        }
        return forms[op]()
    if kind in ("affine", "layer"):
        n = draw(st.integers(1, 3))
        activation = draw(st.sampled_from(AFFINE_ACTIVATIONS))
        xs = tuple(draw(pick) for _ in range(n))
        rows = [tuple(draw(pick) for _ in range(n + 1)) for _ in range(draw(st.integers(1, 3)))]
        if kind == "affine":
            return ag.affine(rows[0], xs, activation)  # type: ignore[return-value]
        layer = ag.affine_layer(rows, xs, activation)
        pool.extend(layer[:-1])  # type: ignore[arg-type]
        return layer[-1]  # type: ignore[return-value]
    spec = OPS[draw(st.sampled_from(sorted(OPS)))]
    if spec.arity:
        count = spec.arity
    else:
        k = draw(st.integers(1, 3))
        count = {"pairs": 2 * k, "neuron": 2 * k - 1}.get(spec.layout, k)
    inputs = [draw(pick) for _ in range(count)]
    params = {name: draw(param(name, default)) for name, default in spec.params.items()}
    return spec(*inputs, **params)  # type: ignore[return-value]


@st.composite
def graphs(draw: st.DrawFn) -> tuple[Value, list[Value]]:
    """A random graph over a few leaves (one of them a constant); its output and leaves."""
    leaves = [Value(v) for v in draw(st.lists(FINITE, min_size=1, max_size=4))]
    leaves.append(ag.constant(draw(FINITE)))
    pool = list(leaves)
    for _ in range(draw(st.integers(1, 8))):
        try:
            node = _apply(draw, pool)
        except (ArithmeticError, ValueError):
            continue  # outside the op's domain: not this graph
        if node is not None and math.isfinite(node.data) and abs(node.data) < 1e6:
            pool.append(node)
    # The output adds up the last few nodes, so that most of the graph is reached.
    last = pool[-3:]
    out = last[0] if len(last) == 1 else ag.sum(last)
    assume(isinstance(out, Value) and out._parents)
    return out, leaves  # type: ignore[return-value]


def reset(out: Value) -> None:
    for node in reachable(out):
        node.grad = 0.0


def reference(out: Value) -> list[float]:
    """Every node's gradient after the reference sweep (backward's starting state)."""
    reset(out)
    out.grad = 1.0
    backprop(interior_order(out), IN_NODES)
    return [node.grad for node in reachable(out)]


# Hypothesis' own default example count (100), not the suite's lighter profile
# (conftest.py: 40): the issue asks for this property at the default count.
@settings(max_examples=100, deadline=None)
@given(graphs())
def test_every_backward_path_gives_the_reference_bits(drawn: tuple[Value, list[Value]]) -> None:
    out, _ = drawn
    try:
        want = reference(out)
    except (ArithmeticError, ValueError):
        assume(False)  # a pole on the way back (sqrt at 0, ...): every path raises there
    nodes = reachable(out)
    assume(all(math.isfinite(g) for g in want))
    expected = bits(want)
    leaf_bits = [bits([node.grad])[0] for node in nodes if not node._parents]

    reset(out)
    out.backward()
    assert bits([n.grad for n in nodes]) == expected, "fast sweep"

    reset(out)
    with ag.detect_anomaly():
        out.backward()
    assert bits([n.grad for n in nodes]) == expected, "checked sweep"

    reset(out)
    for _ in backward_steps(out):
        pass
    assert bits([n.grad for n in nodes]) == expected, "backward_steps"

    leaf_nodes = [n for n in nodes if not n._parents]
    got = grad(out, leaf_nodes)
    assert bits([0.0 + g for g in got]) == leaf_bits, "grad"

    symbolic: list[Any] = grad(out, leaf_nodes, create_graph=True)
    assert bits([0.0 + g.data for g in symbolic]) == leaf_bits, "grad(create_graph=True)"

    reset(out)
    record(out).run()  # a tape writes no gradient into constants
    pairs = zip(leaf_nodes, leaf_bits, strict=True)
    replayed = [(n.grad, b) for n, b in pairs if n.kind != "constant"]
    assert bits([g for g, _ in replayed]) == [b for _, b in replayed], "replay"
