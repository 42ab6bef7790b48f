"""The engine's own exception types.

Domain errors use Python's built-in types (``ValueError``, ``ZeroDivisionError``,
``OverflowError``) so that callers can catch them as they would for ``math``; the types
here cover what has no built-in equivalent.
"""

from __future__ import annotations


class AnomalyError(FloatingPointError):
    """A NaN or infinity appeared while ``detect_anomaly()`` was active."""


class GradCheckError(AssertionError):
    """``check_grad`` found an analytic gradient that disagrees with central differences.

    The ``report`` attribute holds the full :class:`~autograd_engine.gradcheck.GradCheckReport`.
    """

    def __init__(self, report: object) -> None:
        super().__init__(str(report))
        self.report = report
