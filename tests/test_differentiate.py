"""``grad()``: returned gradients, create_graph and higher derivatives."""

from __future__ import annotations

import math

import pytest

from autograd_engine import Value, grad


def nth_derivative(f, x0: float, n: int) -> list[float]:
    """f, f', ..., f^(n) at x0, each by differentiating the previous Value."""
    x = Value(x0)
    current = f(x)
    values = [current.data]
    for _ in range(n):
        current = grad(current, x, create_graph=True)
        values.append(current.data)
    return values


def test_grad_does_not_touch_dot_grad() -> None:
    x = Value(2.0)
    y = x * x
    assert grad(y, x) == 4.0
    assert x.grad == 0.0 and y.grad == 0.0


def test_grad_of_several_inputs_and_an_unrelated_one() -> None:
    x, y, z = Value(2.0), Value(3.0), Value(4.0)
    assert grad(x * y, [x, y, z]) == [3.0, 2.0, 0.0]


def test_grad_output_seed() -> None:
    x = Value(2.0)
    assert grad(x * x, x, grad_output=0.5) == 2.0


def test_create_graph_returns_values_even_for_constant_gradients() -> None:
    x, z = Value(2.0), Value(1.0)
    dx, dz = grad(x * 3, [x, z], create_graph=True)
    assert isinstance(dx, Value) and dx.data == 3.0
    assert isinstance(dz, Value) and dz.data == 0.0


@pytest.mark.parametrize("x0", [-1.3, 0.0, 0.4, 2.0])
def test_tanh_up_to_third_order(x0: float) -> None:
    t = math.tanh(x0)
    expected = [t, 1 - t**2, -2 * t * (1 - t**2), (1 - t**2) * (6 * t**2 - 2)]
    assert nth_derivative(lambda x: x.tanh(), x0, 3) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("x0", [-2.0, 0.5, 3.0])
def test_cube_up_to_fourth_order(x0: float) -> None:
    expected = [x0**3, 3 * x0**2, 6 * x0, 6.0, 0.0]
    assert nth_derivative(lambda x: x**3, x0, 4) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("x0", [-1.0, 0.3, 1.7])
def test_sin_times_exp_up_to_third_order(x0: float) -> None:
    s, c, e = math.sin(x0), math.cos(x0), math.exp(x0)
    expected = [s * e, (s + c) * e, 2 * c * e, 2 * (c - s) * e]
    got = nth_derivative(lambda x: x.sin() * x.exp(), x0, 3)
    assert got == pytest.approx(expected, rel=1e-12)


def test_hessian_of_a_two_variable_function() -> None:
    # f(x, y) = x^2 y + sin(x y); Hessian by hand.
    x0, y0 = 0.7, -1.2
    x, y = Value(x0), Value(y0)
    f = x**2 * y + (x * y).sin()
    gx, gy = grad(f, [x, y], create_graph=True)
    hessian = [grad(gx, [x, y]), grad(gy, [x, y])]
    s, c = math.sin(x0 * y0), math.cos(x0 * y0)
    expected = [
        [2 * y0 - y0**2 * s, 2 * x0 + c - x0 * y0 * s],
        [2 * x0 + c - x0 * y0 * s, -(x0**2) * s],
    ]
    for row, expected_row in zip(hessian, expected, strict=True):
        assert row == pytest.approx(expected_row, rel=1e-12)


def test_grad_rejects_non_values() -> None:
    with pytest.raises(TypeError, match="output must be a Value, got float"):
        grad(1.0, [Value(1.0)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="inputs must be Values, got float"):
        grad(Value(1.0) * 2, [1.0])  # type: ignore[list-item]
