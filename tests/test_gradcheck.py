"""``check_grad``: passes correct gradients and reports wrong ones readably."""

from __future__ import annotations

import pytest

from autograd_engine import GradCheckError, Value, check_grad


def test_a_correct_gradient_passes() -> None:
    report = check_grad(lambda x, y: (x * y).sin() + y.exp(), [0.3, -0.7])
    assert report.ok and len(report.rows) == 2


def test_a_wrong_gradient_is_reported_by_input_name() -> None:
    # The second factor is a detached copy: the engine sees only half of x*x.
    def half_square(x: Value) -> Value:
        return x * Value(x.data)

    x = Value(3.0, label="x")
    with pytest.raises(GradCheckError) as caught:
        check_grad(half_square, [x])
    report = caught.value.report
    assert not report.ok
    row = report.rows[0]
    assert row.name == "x" and row.analytic == 3.0
    assert row.numeric == pytest.approx(6.0, rel=1e-6)
    assert "x" in str(caught.value) and "mismatch" in str(caught.value)


def test_without_raising_returns_the_failed_report() -> None:
    report = check_grad(lambda x: x * Value(x.data), [3.0], raise_on_failure=False)
    assert not report.ok and "mismatch" in str(report)


def test_f_must_return_a_value() -> None:
    with pytest.raises(TypeError, match="f must return a Value"):
        check_grad(lambda x: 1.0, [1.0])  # type: ignore[arg-type, return-value]


def test_inputs_are_not_modified() -> None:
    x = Value(2.0, label="x")
    check_grad(lambda v: v * v, [x])
    assert x.grad == 0.0 and x.data == 2.0
