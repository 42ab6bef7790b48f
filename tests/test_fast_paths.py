"""Every fast path against the plain path it replaces, bit for bit.

The engine takes shortcuts where training spends its time: fused ``dot``/``sum`` read
``.data`` directly, binary operators skip the
generic dispatch, parametrised rules are shared, ops carry a float ``source`` for replay.
Each shortcut must do the same floating-point operations in the same order as the path it
short-circuits, so results are compared with ``float.hex`` (sign of zero included).
"""

from __future__ import annotations

import itertools
import math
from functools import reduce
from operator import add

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_engine import OPS, Value, detect_anomaly, dot, grad, no_grad, scope
from autograd_engine import sum as vsum
from autograd_engine.errors import AnomalyError
from autograd_engine.floats import to_float
from autograd_engine.trace import NAMES, Sym, Untraceable, text, trace
from tests.strategies import op_inputs

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def bits(values: list[float]) -> list[str]:
    return [float(v).hex() for v in values]


@st.composite
def operands(draw: st.DrawFn, pairs: bool) -> tuple[list[Value], list[Value]]:
    """Operand lists drawn from a small pool, so that a node often appears twice."""
    pool = [Value(v) for v in draw(st.lists(finite, min_size=1, max_size=4))]
    pick = st.integers(0, len(pool) - 1).map(pool.__getitem__)
    count = draw(st.integers(1, 6))
    first = [draw(pick) for _ in range(count)]
    second = [draw(pick) for _ in range(count)] if pairs else []
    return first, second


@given(operands(pairs=True), st.lists(finite, min_size=1, max_size=6))
def test_fused_forward_fast_paths_equal_the_table_forward(ops, numbers) -> None:
    ws, xs = ops
    fast_dot = dot(ws, xs)
    table_dot = OPS["dot"](*ws, *xs)
    assert bits([fast_dot.data]) == bits([table_dot.data])
    assert fast_dot.parents == table_dot.parents
    mixed = [*ws, *numbers]  # plain numbers take the generic path; same value
    assert bits([vsum(mixed).data]) == bits([reduce(add, [*[w.data for w in ws], *numbers])])


@given(st.data())
def test_backward_sweep_equals_the_rule_path_of_grad(data) -> None:
    """backward() (unrolled arities, accumulate forms) against grad() (rules only)."""
    values = data.draw(st.lists(st.floats(-2, 2), min_size=3, max_size=3))
    a, b, c = (Value(v) for v in values)
    hidden = [dot([a, b, c], [c, a, b]).tanh(), vsum([a, b, a]) * c, (a - b) / (c * c + 1)]
    out = dot(hidden, [b, hidden[0], 2.0]) + vsum(hidden).relu()
    out.backward()
    # Leaves start at 0.0 and grad() does not: 0.0 + first term is the only difference.
    assert bits([a.grad, b.grad, c.grad]) == bits([0.0 + g for g in grad(out, [a, b, c])])


def _traced(function, names, params):
    try:
        result = trace(function, *map(Sym, names), *params)
    except Untraceable:
        return None
    return [text(t) for t in result] if isinstance(result, list | tuple) else text(result)


@given(st.data())
def test_traced_statements_compute_what_forward_and_rule_compute(data) -> None:
    """Replay's statements are each op's forward and rule run on names: same bits."""
    for spec in OPS.values():
        inputs, params = data.draw(op_inputs(spec), label=spec.name)
        fixed = tuple(params.values())
        g = data.draw(finite, label="g")
        names = [f"x{i}" for i in range(len(inputs))]
        scope_ = {**dict(zip(names, inputs, strict=True)), "g": g}
        try:
            want = spec.forward(*inputs, *fixed)
        except (ArithmeticError, ValueError):
            continue
        forward = _traced(spec.forward, names, fixed)
        if forward is not None:
            assert bits([eval(forward, {**NAMES, **scope_})]) == bits([want]), spec.name
        scope_["out"] = want
        terms = _traced(spec.rule, ["g", "out", *names], fixed)
        if terms is not None:
            rule_terms = spec.rule(g, want, *inputs, *fixed)
            got = [eval(t, {**NAMES, **scope_}) for t in terms]
            assert bits(got) == bits(list(rule_terms)), spec.name


def test_the_hot_ops_trace_to_expressions() -> None:
    """What replay and the sweep inline: traced, not called (a regression here is speed)."""
    for name in ("+", "-", "*", "/", "neg", "relu", "abs", "tanh", "sigmoid", "exp", "sum", "dot"):
        spec = OPS[name]
        count = spec.arity or 4
        names = [f"x{i}" for i in range(count)]
        assert _traced(spec.rule, ["g", "out", *names], ()) is not None, name
    assert _traced(OPS["relu"].forward, ["x"], ()) == "(0.0 if (x < 0) else x)"
    assert _traced(OPS["*"].rule, ["g", "out", "a", "b"], ()) == ["(g * b)", "(g * a)"]


@given(finite, finite)
def test_operator_fast_path_equals_the_table_entry(x, y) -> None:
    a, b = Value(x), Value(y)
    for op, fast in (("+", a + b), ("-", a - b), ("*", a * b), ("+", 2.5 + a), ("*", a * 3)):
        plain = OPS[op](*fast.parents)
        assert bits([fast.data]) == bits([plain.data])
        assert fast.op == plain.op and fast.parents == plain.parents


@given(st.floats(0.1, 10.0), st.sampled_from([2, 3, 0.5, -1.0, 2.5, 0]))
def test_power_fast_path_equals_the_table_entry(x, n) -> None:
    a = Value(x)
    fast, plain = a**n, OPS["**n"](a, exponent=n)
    assert bits([fast.data]) == bits([plain.data])
    assert fast.op == plain.op and fast._rule is plain._rule
    fast.backward()
    want = a.grad
    a.grad = 0.0
    plain.backward()
    assert bits([a.grad]) == bits([want])


def test_power_fast_path_errors_name_the_op() -> None:
    with pytest.raises(ZeroDivisionError, match=r"0\.0 \*\* -1\.0: zero cannot be raised"):
        Value(0.0) ** -1
    with pytest.raises(ValueError, match=r"-2\.0 \*\* 0\.5: a negative base"):
        Value(-2.0) ** 0.5


def test_modes_still_apply_on_the_fast_path() -> None:
    a, b = Value(1.0), Value(2.0)
    with scope("layer"):
        assert (a * b).scope == "layer" and (a * b).parents == (a, b)
    with no_grad():
        leaf = a * b
    assert leaf.parents == () and leaf.op == "" and leaf.data == 2.0
    with detect_anomaly(), pytest.raises(AnomalyError):
        Value(1e308) * Value(10.0)


def test_bound_rules_are_shared_and_know_their_op() -> None:
    x = Value(1.5)
    first, second = x**2, (x + 1) ** 2
    assert first._rule is second._rule
    assert first._rule.op_spec is OPS["**n"] and first._rule.op_params == (2.0,)
    assert (x**3)._rule is not first._rule
    assert x.leaky_relu(slope=0.3)._rule.op_params == (0.3,)


def test_value_constructor_fast_path_converts_like_to_float() -> None:
    np = pytest.importorskip("numpy")
    for raw in (3, True, 2.5, np.float32(0.1), np.int64(7), -0.0):
        assert bits([Value(raw).data]) == bits([to_float(raw)])
        assert type(Value(raw).data) is float


SPECIAL = [0.0, -0.0, 1.5, -2.0, math.inf, -math.inf, math.nan, 1e308]


@pytest.mark.parametrize("op", ["+", "*"])
def test_sweep_applies_add_and_mul_inline_with_the_rules_bits(op) -> None:
    # backward() adds the terms of + and * without calling their rules; grad() calls them.
    for x, y, seed in itertools.product(SPECIAL, SPECIAL, [1.0, -0.0, 2.5, math.inf]):
        for same in (False, True):  # x + x and x * x list one node twice
            a = Value(x)
            b = a if same else Value(y)
            out = OPS[op](a, b)
            want = grad(out, [a, b], grad_output=seed)
            out.backward(seed)
            got = [a.grad] if same else [a.grad, b.grad]
            expected = [want[0]] if same else want
            assert bits(got) == bits(expected), (op, x, y, seed, same)


# Every operator and unary method whose forward the table traces into the method's code
# (``operators.forward_source``), with the Value-side method that runs it.
_UNARY_METHODS = [
    (spec, getattr(Value, name))
    for spec in OPS.values()
    for name in (spec.name, "__neg__" if spec.name == "neg" else "")
    if spec.arity == 1 and not spec.params and name and callable(getattr(Value, name, None))
]
_BINARY_OPERATORS = [(OPS[op], method) for op, method in (("+", "add"), ("-", "sub"), ("*", "mul"))]


def test_generated_methods_trace_the_hot_forwards() -> None:
    from autograd_engine.operators import forward_source

    traced = {
        s.name for s, _ in _UNARY_METHODS if not forward_source(s, ["x"]).startswith("forward(")
    }
    assert {"neg", "relu"} <= traced  # inline: no call of the forward
    assert forward_source(OPS["/"], ["a", "b"]) == "forward(a, b)"  # a domain check: called


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_generated_unary_methods_equal_the_table_forward(x) -> None:
    for spec, method in _UNARY_METHODS:
        try:
            want = spec.evaluate([x])
        except (ArithmeticError, ValueError) as exc:
            with pytest.raises(type(exc), match=spec.name):
                method(Value(x))
            continue
        node = method(Value(x))
        assert bits([node.data]) == bits([want]), spec.name
        assert node.op == spec.name and node._rule is spec.rule


@given(st.floats(allow_nan=True), st.floats(allow_nan=True))
def test_generated_operators_equal_the_table_forward(x, y) -> None:
    for spec, name in _BINARY_OPERATORS:
        want = spec.evaluate([x, y])
        for node in (
            getattr(Value(x), f"__{name}__")(Value(y)),
            getattr(Value(x), f"__{name}__")(y),
            getattr(Value(y), f"__r{name}__")(x),
        ):
            assert bits([node.data]) == bits([want]), spec.name
            assert [p.data for p in node.parents] == [x, y] or math.isnan(x) or math.isnan(y)
