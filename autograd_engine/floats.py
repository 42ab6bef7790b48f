"""Numbers in: turning what a user passes (int, bool, NumPy scalar, ...) into a ``float``.

A ``Value`` stores ``float`` only, so that a NumPy ``float32`` or a string written into a
weight cannot spread through the graph and surface far away. ``to_float`` is the rule;
``checked_float`` is the same rule with a message naming the attribute assigned, and
``seed_float`` the rule for ``backward``'s seed.
"""

from __future__ import annotations

import numbers

from autograd_engine.errors import short_repr
from autograd_engine.numeric import AsNumber


def to_float(x: object) -> float:
    """Convert a real number (int, float, bool, NumPy scalar) to ``float``; refuse anything else.

    >>> to_float(True), to_float(3)
    (1.0, 3.0)
    >>> to_float("3")
    Traceback (most recent call last):
    ...
    TypeError: Value data must be a real number (int, float, bool or NumPy scalar), got str: '3'
    >>> to_float(10**400)
    Traceback (most recent call last):
    ...
    OverflowError: Value data must fit a float (at most about 1.8e308), got an int of 401 digits
    """
    kind = type(x)
    if kind is float:
        return x  # type: ignore[return-value]
    try:
        if kind is int or kind is bool:
            return float(x)  # type: ignore[arg-type]
        if isinstance(x, numbers.Real):
            return float(x)
    except OverflowError:
        raise OverflowError(
            f"Value data must fit a float (at most about 1.8e308), got {short_repr(x)}"
        ) from None
    # NumPy's bool_ and 0-d arrays are not registered as numbers.Real; accept them by value.
    if kind.__module__ == "numpy" and getattr(x, "ndim", None) == 0:
        item = x.item()  # type: ignore[attr-defined]
        if isinstance(item, bool | int | float):
            return to_float(item)
    raise TypeError(
        "Value data must be a real number (int, float, bool or NumPy scalar), "
        f"got {kind.__name__}: {short_repr(x)}"
    )


def checked_float(value: object, name: str) -> float:
    """``to_float`` for an assignment to ``Value.data``/``Value.grad``: the message names it."""
    if value is None and name == "grad":  # PyTorch's way to clear a gradient
        raise TypeError(
            "Value.grad = None: here a gradient is always a number (0.0 when nothing has "
            "flowed back), never None as in PyTorch; to clear it assign 0.0 "
            "(p.grad = 0.0) or call model.zero_grad() / optimizer.zero_grad()"
        )
    try:
        return to_float(value)
    except TypeError:
        raise TypeError(
            f"Value.{name} must be a real number (int, float, bool or NumPy scalar), "
            f"got {type(value).__name__}: {short_repr(value)}"
        ) from None
    except OverflowError:
        raise OverflowError(
            f"Value.{name} must fit a float (at most about 1.8e308), got {short_repr(value)}"
        ) from None


def seed_float(grad: object) -> float:
    """``backward``'s seed as a float, or a TypeError saying what to pass instead."""
    if isinstance(grad, AsNumber):  # a Value
        raise TypeError(
            f"backward(grad={grad!r}): the seed is a plain number, d(output)/d(this node), "
            f"not a Value; pass grad={grad.data!r} (the Value's .data)"
        )
    try:
        return to_float(grad)
    except TypeError:
        raise TypeError(
            f"backward(grad=...) must be a real number, d(output)/d(this node), got "
            f"{type(grad).__name__}: {short_repr(grad)}; the default 1.0 is what a loss needs"
        ) from None
