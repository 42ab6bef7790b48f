"""The ``**`` rules at zero bases and where the power underflows (issue 13 item 8, issue 14 item 2).

PyTorch's conventions: d/db a**b is 0 at a = 0 (for the b >= 0 that forward accepts),
d/da is b * 0**(b-1) (0, 1 or inf), and g multiplies the local derivative, so a huge
upstream gradient meeting an underflowed power gives 0, not inf * 0 = NaN.
"""

from __future__ import annotations

import math

import pytest

from autograd_engine import Value, detect_anomaly, grad


@pytest.mark.parametrize("y", [0.25, 0.5, 0.999, 1.0, 2.0, 3.5])
def test_zero_to_a_positive_power_is_flat_in_the_exponent(y: float) -> None:
    exponent = Value(y)
    assert grad(0.0**exponent, exponent) == 0.0
    (0.0**exponent).backward()
    assert exponent.grad == 0.0
    with detect_anomaly():  # the constant base's infinite slope is never read
        assert grad(0.0**exponent, exponent) == 0.0
    second = grad(grad(0.0**exponent, exponent, create_graph=True), exponent)
    assert second == 0.0


@pytest.mark.parametrize(("y", "slope"), [(0.5, math.inf), (1.0, 1.0), (2.0, 0.0), (0.0, 0.0)])
def test_the_base_slope_at_zero_is_spelled_out(y: float, slope: float) -> None:
    base = Value(0.0)
    assert grad(base ** Value(y), base) == slope


def test_x_to_the_x_at_zero_has_derivative_zero() -> None:
    a, b = Value(0.0), Value(0.0)
    assert grad(a**b, [a, b]) == [0.0, 0.0]
    x = Value(0.0)
    (x**x).backward()
    assert x.grad == 0.0  # PyTorch: 0; it used to be NaN


def test_an_underflowed_power_times_a_huge_gradient_is_zero_not_nan() -> None:
    x = Value(2.0)
    ((x**-1100.0) * 1e306).backward()
    assert x.grad == 0.0 and not math.isnan(x.grad)  # PyTorch: -0.0
    y = Value(-1100.0)
    base = Value(2.0)
    ((base**y) * 1e306).backward()
    assert base.grad == 0.0 and y.grad == 0.0


def test_higher_derivatives_at_a_zero_base_keep_their_graph() -> None:
    x = Value(0.0)
    first = grad(x**2, x, create_graph=True)
    assert first.data == 0.0 and grad(first, x) == 2.0  # Newton at Rosenbrock's minimum
    y = Value(2.0)
    assert grad(grad(x**y, x, create_graph=True), x) == 2.0
