"""``check_grad``: compare the engine's gradients with central differences, readably.

Used by the test suite and the notebooks. Central differences cost two evaluations per
input and have error O(eps^2), so with eps = 1e-6 they agree with a correct analytic
gradient to about 1e-8 for well-scaled functions; the default tolerances leave room for
that and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from autograd_engine.differentiate import grad
from autograd_engine.errors import GradCheckError
from autograd_engine.floats import to_float
from autograd_engine.value import Value


@dataclass(frozen=True)
class GradCheckRow:
    """One input's analytic and numeric derivative."""

    name: str
    analytic: float
    numeric: float
    ok: bool

    @property
    def error(self) -> float:
        """Absolute difference between the two."""
        return abs(self.analytic - self.numeric)


@dataclass(frozen=True)
class GradCheckReport:
    """The rows of a check; ``ok`` when every row agrees. ``str()`` is a table."""

    rows: tuple[GradCheckRow, ...]

    @property
    def ok(self) -> bool:
        """True when every input's gradient matched."""
        return all(row.ok for row in self.rows)

    def __str__(self) -> str:
        width = max([5, *(len(row.name) for row in self.rows)])
        lines = [f"{'input':<{width}}  {'analytic':>22}  {'numeric':>22}  {'error':>9}"]
        for row in self.rows:
            mark = "" if row.ok else "  <-- mismatch"
            lines.append(
                f"{row.name:<{width}}  {row.analytic:>22.15g}  {row.numeric:>22.15g}"
                f"  {row.error:>9.2e}{mark}"
            )
        return "\n".join(lines)


def check_grad(
    f: Callable[..., Value],
    inputs: Sequence[float | Value],
    *,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    raise_on_failure: bool = True,
) -> GradCheckReport:
    """Check ``f``'s gradient at ``inputs`` against central differences.

    ``f`` takes one Value per input and returns a Value. Inputs are numbers or Values
    (only their ``data`` and ``label`` are used; the originals are not modified).

    Raises:
        GradCheckError: when a derivative disagrees and ``raise_on_failure`` is true; its
            message is the report, naming the input and both numbers.

    >>> from autograd_engine import Value
    >>> report = check_grad(lambda x, y: x * y + x.tanh(), [0.5, -2.0])
    >>> report.ok
    True
    >>> check_grad(lambda x: x.relu() * 0 + Value(x.data) * x, [3.0])  # x*x with a detached copy
    Traceback (most recent call last):
    ...
    autograd_engine.errors.GradCheckError: input ...
    inputs[0]  3  6.00000000... <-- mismatch
    """
    points = [x.data if isinstance(x, Value) else to_float(x) for x in inputs]
    names = [
        x.label if isinstance(x, Value) and x.label else f"inputs[{i}]"
        for i, x in enumerate(inputs)
    ]
    leaves = [Value(p, label=name) for p, name in zip(points, names, strict=True)]
    output = f(*leaves)
    if not isinstance(output, Value):
        raise TypeError(f"check_grad: f must return a Value, got {type(output).__name__}")
    analytic = grad(output, leaves)
    rows = []
    for i, name in enumerate(names):
        numeric = (_evaluate(f, points, i, eps) - _evaluate(f, points, i, -eps)) / (2 * eps)
        ok = abs(analytic[i] - numeric) <= atol + rtol * abs(numeric)
        rows.append(GradCheckRow(name, analytic[i], numeric, ok))
    report = GradCheckReport(tuple(rows))
    if raise_on_failure and not report.ok:
        raise GradCheckError(report)
    return report


def _evaluate(f: Callable[..., Value], points: list[float], index: int, step: float) -> float:
    shifted = list(points)
    shifted[index] += step
    # Not under no_grad: f may differentiate internally (checking a second derivative).
    return f(*(Value(p) for p in shifted)).data
