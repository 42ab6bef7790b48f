"""The engine's own exception types.

Domain errors use Python's built-in types (``ValueError``, ``ZeroDivisionError``,
``OverflowError``) so that callers can catch them as they would for ``math``; the types
here cover what has no built-in equivalent.
"""

from __future__ import annotations

import math


class AnomalyError(FloatingPointError):
    """A NaN or infinity appeared while ``detect_anomaly()`` was active."""


class GradCheckError(AssertionError):
    """``check_grad`` found an analytic gradient that disagrees with central differences.

    The ``report`` attribute holds the full :class:`~autograd_engine.gradcheck.GradCheckReport`.
    """

    def __init__(self, report: object) -> None:
        super().__init__(str(report))
        self.report = report


def short_repr(value: object, limit: int = 80) -> str:
    """``repr(value)`` for an error message: cut to ``limit`` characters, huge ints described.

    User input reaches messages; a 100 MB string must not make a 100 MB message, and an
    int past Python's 4300-digit limit cannot even be printed.

    >>> short_repr("x" * 1000, limit=20)
    "'xxxxxxxxxxxx... (1002 chars)"
    >>> short_repr(10**400)
    'an int of 401 digits'
    """
    if type(value) is int and value.bit_length() > 1000:
        try:
            digits = str(len(str(abs(value))))
        except ValueError:  # past Python's int-to-str digit limit
            digits = f"about {int(value.bit_length() * math.log10(2)) + 1}"
        return f"an int of {digits} digits"
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 7]}... ({len(text)} chars)"
