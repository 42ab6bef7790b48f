"""Bad input: typed errors that name the op and the offending value; no silent epsilon."""

from __future__ import annotations

import pytest

import autograd_engine as ag
from autograd_engine import Value


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda: Value(0.0).log(), ValueError, r"log\(0.0\): log is defined for positive"),
        (lambda: Value(-1.0).log(), ValueError, r"log\(-1.0\): log is defined for positive"),
        (lambda: ag.log(-1.0), ValueError, r"log\(-1.0\)"),
        (lambda: Value(-1.0).sqrt(), ValueError, r"sqrt\(-1.0\): sqrt is defined for non-neg"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, r"0.0 \*\* -1.0: zero cannot be raised"),
        (lambda: Value(0.0) ** Value(-1.0), ZeroDivisionError, r"0.0 \*\* -1.0"),
        (lambda: Value(-8.0) ** (1 / 3), ValueError, r"negative base needs an integer exponent"),
        (lambda: Value(2.0) / 0, ZeroDivisionError, r"2.0 / 0.0: division by zero"),
        (lambda: 1 / Value(0.0), ZeroDivisionError, r"1.0 / 0.0: division by zero"),
        (lambda: Value(1000.0).exp(), OverflowError, r"exp\(1000.0\): result too large"),
        (lambda: ag.exp(1000.0), OverflowError, r"exp\(1000.0\)"),
        (lambda: Value(10.0) ** 400, OverflowError, r"10.0 \*\* 400.0: result too large"),
    ],
)
def test_forward_domain_errors(build, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        build()


def test_backward_through_an_infinite_derivative_names_the_op() -> None:
    x = Value(0.0)
    y = x.sqrt()
    with pytest.raises(ZeroDivisionError, match=r"backward of sqrt at inputs \(0.0\)"):
        y.backward()


def test_sigmoid_and_softplus_do_not_overflow() -> None:
    assert ag.sigmoid(-1000.0) == 0.0 and ag.sigmoid(1000.0) == 1.0
    assert ag.softplus(-1000.0) == 0.0 and ag.softplus(1000.0) == 1000.0
    x = Value(-1000.0)
    x.softplus().backward()
    assert x.grad == 0.0


def test_wrong_arity_and_unknown_parameter() -> None:
    with pytest.raises(TypeError, match="leaky_relu got unexpected parameter"):
        ag.leaky_relu(1.0, alpha=0.1)
    with pytest.raises(TypeError, match="takes 1 input"):
        ag.exp(1.0, 2.0)
