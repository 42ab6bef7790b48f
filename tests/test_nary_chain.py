"""``sum``, ``dot`` and ``affine`` give exactly what the chain of ``+`` and ``*`` gives.

Value and gradients, bit for bit (NaN equal to NaN), for inputs that include infinities,
NaN and numbers near overflow; under ``detect_anomaly()`` the fused op raises an
``AnomalyError`` naming it exactly when the chain raises one. Also: operands must be
Values or real numbers, refused by name when the node is built (issue 14 items 3, 8).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_engine as ag
from autograd_engine import AnomalyError, Value, detect_anomaly

HARD = st.one_of(
    st.floats(-4.0, 4.0),
    st.sampled_from([math.inf, -math.inf, math.nan, 1e308, -1e308, 1.7e308, 1e154, -0.0, 0.0]),
)


def same(a: float, b: float) -> bool:
    """Equal bits, or both NaN (NaN payloads depend on the order of operations)."""
    return (math.isnan(a) and math.isnan(b)) or float(a).hex() == float(b).hex()


def chain_sum(xs: list[Value]) -> Value:
    total = xs[0]
    for x in xs[1:]:
        total = total + x
    return total


def chain_dot(ws: list[Value], xs: list[Value]) -> Value:
    return chain_sum([w * x for w, x in zip(ws, xs, strict=True)])


def chain_affine(params: list[Value], xs: list[Value], activation: str) -> Value:
    total = params[-1]
    for w, x in zip(params, xs):  # noqa: B905 (params carries the bias last)
        total = total + w * x
    return total if activation == "linear" else getattr(total, activation)()


def compare(
    build: Callable[[list[Value]], Value],
    chain: Callable[[list[Value]], Value],
    numbers: list[float],
    seed: float,
) -> None:
    fused_leaves = [Value(v) for v in numbers]
    chain_leaves = [Value(v) for v in numbers]
    fused, fused_error = _run(build, fused_leaves, seed)
    chained, chain_error = _run(chain, chain_leaves, seed)
    assert fused_error == chain_error, (numbers, fused_error, chain_error)  # sqrt(-1), ...
    if fused is None or chained is None:
        return
    assert same(fused.data, chained.data), (fused.data, chained.data)
    for a, b in zip(fused_leaves, chain_leaves, strict=True):
        assert same(a.grad, b.grad), (numbers, a.grad, b.grad)
    with detect_anomaly():
        raised = []
        for builder, leaves in ((build, fused_leaves), (chain, chain_leaves)):
            try:
                builder(leaves).backward(seed)
                raised.append(False)
            except AnomalyError:
                raised.append(True)
            except (ArithmeticError, ValueError):
                raised.append(False)  # the same error as above, on both sides
    if not chained._parents:  # a chain of one: the leaf itself, so no op to stop
        raised[1] = not math.isfinite(chained.data)
    assert raised[0] == raised[1], (numbers, raised)


def _run(
    builder: Callable[[list[Value]], Value], leaves: list[Value], seed: float
) -> tuple[Value | None, type | None]:
    """The output after ``backward(seed)``, or the type of the error on the way."""
    try:
        out = builder(leaves)
        out.backward(seed)
    except (ArithmeticError, ValueError) as exc:
        return None, type(exc)
    return out, None


seeds = st.sampled_from([1.0, -2.5, 0.0, 1e300])


@given(st.lists(HARD, min_size=1, max_size=5), seeds)
def test_sum_is_the_chain_of_additions(numbers: list[float], seed: float) -> None:
    compare(ag.sum, chain_sum, numbers, seed)  # type: ignore[arg-type]


@given(st.integers(1, 4).flatmap(lambda n: st.lists(HARD, min_size=2 * n, max_size=2 * n)), seeds)
def test_dot_is_the_chain_of_products_and_additions(numbers: list[float], seed: float) -> None:
    half = len(numbers) // 2
    compare(
        lambda vs: ag.dot(vs[:half], vs[half:]),  # type: ignore[arg-type, return-value]
        lambda vs: chain_dot(vs[:half], vs[half:]),
        numbers,
        seed,
    )


@given(
    st.integers(1, 3).flatmap(lambda n: st.lists(HARD, min_size=2 * n + 1, max_size=2 * n + 1)),
    st.sampled_from(ag.AFFINE_ACTIVATIONS),
    seeds,
)
def test_affine_is_the_chain_of_its_neuron(
    numbers: list[float], activation: str, seed: float
) -> None:
    n = len(numbers) // 2
    compare(
        lambda vs: ag.affine(vs[: n + 1], vs[n + 1 :], activation),  # type: ignore[arg-type, return-value]
        lambda vs: chain_affine(vs[: n + 1], vs[n + 1 :], activation),
        numbers,
        seed,
    )


def test_fsum_errors_are_gone_and_ieee_results_remain() -> None:
    assert ag.sum([Value(1e308), Value(1e308), Value(-1e308)]).data == math.inf
    assert math.isnan(ag.sum([Value(math.inf), Value(-math.inf)]).data)
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"forward of sum produced nan"):
        ag.sum([Value(math.inf), Value(-math.inf)])
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"forward of dot produced inf"):
        ag.dot([Value(1e200)], [Value(1e200)])


class _Foreign:
    """An object with a float ``.data``, as another engine's node (micrograd's Value) has."""

    data = 2.0


def test_operands_must_be_values_or_real_numbers() -> None:
    np = pytest.importorskip("numpy")
    x = Value(1.0)
    refused = [np.array([1.0, 2.0]), _Foreign(), "2", None]
    for bad in refused:
        with pytest.raises(TypeError, match=r"sum: operand 1 must be a Value or a real number"):
            ag.sum([x, bad])
        with pytest.raises(TypeError, match=r"dot: operand 1 must be a Value or a real number"):
            ag.dot([x, bad], [x, x])
        with pytest.raises(TypeError, match=r"affine: operand 1 must be a Value or a real"):
            ag.affine((x, bad), (x,))
        with pytest.raises(TypeError, match=r"affine_relu: operand 2 must be a Value or a"):
            ag.affine((x, x), (bad,), "relu")
        with pytest.raises(TypeError, match=r"affine_relu: operand 2 must be a Value or a"):
            ag.affine_layer([(x, x)], (bad,), "relu")
    # The same numbers pass everywhere: NumPy scalars too (issue 13, item 8).
    for number in (np.float64(2.0), np.int64(2), np.float32(2.0), 2, 2.0):
        assert ag.sum([number, x]).data == 3.0
        assert ag.dot([number], [x]).data == 2.0
        assert ag.affine((number, x), (Value(3.0),)).data == 7.0


def test_affine_accepts_numpy_scalars_as_dot_does() -> None:
    np = pytest.importorskip("numpy")
    y = ag.affine((np.float64(2.0), Value(1.0)), (Value(3.0),))
    assert y.data == 7.0 and y.parents[0].kind == "constant"
