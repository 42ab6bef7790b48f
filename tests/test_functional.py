"""grad, value_and_grad, jacobian, hessian of functions, against central differences."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_engine as ag
from autograd_engine.functional import grad, hessian, jacobian, value_and_grad

small = st.floats(-2.0, 2.0)


def f(v):
    return ag.sin(v[0]) * v[1] ** 2 + ag.exp(v[0] * v[1] / 4)


def f_float(v):
    return math.sin(v[0]) * v[1] ** 2 + math.exp(v[0] * v[1] / 4)


def central(function, v, i, h=1e-5):
    up, down = list(v), list(v)
    up[i] += h
    down[i] -= h
    return (function(up) - function(down)) / (2 * h)


@given(small, small)
def test_grad_of_a_function_matches_central_differences(a: float, b: float) -> None:
    got = grad(f)([a, b])
    assert got == pytest.approx([central(f_float, [a, b], i) for i in range(2)], abs=1e-6)


@given(small, small)
def test_hessian_matches_central_differences_of_the_gradient(a: float, b: float) -> None:
    H = hessian(f)([a, b])
    gradient = grad(f)
    for i in range(2):
        row = [central(lambda v, i=i: gradient(v)[i], [a, b], j) for j in range(2)]
        assert H[i] == pytest.approx(row, abs=1e-5)
    assert H[0][1] == pytest.approx(H[1][0], rel=1e-12, abs=1e-12)


def test_jacobian_of_a_vector_function() -> None:
    jac = jacobian(lambda v: [v[0] * v[1], ag.sin(v[0]), 3.0])([2.0, 5.0])
    assert jac == [[5.0, 2.0], [math.cos(2.0), 0.0], [0.0, 0.0]]


def test_value_and_grad_with_several_arguments() -> None:
    value, (dx, dy) = value_and_grad(lambda x, y, z: x * y + z, argnums=(0, 1))(2.0, 3.0, 1.0)
    assert (value, dx, dy) == (7.0, 3.0, 2.0)


def test_nested_grad_gives_higher_derivatives() -> None:
    cube = lambda x: x**3  # noqa: E731
    assert grad(grad(grad(cube)))(2.0) == 6.0


def test_autograd_engine_grad_accepts_a_function() -> None:
    assert ag.grad(lambda x: x * x)(3.0) == 6.0 == ag.grad_of(lambda x: x * x)(3.0)


def test_a_function_that_returns_a_list_needs_jacobian() -> None:
    with pytest.raises(TypeError, match="for a list of outputs use jacobian"):
        grad(lambda v: [v[0], v[1]])([1.0, 2.0])


def test_argnums_out_of_range_names_the_count() -> None:
    with pytest.raises(IndexError, match="argument 2 asked for, but f got 1"):
        grad(lambda x: x, argnums=2)(1.0)
